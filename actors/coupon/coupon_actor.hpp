// Coupons as admins manage them (CONTRACT §4):
//   (create_atom, coupon, audit::admin_stamp)           -> coupon_reply | invalid_field
//   (patch_atom, std::string code, coupon_store::coupon_patch, audit::admin_stamp)
//                                                       -> coupon_reply | invalid_field
//   (referral_atom, referral_query)                     -> referral_summary
//   (referral_atom, referral_report_query)              -> referral_report
// A change is recorded in the admin audit in its own transaction.
// Messages in actors/coupon/coupon_messages.hpp. Codes are matched in any case.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_coupon_actor(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
