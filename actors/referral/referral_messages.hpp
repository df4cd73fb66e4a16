// What the coupon actor answers about referrals (CONTRACT §16): a user's code
// with the orders placed with it, and the admin report.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <string>
#include <vector>

#include "actors/referral/referral_store.hpp"

namespace checkout {

using referral_atom = caf::atom_constant<caf::atom("referral")>;

// GET /referrals/me: the caller's code (made on first asking) and its orders.
struct referral_query {
  std::string user_id;
};
struct referral_summary {
  std::string code;
  std::vector<referral_store::referred_order> referred;
};

// GET /admin/referrals: the newest `limit` referrals and the totals of all.
struct referral_report_query {
  int limit = 100;
};
struct referral_report {
  referral_store::totals totals;
  std::vector<referral_store::referred_order> referrals;
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::referral_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::referral_summary)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::referral_report_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::referral_report)
