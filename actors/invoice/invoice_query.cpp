#include "actors/invoice/invoice_query.hpp"

#include "actors/errors.hpp"

namespace checkout::invoice {

bool invoiced(const order_record& order) {
  if (order.status != order_status::paid && order.status != order_status::completed &&
      order.status != order_status::refunded)
    return false;
  for (auto& h : order.history)
    if (h.status == to_string(order_status::paid) || h.status == to_string(order_status::completed))
      return true;
  return false;
}

caf::expected<document> invoice_of(const std::optional<order_record>& order,
                                   const invoice_store::stored& stored,
                                   const invoice_lookup& lookup, const std::string& default_sac) {
  if (!order || (!lookup.any_reader && order->user_id != lookup.user_id))
    return make_error(errc::order_not_found);
  auto status = order->status;
  bool invoiced_status = status == order_status::paid || status == order_status::completed ||
                         status == order_status::refunded;
  if (!invoiced_status)
    return make_error(errc::order_state_conflict,
                      "the invoice is issued when the order is paid; the order is " +
                          std::string(to_string(status)));
  if (!stored.invoice)
    return make_error(errc::order_state_conflict,
                      "the order has no invoice: it was refunded without having been paid");
  return compose(*order, stored.facts, *stored.invoice, stored.seller, stored.credit_note,
                 stored.credit_reason, default_sac);
}

}  // namespace checkout::invoice
