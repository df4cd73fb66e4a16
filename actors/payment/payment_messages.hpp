// What the payment router (spawn_payment_router) answers:
//   (choose_atom, std::string requested, std::string currency) -> std::string gateway
//       the gateway for a new attempt: `requested` if given and enabled, else by
//       configuration and currency; when its breaker is open, the other enabled
//       gateway; none: errc::gateway_unavailable. No outbound call is made.
//   (create_atom, std::string gateway, session_request)        -> session
//   (fetch_atom, std::string gateway, std::string order_id)    -> remote_payment
//   (expire_atom, std::string gateway, std::string order_id)   -> ack_reply
//   (refund_atom, std::string gateway, refund_request)         -> refund_result
//   (status_atom)                                              -> std::vector<gateway_status>
//       every enabled gateway's breaker, for operators; no outbound call.
// Calls to a gateway whose breaker is open fail at once with
// errc::gateway_unavailable; there is no fallback once a gateway is chosen
// (an attempt stays with its gateway, so it never has two gateway orders).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <string>
#include <vector>

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
