// The atoms and value types of payment messages; the interfaces that use
// them are in actors/payment/payment_interface.hpp.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <string>
#include <vector>

#include "actors/common/time.hpp"
#include "actors/payment/gateway.hpp"

namespace checkout {

using choose_atom = caf::atom_constant<caf::atom("choose")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using refund_atom = caf::atom_constant<caf::atom("refund")>;
using status_atom = caf::atom_constant<caf::atom("gwstatus")>;

namespace payment {

// One gateway actor's breaker as seen now.
struct gateway_status {
  std::string gateway;
  bool accepting = true;  // a call would go out now
  std::string breaker;    // closed | open | half_open
  int consecutive_failures = 0;
  micros opened_at = 0;  // when it last opened (wall clock), while not closed; 0 closed
};

}  // namespace payment

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::session_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::session)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::remote_payment)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::refund_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::refund_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::gateway_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<checkout::payment::gateway_status>)
