#include "actors/webhook/inbox_store.hpp"

#include "actors/common/ids.hpp"
#include "actors/order/sql_time.hpp"
#include "persistence/sql.hpp"

namespace checkout::inbox_store {

using persistence::exec;

const char* to_string(gateway_event_kind k) {
  switch (k) {
    case gateway_event_kind::captured:
      return "captured";
    case gateway_event_kind::failed:
      return "failed";
    case gateway_event_kind::refunded:
      return "refunded";
    case gateway_event_kind::none:
      break;
  }
  return "none";
}

gateway_event_kind kind_from(const std::string& s) {
  if (s == "captured") return gateway_event_kind::captured;
  if (s == "failed") return gateway_event_kind::failed;
  if (s == "refunded") return gateway_event_kind::refunded;
  return gateway_event_kind::none;
}

std::optional<order_match> find_order(pqxx::transaction_base& txn, const gateway_event& ev) {
  auto first = [](const pqxx::result& r) -> std::optional<order_match> {
    if (r.empty()) return std::nullopt;
    return order_match{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
  };
  if (is_uuid(ev.payment_token)) {
    if (auto m = first(exec(txn, "inbox_order_by_payment",
                            "SELECT order_token::text, gateway FROM payment_attempts "
                            "WHERE token = $1::uuid",
                            ev.payment_token)))
      return m;
  }
  if (!ev.gateway_order_id.empty()) {
    if (auto m = first(exec(txn, "inbox_order_by_gateway_order",
                            "SELECT order_token::text, gateway FROM payment_attempts "
                            "WHERE gateway_order_id = $1 ORDER BY attempt_no DESC LIMIT 1",
                            ev.gateway_order_id)))
      return m;
  }
  if (!ev.payment_id.empty()) {
    if (auto m = first(exec(txn, "inbox_order_by_gateway_payment",
                            "SELECT order_token::text, gateway FROM payment_attempts "
                            "WHERE gateway_payment_id = $1 ORDER BY attempt_no DESC LIMIT 1",
                            ev.payment_id)))
      return m;
  }
  if (is_uuid(ev.order_token)) {
    if (auto m = first(exec(txn, "inbox_order_by_token",
                            "SELECT o.token::text, COALESCE((SELECT a.gateway FROM "
                            "payment_attempts a WHERE a.order_token = o.token "
                            "ORDER BY a.attempt_no DESC LIMIT 1), '') "
                            "FROM orders o WHERE o.token = $1::uuid",
                            ev.order_token)))
      return m;
  }
  return std::nullopt;
}

entry record(pqxx::transaction_base& txn, const gateway_event& ev, const std::string& order_token,
             const std::string& correlation_id, bool wrong_gateway) {
  const bool actionable =
      !wrong_gateway && ev.kind != gateway_event_kind::none && !order_token.empty();
  const std::string result = actionable                            ? "pending"
                             : wrong_gateway                       ? "wrong_gateway"
                             : ev.kind == gateway_event_kind::none ? "ignored"
                                                                   : "unknown_order";
  auto inserted = exec(
      txn, "inbox_record",
      "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result, kind, "
      "note, gateway_order_id, payment_id, amount, currency, reason, correlation_id, "
      "occurred_at, applied_at, payment_token) VALUES ($1, $2, $3, NULLIF($4, '')::uuid, $5, $6, "
      "$7, $8, $9, $10, $11, $12, $13, CASE WHEN $14::bigint > 0 THEN "
      "to_timestamp($14::float8 / 1000000) END, CASE WHEN $15 THEN NULL ELSE now() END, $16) "
      "ON CONFLICT (gateway, event_id) DO NOTHING",
      ev.gateway, ev.event_id, ev.type, order_token, result, to_string(ev.kind), ev.note,
      ev.gateway_order_id, ev.payment_id, ev.amount, ev.currency, ev.reason, correlation_id,
      ev.occurred_at, actionable, ev.payment_token);
  entry e;
  if (inserted.affected_rows() == 1) {
    e.fresh = true;
    e.order_token = order_token;
    e.result = result;
    e.applied = !actionable;
    return e;
  }
  auto r = exec(txn, "inbox_entry",
                "SELECT COALESCE(order_token::text, ''), result, applied_at IS NOT NULL "
                "FROM webhook_events WHERE gateway = $1 AND event_id = $2",
                ev.gateway, ev.event_id);
  if (r.empty()) return e;  // cannot happen inside one transaction; treated as fresh-less
  e.order_token = r[0][0].as<std::string>();
  e.result = r[0][1].as<std::string>();
  e.applied = r[0][2].as<bool>();
  return e;
}

bool mark_applied(pqxx::transaction_base& txn, const std::string& gateway,
                  const std::string& event_id, const std::string& event_type,
                  const std::string& order_token, const std::string& result, std::string* earlier,
                  const gateway_event* full, const std::string& correlation_id) {
  // The row lock taken here makes a concurrent second application wait for
  // the first one's commit and then find the row applied.
  static const char* const on_conflict =
      "ON CONFLICT (gateway, event_id) DO UPDATE SET result = EXCLUDED.result, "
      "applied_at = now(), attempts = webhook_events.attempts + 1, "
      "order_token = COALESCE(webhook_events.order_token, EXCLUDED.order_token) "
      "WHERE webhook_events.applied_at IS NULL RETURNING 1";
  static const std::string bare_sql =
      std::string(
          "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result, "
          "applied_at, attempts) VALUES ($1, $2, $3, NULLIF($4, '')::uuid, $5, now(), 1) ") +
      on_conflict;
  static const std::string full_sql =
      std::string(
          "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result, "
          "applied_at, attempts, kind, note, gateway_order_id, payment_id, amount, currency, "
          "reason, correlation_id, occurred_at, payment_token) VALUES ($1, $2, $3, "
          "NULLIF($4, '')::uuid, $5, now(), 1, $6, $7, $8, $9, $10, $11, $12, $13, "
          "CASE WHEN $14::bigint > 0 THEN to_timestamp($14::float8 / 1000000) END, $15) ") +
      on_conflict;
  auto r = full ? exec(txn, "inbox_record_applied", full_sql.c_str(), gateway, event_id, event_type,
                       order_token, result, to_string(full->kind), full->note,
                       full->gateway_order_id, full->payment_id, full->amount, full->currency,
                       full->reason, correlation_id, full->occurred_at, full->payment_token)
                : exec(txn, "inbox_mark_applied", bare_sql.c_str(), gateway, event_id, event_type,
                       order_token, result);
  if (!r.empty()) return true;
  if (earlier) {
    auto prev = exec(txn, "inbox_result",
                     "SELECT result FROM webhook_events WHERE gateway = $1 AND event_id = $2",
                     gateway, event_id);
    *earlier = prev.empty() ? std::string() : prev[0][0].as<std::string>();
  }
  return false;
}

std::vector<unapplied_event> unapplied(pqxx::transaction_base& txn, micros before, int limit) {
  auto r = exec(txn, "inbox_unapplied",
                "SELECT gateway, event_id, event_type, kind, COALESCE(order_token::text, ''), "
                "gateway_order_id, payment_id, amount, currency, reason, correlation_id, "
                "COALESCE((extract(epoch FROM occurred_at) * 1000000)::bigint, 0), attempts, "
                "payment_token "
                "FROM webhook_events WHERE applied_at IS NULL AND attempts < $3 "
                "AND received_at < to_timestamp($1::float8 / 1000000) "
                "ORDER BY received_at LIMIT $2",
                before, limit, max_attempts);
  std::vector<unapplied_event> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    unapplied_event u;
    u.event.gateway = row[0].as<std::string>();
    u.event.event_id = row[1].as<std::string>();
    u.event.type = row[2].as<std::string>();
    u.event.kind = kind_from(row[3].as<std::string>());
    u.order_token = row[4].as<std::string>();
    u.event.gateway_order_id = row[5].as<std::string>();
    u.event.payment_id = row[6].as<std::string>();
    u.event.amount = row[7].as<std::int64_t>();
    u.event.currency = row[8].as<std::string>();
    u.event.reason = row[9].as<std::string>();
    u.correlation_id = row[10].as<std::string>();
    u.event.occurred_at = row[11].as<std::int64_t>();
    u.attempts = row[12].as<int>();
    u.event.payment_token = row[13].as<std::string>();
    out.push_back(std::move(u));
  }
  return out;
}

void note_failure(pqxx::transaction_base& txn, const std::string& gateway,
                  const std::string& event_id, const std::string& error) {
  exec(txn, "inbox_note_failure",
       "UPDATE webhook_events SET attempts = attempts + 1, last_error = $3 "
       "WHERE gateway = $1 AND event_id = $2 AND applied_at IS NULL",
       gateway, event_id, error.substr(0, 500));
}

std::vector<webhook_log::entry> recent(pqxx::transaction_base& txn,
                                       const std::optional<webhook_log::position>& before,
                                       const std::string& result, int limit) {
  // Newest first by (received_at, gateway, event_id), the primary key making
  // the order total; index webhook_events_recent (0010) read backwards.
  // received_at travels as exact microseconds both ways.
  static const std::string columns =
      "SELECT gateway, event_id, event_type, result, COALESCE(order_token::text, ''), "
      "correlation_id, " +
      epoch_micros("received_at") + " FROM webhook_events ";
  static const std::string after =
      "(received_at, gateway, event_id) < ('epoch'::timestamptz + $2::bigint * interval "
      "'1 microsecond', $3, $4) ";
  static const std::string order =
      "ORDER BY received_at DESC, gateway DESC, event_id DESC LIMIT $1";
  // One statement per shape, so each keeps a plan that uses its index.
  static const std::string first_sql = columns + order;
  static const std::string next_sql = columns + "WHERE " + after + order;
  static const std::string first_of_sql = columns + "WHERE result = $2 " + order;
  static const std::string next_of_sql = columns + "WHERE result = $5 AND " + after + order;
  pqxx::result rows;
  const int n = limit + 1;
  if (!before && result.empty())
    rows = exec(txn, "inbox_recent", first_sql.c_str(), n);
  else if (!before)
    rows = exec(txn, "inbox_recent_of", first_of_sql.c_str(), n, result);
  else if (result.empty())
    rows = exec(txn, "inbox_recent_after", next_sql.c_str(), n, before->received_at,
                before->gateway, before->event_id);
  else
    rows = exec(txn, "inbox_recent_of_after", next_of_sql.c_str(), n, before->received_at,
                before->gateway, before->event_id, result);
  std::vector<webhook_log::entry> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    webhook_log::entry e;
    e.gateway = row[0].as<std::string>();
    e.event_id = row[1].as<std::string>();
    e.event_type = row[2].as<std::string>();
    e.result = row[3].as<std::string>();
    e.order_token = row[4].as<std::string>();
    e.correlation_id = row[5].as<std::string>();
    e.received_at = row[6].as<std::int64_t>();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace checkout::inbox_store
