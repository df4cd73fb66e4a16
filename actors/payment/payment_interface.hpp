// The typed interfaces of payments: one gateway actor per enabled gateway,
// and the payment router that chooses between them and forwards to them.
// Calls to a gateway whose breaker is open fail at once with
// errc::gateway_unavailable; there is no fallback once a gateway is chosen
// (an attempt stays with its gateway, so it never has two gateway orders).
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/payment/payment_messages.hpp"

namespace checkout {
namespace payment {

// One gateway (actors/payment/gateway_actor.hpp). Each call but status goes
// out to the gateway, with retries.
using gateway_actor =
    caf::typed_actor<caf::replies_to<create_atom, session_request>::with<session>,
                     // (gateway order id)
                     caf::replies_to<fetch_atom, std::string>::with<remote_payment>,
                     // (gateway order id): the session can no longer be paid.
                     caf::replies_to<expire_atom, std::string>::with<ack_reply>,
                     caf::replies_to<refund_atom, refund_request>::with<refund_result>,
                     // Its breaker, from memory.
                     caf::replies_to<status_atom>::with<gateway_status>>;

}  // namespace payment

// The payment router (actors/payment/payment_router.hpp). Every call but
// choose and status names the attempt's gateway first.
using payment_router_actor = caf::typed_actor<
    // (requested, currency): the gateway for a new attempt; `requested` if given
    // and enabled, else by configuration and currency; when its breaker is open,
    // the other enabled gateway; none: errc::gateway_unavailable. No outbound call.
    caf::replies_to<choose_atom, std::string, std::string>::with<std::string>,
    caf::replies_to<create_atom, std::string, payment::session_request>::with<payment::session>,
    // (gateway, gateway order id)
    caf::replies_to<fetch_atom, std::string, std::string>::with<payment::remote_payment>,
    // (gateway, gateway order id)
    caf::replies_to<expire_atom, std::string, std::string>::with<ack_reply>,
    caf::replies_to<refund_atom, std::string,
                    payment::refund_request>::with<payment::refund_result>,
    // Every enabled gateway's breaker, for operators; no outbound call.
    caf::replies_to<status_atom>::with<std::vector<payment::gateway_status>>>;

}  // namespace checkout
