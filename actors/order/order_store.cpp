#include "actors/order/order_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/common/ids.hpp"
#include "actors/common/json_write.hpp"
#include "actors/order/sql_time.hpp"
#include "persistence/outbox.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_store {
namespace {

using persistence::exec;
using writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string epoch(const char* col) {
  return epoch_micros(col);
}

std::string period_text(const std::optional<period>& p) {
  return p ? std::to_string(p->value) + " " + p->unit : std::string();
}

std::optional<period> period_from_text(const std::string& s) {
  auto space = s.find(' ');
  if (s.empty() || space == std::string::npos) return std::nullopt;
  return period{std::stoi(s.substr(0, space)), s.substr(space + 1)};
}

persistence::queued_event event_of(const order_record& o, const std::string& type,
                                   const std::string& correlation_id, std::string data) {
  return {{type, o.token, o.user_id, correlation_id, std::move(data)},
          new_uuid(),
          to_rfc3339(now_micros())};
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

// The columns payment_of() reads, in its order.
constexpr const char* payment_columns =
    "SELECT token::text, attempt_no, gateway, COALESCE(gateway_order_id, ''), "
    "COALESCE(gateway_payment_id, ''), COALESCE(checkout_url, ''), status, amount, currency, "
    "(EXTRACT(EPOCH FROM expires_at) * 1e6)::bigint, COALESCE(refund_id, ''), "
    "(EXTRACT(EPOCH FROM created_at) * 1e6)::bigint";

// The payment columns of `row` from field `at` on.
payment_info payment_of(const pqxx::row& row, pqxx::row::size_type at = 0) {
  auto p = [&](pqxx::row::size_type i) { return row[at + i]; };
  payment_info out;
  out.payment_token = p(0).as<std::string>();
  out.attempt_no = p(1).as<int>();
  out.gateway = p(2).as<std::string>();
  out.gateway_order_id = p(3).as<std::string>();
  out.gateway_payment_id = p(4).as<std::string>();
  out.checkout_url = p(5).as<std::string>();
  out.status = p(6).as<std::string>();
  out.amount = p(7).as<std::int64_t>();
  out.currency = p(8).as<std::string>();
  out.expires_at = p(9).as<std::int64_t>();
  out.refund_id = p(10).as<std::string>();
  out.created_at = p(11).as<std::int64_t>();
  return out;
}

// A JSON array column (json_agg's text) as a document to iterate; a
// malformed one is a bug in the statement above, so it throws.
rapidjson::Document json_rows(const pqxx::field& f) {
  rapidjson::Document d;
  d.Parse(f.c_str(), f.size());
  if (d.HasParseError() || !d.IsArray())
    throw std::runtime_error("order_load: a child column is not a JSON array");
  return d;
}

}  // namespace

// The order with its lines, history, latest attempt and enrollments in one
// statement (one snapshot, one round trip: issue 16 counted five per load,
// three loads per checkout). The child rows come as JSON arrays.
std::optional<order_record> load(pqxx::transaction_base& txn, const std::string& token) {
  static const std::string sql =
      "SELECT o.token::text, o.user_id, o.cart_token::text, o.idempotency_key, o.status, "
      "o.currency, o.subtotal, o.discount_amount, o.tax_amount, o.total, o.pricing::text, "
      "o.version, " +
      epoch("o.created_at") + ", " + epoch("o.expires_at") +
      ", o.success_url, o.cancel_url, o.holds, "
      "(SELECT COALESCE(json_agg(json_build_array(line_no, internship_id, COALESCE(period, ''), "
      "quantity, unit_price, base_price, discount_amount, tax_amount, total) ORDER BY line_no), "
      "'[]') FROM order_items WHERE order_token = o.token)::text, "
      "(SELECT COALESCE(json_agg(json_build_array(status, " +
      epoch("at") +
      ", COALESCE(reason, '')) ORDER BY id), '[]') FROM order_history "
      "WHERE order_token = o.token)::text, "
      "(SELECT COALESCE(json_agg(enrollment_id::text ORDER BY line_no), '[]') FROM enrollments "
      "WHERE order_token = o.token)::text, p.* "
      "FROM orders o LEFT JOIN LATERAL (" +
      payment_columns +
      " FROM payment_attempts WHERE order_token = o.token ORDER BY attempt_no DESC LIMIT 1) p "
      "ON true WHERE o.token = $1::uuid";
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
  o.success_url = row[14].as<std::string>();
  o.cancel_url = row[15].as<std::string>();
  o.holds = row[16].as<std::string>();
  auto lines = json_rows(row[17]), history = json_rows(row[18]), enrolled = json_rows(row[19]);
  for (auto& l : lines.GetArray()) {
    auto a = l.GetArray();
    o.lines.push_back({a[0].GetInt(), a[1].GetString(), period_from_text(a[2].GetString()),
                       a[3].GetInt(), a[4].GetInt64(), a[5].GetInt64(), a[6].GetInt64(),
                       a[7].GetInt64(), a[8].GetInt64()});
  }
  for (auto& h : history.GetArray()) {
    auto a = h.GetArray();
    o.history.push_back({a[0].GetString(), a[1].GetInt64(), a[2].GetString()});
  }
  for (auto& e : enrolled.GetArray()) o.enrollment_ids.push_back(e.GetString());
  if (!row[20].is_null()) o.payment = payment_of(row, 20);
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

std::optional<payment_info> find_payment(pqxx::transaction_base& txn,
                                         const std::string& payment_token) {
  static const std::string sql =
      std::string(payment_columns) + " FROM payment_attempts WHERE token = $1::uuid";
  auto r = exec(txn, "payment_find", sql.c_str(), payment_token);
  if (r.empty()) return std::nullopt;
  return payment_of(r[0]);
}

std::optional<payment_info> find_sandbox_payment(pqxx::transaction_base& txn,
                                                 const std::string& payment_token) {
  auto p = find_payment(txn, payment_token);
  if (!p || p->gateway != "sandbox" || p->gateway_order_id.empty()) return std::nullopt;
  return p;
}

void insert_order(pqxx::transaction_base& txn, order_record& o) {
  static const std::string insert_sql =
      "INSERT INTO orders (token, user_id, cart_token, idempotency_key, status, currency, "
      "subtotal, discount_amount, tax_amount, total, pricing, expires_at, success_url, "
      "cancel_url, buyer_email, invoice_facts) VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7, "
      "$8, $9, $10, $11::jsonb, to_timestamp($12::float8 / 1000000), $13, $14, "
      "NULLIF($15, ''), NULLIF($16, '')::jsonb) RETURNING " +
      epoch("created_at");
  auto created =
      exec(txn, "order_insert", insert_sql.c_str(), o.token, o.user_id, o.cart_token,
           o.idempotency_key, std::string(to_string(order_status::awaiting_payment)), o.currency,
           o.subtotal, o.discount_amount, o.tax_amount, o.total, o.pricing_json, o.expires_at,
           o.success_url, o.cancel_url, o.buyer_email, o.invoice_facts_json);
  o.created_at = created[0][0].as<std::int64_t>();
  o.status = order_status::awaiting_payment;
  for (auto& l : o.lines)
    exec(txn, "order_item_insert",
         "INSERT INTO order_items (order_token, line_no, internship_id, period, quantity, "
         "unit_price, base_price, discount_amount, tax_amount, total) VALUES ($1::uuid, $2, $3, "
         "NULLIF($4, ''), $5, $6, $7, $8, $9, $10)",
         o.token, l.line_no, l.internship_id, period_text(l.plan_period), l.quantity, l.unit_price,
         l.base_price, l.discount_amount, l.tax_amount, l.total);
  add_history(txn, o.token, order_status::awaiting_payment, "order placed");
  o.history.push_back({"awaiting_payment", o.created_at, "order placed"});
}

void insert_attempt(pqxx::transaction_base& txn, const std::string& order_token,
                    const payment_info& p) {
  exec(txn, "payment_insert",
       "INSERT INTO payment_attempts (token, order_token, attempt_no, gateway, amount, currency, "
       "status, expires_at, created_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, 'pending', "
       "to_timestamp($7::float8 / 1000000), 'epoch'::timestamptz + $8::bigint * interval '1 "
       "microsecond')",
       p.payment_token, order_token, p.attempt_no, p.gateway, p.amount, p.currency, p.expires_at,
       p.created_at);
}

// What the gateway answered, on a pending attempt only ($1 token, $2 gateway
// order id, $3 checkout URL).
constexpr const char* session_sql =
    "UPDATE payment_attempts SET gateway_order_id = $2, checkout_url = $3, status = 'created', "
    "updated_at = now() WHERE token = $1::uuid AND status = 'pending'";

void set_session(pqxx::transaction_base& txn, const std::string& payment_token,
                 const std::string& gateway_order_id, const std::string& checkout_url) {
  exec(txn, "payment_set_session", session_sql, payment_token, gateway_order_id, checkout_url);
}

void set_refund(pqxx::transaction_base& txn, const std::string& payment_token,
                const std::string& refund_id) {
  exec(txn, "payment_set_refund",
       "UPDATE payment_attempts SET refund_id = $2, status = 'refunded', updated_at = now() "
       "WHERE token = $1::uuid",
       payment_token, refund_id);
}

bool transition(pqxx::transaction_base& txn, const order_record& order, order_status to,
                const std::string& reason, micros* at) {
  // The move and its history entry in one statement (one round trip fewer
  // per transition): no entry when the version check finds the row moved on.
  static const std::string sql =
      "WITH moved AS (UPDATE orders SET status = $2, version = version + 1, "
      "updated_at = now() WHERE token = $1::uuid AND version = $3 RETURNING token) "
      "INSERT INTO order_history (order_token, status, reason) "
      "SELECT token, $2, $4 FROM moved RETURNING " +
      epoch("at");
  auto r = exec(txn, "order_transition", sql.c_str(), order.token, std::string(to_string(to)),
                order.version, reason);
  if (r.size() != 1) return false;
  if (at != nullptr) *at = r[0][0].as<micros>();
  return true;
}

bool take_lease(pqxx::transaction_base& txn, const std::string& token, order_job job,
                std::chrono::milliseconds length) {
  static const char* expiry =
      "UPDATE orders SET expiry_lease_until = now() + $2::bigint * interval '1 ms' "
      "WHERE token = $1::uuid AND (expiry_lease_until IS NULL OR expiry_lease_until <= now())";
  static const char* sync =
      "UPDATE orders SET sync_lease_until = now() + $2::bigint * interval '1 ms' "
      "WHERE token = $1::uuid AND (sync_lease_until IS NULL OR sync_lease_until <= now())";
  bool is_expiry = job == order_job::expiry_check;
  auto r = exec(txn, is_expiry ? "order_lease_expiry" : "order_lease_sync",
                is_expiry ? expiry : sync, token, static_cast<std::int64_t>(length.count()));
  return r.affected_rows() == 1;
}

void add_history(pqxx::transaction_base& txn, const std::string& token, order_status s,
                 const std::string& reason) {
  exec(txn, "order_history_insert",
       "INSERT INTO order_history (order_token, status, reason) VALUES ($1::uuid, $2, $3)", token,
       std::string(to_string(s)), reason);
}

bool set_session_completing_key(pqxx::transaction_base& txn, const std::string& payment_token,
                                const std::string& gateway_order_id,
                                const std::string& checkout_url,
                                const persistence::idempotency_key_ref& key,
                                const std::string& body) {
  static const std::string sql =
      std::string("WITH s AS (") + session_sql +
      " RETURNING 1), "
      "k AS (UPDATE idempotency_keys SET state = 'done', response_status = 201, "
      "response_body = $7 WHERE user_id = $4 AND scope = $5 AND key = $6 "
      "AND EXISTS (SELECT 1 FROM s) RETURNING 1) "
      "SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM k)";
  auto r = exec(txn, "payment_set_session_key", sql.c_str(), payment_token, gateway_order_id,
                checkout_url, key.user_id, key.scope, key.key, body);
  return r[0][0].as<std::int64_t>() == 1;
}

void update_payment(pqxx::transaction_base& txn, const std::string& payment_token,
                    const std::string& status, const std::string& gateway_payment_id) {
  exec(txn, "payment_update",
       "UPDATE payment_attempts SET status = $2, gateway_payment_id = COALESCE(NULLIF($3, ''), "
       "gateway_payment_id), updated_at = now() WHERE token = $1::uuid",
       payment_token, status, gateway_payment_id);
}

std::vector<std::string> enroll(pqxx::transaction_base& txn, const order_record& order,
                                const std::string& correlation_id, event_batch* events) {
  std::vector<std::string> created;
  event_batch own;
  auto& batch = events != nullptr ? *events : own;
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
    batch.push_back(event_of(order, "enrollment.created", correlation_id, data));
    // The confirmation to send (email, push) for this enrollment.
    batch.push_back(event_of(order, "notification.requested", correlation_id, data));
  }
  if (events == nullptr) persistence::enqueue_events(txn, own);
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

void revoke_enrollments(pqxx::transaction_base& txn, const std::string& order_token) {
  exec(txn, "enrollments_revoke",
       "UPDATE enrollments SET status = 'revoked' WHERE order_token = $1::uuid", order_token);
}

std::optional<std::string> enrolled_in(pqxx::transaction_base& txn, const std::string& user_id,
                                       const std::vector<std::string>& internship_ids) {
  auto r = exec(txn, "enrolled_in",
                "SELECT internship_id FROM enrollments WHERE user_id = $1 AND status = 'active' "
                "AND internship_id = ANY($2::text[]) ORDER BY internship_id LIMIT 1",
                user_id, persistence::text_array(internship_ids));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void emit(pqxx::transaction_base& txn, const order_record& o, const std::string& type,
          const std::string& correlation_id, event_batch before) {
  before.push_back(event_of(o, type, correlation_id, order_event_data(o)));
  persistence::enqueue_events(txn, before);
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
