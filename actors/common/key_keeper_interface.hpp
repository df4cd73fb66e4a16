// The actors that keep Idempotency-Keys for a route (CONTRACT §6, §7): the
// cart directory for POST /cart, the order directory for the order routes.
// The HTTP layer begins a key and stores the first answer through these.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "persistence/idempotency.hpp"

namespace checkout {

// Stores the first answer under a key (status 0 releases the key instead).
using key_store_actor =
    caf::typed_actor<caf::replies_to<store_atom, idempotent_response>::with<ack_reply>>;

// Also takes a key, or finds what it holds.
using key_keeper_actor = key_store_actor::extend<
    caf::replies_to<persistence::idempotency_begin>::with<persistence::idempotency_decision>>;

}  // namespace checkout
