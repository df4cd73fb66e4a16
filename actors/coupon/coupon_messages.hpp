// The messages of the coupon actor. Like actors/messages.hpp (whose atoms they
// reuse), they are only ever sent inside one process.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/coupon/coupon.hpp"
#include "actors/coupon/coupon_store.hpp"
#include "actors/messages.hpp"

namespace checkout {

// A reply carrying one coupon.
struct coupon_reply {
  coupon item;
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::coupon)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::coupon_store::coupon_patch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::coupon_reply)
