// GET /orders/{t}/invoice (CONTRACT §16): who may read an order's invoice and
// what it shows, decided on the order and its invoice as stored.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>
#include <optional>
#include <string>

#include "actors/invoice/invoice_document.hpp"
#include "actors/invoice/invoice_store.hpp"
#include "actors/order/order_record.hpp"

namespace checkout {

struct invoice_lookup {
  std::string order_token;
  std::string user_id;  // the caller; ignored with any_reader
  // An admin, or a request carrying the invoice link's key (invoice_link.hpp).
  bool any_reader = false;
};

namespace invoice {

// Whether the order has an invoice, from its status and history: paid (or
// completed, free) at some point. A refund of a capture that came after the
// window closed was never paid, and has none.
bool invoiced(const order_record& order);

// The invoice, or why not: order_not_found when the order is unknown or not
// the caller's; order_state_conflict (409 5005) before it is paid, and for a
// refunded order that was never paid (it has no invoice).
caf::expected<document> invoice_of(const std::optional<order_record>& order,
                                   const invoice_store::stored& stored,
                                   const invoice_lookup& lookup, const std::string& default_sac);

}  // namespace invoice
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::invoice_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::invoice::document)
