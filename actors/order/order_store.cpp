#include "actors/order/order_store.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "actors/catalog/catalog_store.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/json_write.hpp"
#include "actors/errors.hpp"
#include "persistence/outbox.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_store {
namespace {

using persistence::exec;
using writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* micros_of = "(EXTRACT(EPOCH FROM %s) * 1e6)::bigint";

std::string epoch(const char* col) {
  char buf[96];
  std::snprintf(buf, sizeof buf, micros_of, col);
  return buf;
}

std::string pricing_json(const pricing::price_result& p) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("tax_rate");
  w.Int(p.tax_rate);
  w.Key("base_total");
  w.Int64(p.base_total);
  w.Key("discount_percentage");
  w.Int(p.discount_percentage);
  w.Key("tax_breakdown");
  write_tax_parts(w, p.tax_breakdown);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string period_text(const std::optional<period>& p) {
  return p ? std::to_string(p->value) + " " + p->unit : std::string();
}

std::optional<period> period_from_text(const std::string& s) {
  auto space = s.find(' ');
  if (s.empty() || space == std::string::npos) return std::nullopt;
  return period{std::stoi(s.substr(0, space)), s.substr(space + 1)};
}

void enqueue(pqxx::transaction_base& txn, const order_record& o, const std::string& type,
             const std::string& correlation_id, const std::string& data) {
  persistence::enqueue_event(txn, {type, o.token, o.user_id, correlation_id, data}, new_uuid(),
                             to_rfc3339(now_micros()));
}

std::string enrollment_data(const std::string& enrollment_id, const order_line& line) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("enrollment_id");
  w.String(enrollment_id);
  w.Key("internship_id");
  w.String(line.internship_id);
  w.Key("seats");
  w.Int(line.quantity);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// Seats are counted per internship over all lines of the order.
caf::error hold_seats(pqxx::transaction_base& txn, const std::vector<order_line>& lines) {
  std::map<std::string, int> wanted;
  for (auto& l : lines) wanted[l.internship_id] += l.quantity;
  for (auto& [id, qty] : wanted) {
    auto r = exec(txn, "seats_hold",
                  "UPDATE internships SET seats_taken = seats_taken + $2 WHERE id = $1 "
                  "AND (seats_total IS NULL OR seats_taken + $2 <= seats_total)",
                  id, qty);
    if (r.affected_rows() != 1) return make_error(errc::sold_out, id + " has no seats left");
  }
  return {};
}

caf::error check_prices(pqxx::transaction_base& txn, const cart_state& cart) {
  std::vector<std::string> ids;
  for (auto& l : cart.lines) ids.push_back(l.internship_id);
  auto current = catalog_store::find_many(txn, ids);
  std::vector<std::string> changed;
  for (auto& l : cart.lines) {
    auto it = std::find_if(current.begin(), current.end(),
                           [&](const internship& i) { return i.id == l.internship_id; });
    if (it == current.end() || !it->active)
      return make_error(errc::internship_unavailable, l.internship_id + " is not available");
    auto unit = it->unit_price(l.plan_period);
    if (!unit || *unit != l.unit_price || it->currency != l.price_currency)
      changed.push_back("price of " + l.internship_id + " has changed");
  }
  if (!changed.empty()) return make_error(errc::price_changed, changed);
  return {};
}

void add_history(pqxx::transaction_base& txn, const std::string& token, order_status s,
                 const std::string& reason) {
  exec(txn, "order_history_insert",
       "INSERT INTO order_history (order_token, status, reason) VALUES ($1::uuid, $2, $3)", token,
       std::string(to_string(s)), reason);
}

}  // namespace

caf::expected<order_record> place(pqxx::transaction_base& txn, const placement& p) {
  auto& cart = p.cart.cart;
  auto& priced = p.cart.totals;
  if (auto err = check_prices(txn, cart)) return err;

  order_record o;
  o.token = p.order_token;
  o.user_id = p.user_id;
  o.cart_token = cart.token;
  o.idempotency_key = p.idempotency_key;
  o.currency = priced.currency;
  o.subtotal = priced.sub_total;
  o.discount_amount = priced.discount_amount;
  o.tax_amount = priced.tax_total;
  o.total = priced.total;
  o.pricing_json = pricing_json(priced);
  o.expires_at = p.expires_at;
  o.status = o.total == 0 ? order_status::completed : order_status::awaiting_payment;
  for (size_t i = 0; i < cart.lines.size(); ++i) {
    auto& l = priced.lines[i];
    o.lines.push_back({static_cast<int>(i + 1), l.internship_id, cart.lines[i].plan_period,
                       l.quantity, l.unit_price, l.base_price, l.discount, l.tax, l.total});
  }
  if (auto err = hold_seats(txn, o.lines)) return err;

  auto converted =
      exec(txn, "cart_convert",
           "UPDATE carts SET status = 'converted', user_id = $2, version = version + 1, "
           "updated_at = now() WHERE token = $1::uuid AND version = $3 "
           "AND status = 'active'",
           cart.token, p.user_id, cart.version);
  if (converted.affected_rows() != 1) return make_error(errc::cart_changed);

  static const std::string insert_sql =
      "INSERT INTO orders (token, user_id, cart_token, idempotency_key, status, currency, "
      "subtotal, discount_amount, tax_amount, total, pricing, expires_at) VALUES ($1::uuid, $2, "
      "$3::uuid, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, to_timestamp($12::float8 / 1000000)) "
      "RETURNING " +
      epoch("created_at");
  auto created = exec(txn, "order_insert", insert_sql.c_str(), o.token, o.user_id, o.cart_token,
                      o.idempotency_key, std::string(to_string(o.status)), o.currency, o.subtotal,
                      o.discount_amount, o.tax_amount, o.total, o.pricing_json, o.expires_at);
  o.created_at = created[0][0].as<std::int64_t>();
  for (auto& l : o.lines)
    exec(txn, "order_item_insert",
         "INSERT INTO order_items (order_token, line_no, internship_id, period, quantity, "
         "unit_price, base_price, discount_amount, tax_amount, total) VALUES ($1::uuid, $2, $3, "
         "NULLIF($4, ''), $5, $6, $7, $8, $9, $10)",
         o.token, l.line_no, l.internship_id, period_text(l.plan_period), l.quantity, l.unit_price,
         l.base_price, l.discount_amount, l.tax_amount, l.total);
  add_history(txn, o.token, order_status::awaiting_payment, "order placed");
  o.history.push_back({"awaiting_payment", o.created_at, "order placed"});

  if (o.status == order_status::completed) {
    // Nothing to pay: enrolled at once, in the same transaction.
    add_history(txn, o.token, order_status::completed, "nothing to pay");
    o.history.push_back({"completed", o.created_at, "nothing to pay"});
    o.enrollment_ids = enroll(txn, o, p.correlation_id);
    enqueue(txn, o, "order.completed", p.correlation_id, order_event_data(o));
    return o;
  }

  auto& pay = p.payment;
  exec(
      txn, "payment_insert",
      "INSERT INTO payment_attempts (token, order_token, attempt_no, gateway, gateway_order_id, "
      "checkout_url, amount, currency, status, expires_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, "
      "$6, $7, $8, 'created', to_timestamp($9::float8 / 1000000))",
      pay.payment_token, o.token, pay.attempt_no, pay.gateway, pay.gateway_order_id,
      pay.checkout_url, o.total, o.currency, pay.expires_at);
  o.payment = pay;
  o.payment->amount = o.total;
  o.payment->currency = o.currency;
  o.payment->status = "created";
  return o;
}

std::optional<order_record> load(pqxx::transaction_base& txn, const std::string& token) {
  static const std::string sql =
      "SELECT token::text, user_id, cart_token::text, idempotency_key, status, currency, subtotal, "
      "discount_amount, tax_amount, total, pricing::text, version, " +
      epoch("created_at") + ", " + epoch("expires_at") + " FROM orders WHERE token = $1::uuid";
  auto r = exec(txn, "order_load", sql.c_str(), token);
  if (r.empty()) return std::nullopt;
  auto row = r[0];
  order_record o;
  o.token = row[0].as<std::string>();
  o.user_id = row[1].as<std::string>();
  o.cart_token = row[2].as<std::string>();
  o.idempotency_key = row[3].as<std::string>();
  o.status = parse_order_status(row[4].as<std::string>()).value_or(order_status::failed);
  o.currency = row[5].as<std::string>();
  o.subtotal = row[6].as<std::int64_t>();
  o.discount_amount = row[7].as<std::int64_t>();
  o.tax_amount = row[8].as<std::int64_t>();
  o.total = row[9].as<std::int64_t>();
  o.pricing_json = row[10].as<std::string>();
  o.version = row[11].as<std::int64_t>();
  o.created_at = row[12].as<std::int64_t>();
  o.expires_at = row[13].as<std::int64_t>();

  for (auto l : exec(txn, "order_items_load",
                     "SELECT line_no, internship_id, COALESCE(period, ''), quantity, unit_price, "
                     "base_price, discount_amount, tax_amount, total FROM order_items "
                     "WHERE order_token = $1::uuid ORDER BY line_no",
                     token))
    o.lines.push_back({l[0].as<int>(), l[1].as<std::string>(),
                       period_from_text(l[2].as<std::string>()), l[3].as<int>(),
                       l[4].as<std::int64_t>(), l[5].as<std::int64_t>(), l[6].as<std::int64_t>(),
                       l[7].as<std::int64_t>(), l[8].as<std::int64_t>()});

  static const std::string history_sql = "SELECT status, " + epoch("at") +
                                         ", reason FROM order_history WHERE order_token = "
                                         "$1::uuid ORDER BY id";
  for (auto h : exec(txn, "order_history_load", history_sql.c_str(), token))
    o.history.push_back({h[0].as<std::string>(), h[1].as<std::int64_t>(), h[2].as<std::string>()});

  static const std::string pay_sql =
      "SELECT token::text, attempt_no, gateway, gateway_order_id, COALESCE(gateway_payment_id, "
      "''), "
      "checkout_url, status, amount, currency, " +
      epoch("expires_at") +
      " FROM payment_attempts WHERE order_token = $1::uuid ORDER BY attempt_no DESC LIMIT 1";
  auto pay = exec(txn, "order_payment_load", pay_sql.c_str(), token);
  if (!pay.empty()) {
    auto p = pay[0];
    o.payment =
        payment_info{p[0].as<std::string>(), p[1].as<int>(),          p[2].as<std::string>(),
                     p[3].as<std::string>(), p[4].as<std::string>(),  p[5].as<std::string>(),
                     p[6].as<std::string>(), p[7].as<std::int64_t>(), p[8].as<std::string>(),
                     p[9].as<std::int64_t>()};
  }
  for (auto e : exec(txn, "order_enrollments_load",
                     "SELECT enrollment_id::text FROM enrollments WHERE order_token = $1::uuid "
                     "ORDER BY line_no",
                     token))
    o.enrollment_ids.push_back(e[0].as<std::string>());
  return o;
}

std::optional<std::string> find_by_key(pqxx::transaction_base& txn, const std::string& user_id,
                                       const std::string& key) {
  auto r = exec(txn, "order_by_key",
                "SELECT token::text FROM orders WHERE user_id = $1 AND idempotency_key = $2",
                user_id, key);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::optional<std::string> find_by_gateway_order(pqxx::transaction_base& txn,
                                                 const std::string& gateway_order_id) {
  auto r = exec(txn, "order_by_gateway_order",
                "SELECT order_token::text FROM payment_attempts WHERE gateway_order_id = $1 "
                "ORDER BY attempt_no DESC LIMIT 1",
                gateway_order_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::optional<payment_info> find_sandbox_payment(pqxx::transaction_base& txn,
                                                 const std::string& payment_token) {
  static const std::string sql =
      "SELECT token::text, attempt_no, gateway, gateway_order_id, COALESCE(gateway_payment_id, "
      "''), "
      "checkout_url, status, amount, currency, " +
      epoch("expires_at") + " FROM payment_attempts WHERE token = $1::uuid AND gateway = 'sandbox'";
  auto r = exec(txn, "sandbox_payment_find", sql.c_str(), payment_token);
  if (r.empty()) return std::nullopt;
  auto p = r[0];
  return payment_info{p[0].as<std::string>(), p[1].as<int>(),          p[2].as<std::string>(),
                      p[3].as<std::string>(), p[4].as<std::string>(),  p[5].as<std::string>(),
                      p[6].as<std::string>(), p[7].as<std::int64_t>(), p[8].as<std::string>(),
                      p[9].as<std::int64_t>()};
}

bool record_webhook(pqxx::transaction_base& txn, const std::string& gateway,
                    const std::string& event_id, const std::string& event_type,
                    const std::string& order_token, const std::string& result) {
  auto r = exec(txn, "webhook_record",
                "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result) "
                "VALUES ($1, $2, $3, NULLIF($4, '')::uuid, $5) ON CONFLICT DO NOTHING",
                gateway, event_id, event_type, order_token, result);
  return r.affected_rows() == 1;
}

std::optional<std::string> webhook_result(pqxx::transaction_base& txn, const std::string& gateway,
                                          const std::string& event_id) {
  auto r = exec(txn, "webhook_result",
                "SELECT result FROM webhook_events WHERE gateway = $1 AND event_id = $2", gateway,
                event_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

bool transition(pqxx::transaction_base& txn, const order_record& order, order_status to,
                const std::string& reason) {
  auto r = exec(txn, "order_transition",
                "UPDATE orders SET status = $2, version = version + 1, updated_at = now() "
                "WHERE token = $1::uuid AND version = $3",
                order.token, std::string(to_string(to)), order.version);
  if (r.affected_rows() != 1) return false;
  add_history(txn, order.token, to, reason);
  return true;
}

void update_payment(pqxx::transaction_base& txn, const std::string& payment_token,
                    const std::string& status, const std::string& gateway_payment_id) {
  exec(txn, "payment_update",
       "UPDATE payment_attempts SET status = $2, gateway_payment_id = COALESCE(NULLIF($3, ''), "
       "gateway_payment_id), updated_at = now() WHERE token = $1::uuid",
       payment_token, status, gateway_payment_id);
}

std::vector<std::string> enroll(pqxx::transaction_base& txn, const order_record& order,
                                const std::string& correlation_id) {
  std::vector<std::string> created;
  for (auto& line : order.lines) {
    auto id = new_uuid();
    auto r = exec(txn, "enrollment_insert",
                  "INSERT INTO enrollments (enrollment_id, user_id, order_token, line_no, "
                  "internship_id, seats, status) VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, "
                  "'active') ON CONFLICT (order_token, line_no) DO NOTHING",
                  id, order.user_id, order.token, line.line_no, line.internship_id, line.quantity);
    if (r.affected_rows() != 1) continue;
    created.push_back(id);
    auto data = enrollment_data(id, line);
    enqueue(txn, order, "enrollment.created", correlation_id, data);
    // The confirmation to send (email, push) for this enrollment.
    enqueue(txn, order, "notification.requested", correlation_id, data);
  }
  return created;
}

std::vector<enrollment_record> enrollments_of(pqxx::transaction_base& txn,
                                              const std::string& user_id) {
  static const std::string sql =
      "SELECT enrollment_id::text, internship_id, order_token::text, seats, status, " +
      epoch("created_at") + " FROM enrollments WHERE user_id = $1 ORDER BY created_at, line_no";
  std::vector<enrollment_record> out;
  for (auto r : exec(txn, "enrollments_of", sql.c_str(), user_id))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<int>(), r[4].as<std::string>(), r[5].as<std::int64_t>()});
  return out;
}

std::string order_event_data(const order_record& o) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("status");
  w.String(std::string(to_string(o.status)));
  w.Key("currency");
  w.String(o.currency);
  w.Key("total");
  w.Int64(o.total);
  if (o.payment) {
    w.Key("gateway");
    w.String(o.payment->gateway);
    w.Key("payment_id");
    w.String(o.payment->gateway_payment_id);
  }
  w.Key("items");
  w.StartArray();
  for (auto& l : o.lines) {
    w.StartObject();
    w.Key("line_no");
    w.Int(l.line_no);
    w.Key("internship_id");
    w.String(l.internship_id);
    w.Key("quantity");
    w.Int(l.quantity);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace checkout::order_store
