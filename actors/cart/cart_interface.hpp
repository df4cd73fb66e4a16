// The typed interfaces of carts: what a caller may ask a cart, the cart actor
// (one per token), and the cart directory that callers send to.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>
#include <vector>

#include "actors/common/actor_snapshot.hpp"
#include "actors/common/entity_interface.hpp"
#include "actors/common/key_keeper_interface.hpp"
#include "actors/messages.hpp"

namespace checkout {

// What a caller may ask one cart. Callers send these to the cart directory
// with the cart's token in front (see cart_directory_actor).
using cart_requests = caf::typed_actor<
    caf::replies_to<get_atom, cart_caller>::with<cart_view>,
    caf::replies_to<estimate_atom, cart_caller>::with<cart_view>,
    // Checked for ordering: not converted, not empty.
    caf::replies_to<checkout_atom, cart_caller>::with<cart_view>,
    caf::replies_to<add_atom, cart_caller, cart_product>::with<cart_view>,
    // A merge of products, as POST /cart does for a user who has a cart.
    caf::replies_to<add_atom, cart_caller, std::vector<cart_product>>::with<cart_view>,
    // The same under an Idempotency-Key, recorded with the change.
    caf::replies_to<add_atom, cart_caller, std::vector<cart_product>, std::string>::with<cart_view>,
    // (caller, internship id, quantity): 0 removes the line.
    caf::replies_to<patch_atom, cart_caller, std::string, int>::with<cart_view>,
    // Every line at today's catalog price.
    caf::replies_to<reprice_atom, cart_caller>::with<cart_view>,
    caf::replies_to<remove_atom, cart_caller, std::string>::with<cart_view>,
    // (caller, internship id or "" for the cart's only one, period).
    caf::replies_to<plan_atom, cart_caller, std::string, period>::with<cart_view>,
    caf::replies_to<billing_atom, cart_caller, billing_info>::with<cart_view>,
    // (user id): a guest cart becomes the user's.
    caf::replies_to<login_atom, std::string>::with<cart_view>,
    // (user id, guest cart): the guest's lines merged in.
    caf::replies_to<login_atom, std::string, cart_state>::with<cart_view>,
    // Merged away: answers 410 after.
    caf::replies_to<expire_atom, cart_caller>::with<cart_view>,
    caf::replies_to<coupon_atom, cart_caller, std::string>::with<cart_view>,
    // (caller, code); an empty code removes the cart's only coupon.
    caf::replies_to<uncoupon_atom, cart_caller, std::string>::with<cart_view>,
    caf::replies_to<validate_atom, cart_caller, std::string>::with<coupon_check>,
    // An order took the cart: reload it.
    caf::reacts_to<converted_atom>>;

// One cart: its requests, and what only its directory and operators send.
using cart_actor = cart_requests::extend<
    // The first message of a new token (created = true in the answer).
    caf::replies_to<create_atom, cart_create_request>::with<cart_view>,
    caf::reacts_to<passivate_atom>, caf::replies_to<inspect_atom>::with<actor_snapshot>>;

// The cart directory: every cart request with the cart's token in front,
// plus what concerns no existing cart yet.
using cart_directory_actor =
    routed_by_token<cart_requests>::extend_with<entity_parent_actor, key_keeper_actor>::extend<
        // A new cart, or for a signed-in user the merge into their active one.
        caf::replies_to<create_atom, cart_create_request>::with<cart_view>,
        // The same after the Idempotency-Key's effect was looked up (a shard asks itself).
        caf::replies_to<create_atom, cart_create_request, bool>::with<cart_view>,
        // (user id): the token of the user's active cart; 404 (1001) when none.
        caf::replies_to<active_atom, std::string>::with<std::string>,
        // (token, user id): signing in with a cart; answers the user's one active cart
        // (the guest cart attached, or its lines merged into the cart the user had).
        caf::replies_to<login_atom, std::string, std::string>::with<cart_view>>;

}  // namespace checkout
