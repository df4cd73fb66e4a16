#include "actors/order/hosted_payment.hpp"

#include "actors/order/order_store.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_store {

using persistence::exec;

std::optional<hosted_payment> find_hosted_payment(pqxx::transaction_base& txn,
                                                  const std::string& payment_token) {
  auto p = find_payment(txn, payment_token);
  if (!p) return std::nullopt;
  auto order = exec(txn, "hosted_payment_order",
                    "SELECT o.token::text, o.success_url, o.cancel_url FROM payment_attempts a "
                    "JOIN orders o ON o.token = a.order_token WHERE a.token = $1::uuid",
                    payment_token);
  if (order.empty()) return std::nullopt;
  hosted_payment out;
  out.payment = std::move(*p);
  out.order_token = order[0][0].as<std::string>();
  out.success_url = order[0][1].as<std::string>();
  out.cancel_url = order[0][2].as<std::string>();
  for (auto l : exec(txn, "hosted_payment_lines",
                     "SELECT i.title, l.quantity, l.total FROM order_items l "
                     "JOIN internships i ON i.id = l.internship_id "
                     "WHERE l.order_token = $1::uuid ORDER BY l.line_no",
                     out.order_token))
    out.lines.push_back({l[0].as<std::string>(), l[1].as<int>(), l[2].as<std::int64_t>()});
  return out;
}

}  // namespace checkout::order_store
