#include "actors/order/order_queries.hpp"

#include "actors/catalog/catalog_cursor.hpp"
#include "actors/common/ids.hpp"
#include "actors/order/sql_time.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_queries {
namespace {

using persistence::exec;

}  // namespace

std::string encode_cursor(const list_position& p) {
  return catalog_cursor::encode(std::to_string(p.created_at) + "/" + p.token);
}

std::optional<list_position> decode_cursor(const std::string& cursor) {
  auto inner = catalog_cursor::decode(cursor);
  if (!inner) return std::nullopt;
  auto slash = inner->find('/');
  // 18 digits always fit an int64 (19 may not): a longer one is no cursor of ours.
  if (slash == std::string::npos || slash == 0 || slash > 18) return std::nullopt;
  list_position p;
  for (size_t i = 0; i < slash; ++i)
    if ((*inner)[i] < '0' || (*inner)[i] > '9') return std::nullopt;
  p.created_at = std::stoll(inner->substr(0, slash));
  p.token = inner->substr(slash + 1);
  if (!is_uuid(p.token)) return std::nullopt;
  return p;
}

std::vector<list_position> list(pqxx::transaction_base& txn, const std::string& user_id,
                                const std::optional<order_status>& status,
                                const std::optional<list_position>& after, int limit) {
  static const std::string sql =
      "SELECT " + epoch_micros("created_at") +
      ", token::text FROM orders WHERE user_id = $1 AND ($2 = '' OR status = $2) AND "
      "($3::boolean IS FALSE OR (created_at, token) < (to_timestamp($4::float8 / 1000000), "
      "$5::uuid)) ORDER BY created_at DESC, token DESC LIMIT $6";
  std::vector<list_position> out;
  auto r = exec(txn, "orders_list", sql.c_str(), user_id,
                status ? std::string(to_string(*status)) : std::string(), after.has_value(),
                after ? after->created_at : 0,
                after ? after->token : std::string("00000000-0000-4000-8000-000000000000"), limit);
  for (auto row : r) out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>()});
  return out;
}

std::vector<std::string> due_for_expiry(pqxx::transaction_base& txn, int limit) {
  std::vector<std::string> out;
  for (auto row : exec(txn, "orders_due_for_expiry",
                       "SELECT token::text FROM orders WHERE status IN ('awaiting_payment', "
                       "'failed') AND expires_at <= now() ORDER BY expires_at LIMIT $1",
                       limit))
    out.push_back(row[0].as<std::string>());
  return out;
}

std::vector<std::string> open_payments(pqxx::transaction_base& txn, int limit) {
  std::vector<std::string> out;
  for (auto row :
       exec(txn, "orders_open_payments",
            "SELECT DISTINCT o.token::text, o.created_at FROM orders o JOIN payment_attempts p "
            "ON p.order_token = o.token AND p.status = 'created' WHERE o.status = "
            "'awaiting_payment' AND p.gateway <> 'sandbox' ORDER BY o.created_at LIMIT $1",
            limit))
    out.push_back(row[0].as<std::string>());
  return out;
}

}  // namespace checkout::order_queries
