// The typed interfaces of orders: what a caller may ask an order, the order
// actor (one per token), and the order directory that callers send to.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <cstdint>

#include "actors/common/actor_snapshot.hpp"
#include "actors/common/entity_interface.hpp"
#include "actors/common/key_keeper_interface.hpp"
#include "actors/invoice/invoice_query.hpp"
#include "actors/messages.hpp"
#include "actors/order/hosted_payment.hpp"
#include "actors/payment/payment_messages.hpp"

namespace checkout {

// What a caller may ask one order. Callers send these to the order directory
// with the order's token in front (see order_directory_actor).
using order_requests =
    caf::typed_actor<caf::replies_to<get_atom, order_query>::with<order_record>,
                     // A verified gateway event; errc::amount_mismatch when it cannot pay the
                     // order.
                     caf::replies_to<payment_atom, payment_event>::with<webhook_outcome>,
                     // POST /admin/orders/{t}/refund: the order as refunded.
                     caf::replies_to<refund_atom, refund_order_request>::with<order_record>,
                     caf::replies_to<enroll_atom, enrollment_request>::with<enrollment_done>,
                     // The payment window: checks the gateway, then expires the order. The
                     // generation of the actor's own timer, or 0 from a scan.
                     caf::reacts_to<expire_atom, std::uint64_t>,
                     // Asks the gateway about an open payment.
                     caf::reacts_to<sync_atom>>;

// One order: its requests, and what only its directory and operators send.
using order_actor = order_requests::extend<
    caf::replies_to<place_atom, place_order_request>::with<place_order_reply>,
    // A new attempt for a failed order (or the one a failed request left pending).
    caf::replies_to<retry_atom, payment_retry_request>::with<order_record>,
    caf::reacts_to<passivate_atom>, caf::replies_to<inspect_atom>::with<actor_snapshot>>;

// The order directory: every order request with the order's token in front,
// the idempotent routes (which run the key before an order actor acts), and
// reads that need no order actor.
using order_directory_actor =
    routed_by_token<order_requests>::extend_with<entity_parent_actor, key_store_actor>::extend<
        caf::replies_to<place_atom, place_order_request>::with<place_order_reply>,
        caf::replies_to<retry_atom, payment_retry_request>::with<place_order_reply>,
        caf::replies_to<list_atom, order_list_query>::with<order_list>,
        // The hand-off pages: a payment attempt by its token.
        caf::replies_to<get_atom, payment_lookup>::with<payment_info>,
        // The sandbox's hosted checkout: the attempt with its order's lines.
        caf::replies_to<get_atom, hosted_payment_lookup>::with<hosted_payment>,
        // GET /orders/{t}/invoice (CONTRACT §16).
        caf::replies_to<get_atom, invoice_lookup>::with<invoice::document>>;

}  // namespace checkout
