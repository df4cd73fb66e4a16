// Hands an inbox event to its order's actor: the one way both the intake and
// the inbox worker apply an event.
#pragma once

#include <caf/event_based_actor.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "actors/common/context.hpp"
#include "actors/messages.hpp"
#include "actors/webhook/gateway_event.hpp"

namespace checkout {

// `unrecorded`: the inbox holds no row for `ev` yet; applying it writes one.
payment_event to_payment_event(const gateway_event& ev, const std::string& correlation_id,
                               bool unrecorded = false);

// Asks the order directory to apply `ev` to `order_token`; `done` gets the
// order's outcome or its error (including a timeout after `wait`).
void apply_to_order(caf::event_based_actor* self, const actor_context& ctx,
                    const std::string& order_token, const gateway_event& ev,
                    const std::string& correlation_id, std::chrono::milliseconds wait,
                    std::function<void(caf::expected<webhook_outcome>)> done,
                    bool unrecorded = false);

}  // namespace checkout
