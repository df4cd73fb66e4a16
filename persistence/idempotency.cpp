#include "persistence/idempotency.hpp"

#include <algorithm>

#include "persistence/sql.hpp"

namespace checkout::persistence {

bool begin_fresh(pqxx::transaction_base& txn, const idempotency_key_ref& ref,
                 const std::string& request_hash, std::chrono::milliseconds lease) {
  // A new key, or one whose 24 hours are over, starts afresh.
  auto fresh =
      exec(txn, "idem_begin",
           "INSERT INTO idempotency_keys (user_id, scope, key, request_hash, state, "
           "locked_until, expires_at) VALUES ($1, $2, $3, $4, 'in_progress', "
           "now() + $5 * interval '1 millisecond', now() + interval '24 hours') "
           "ON CONFLICT (user_id, scope, key) DO UPDATE SET "
           "request_hash = EXCLUDED.request_hash, state = 'in_progress', "
           "locked_until = EXCLUDED.locked_until, response_status = NULL, "
           "response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at "
           "WHERE idempotency_keys.expires_at < now() RETURNING 1",
           ref.user_id, ref.scope, ref.key, request_hash, static_cast<long long>(lease.count()));
  return !fresh.empty();
}

idempotency_decision begin_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref,
                                   const std::string& request_hash,
                                   std::chrono::milliseconds lease) {
  if (begin_fresh(txn, ref, request_hash, lease)) return {};
  auto r = exec(txn, "idem_existing",
                "SELECT request_hash, state, locked_until > now(), COALESCE(response_status, 0), "
                "COALESCE(response_body, '') FROM idempotency_keys "
                "WHERE user_id = $1 AND scope = $2 AND key = $3 FOR UPDATE",
                ref.user_id, ref.scope, ref.key);
  auto row = r[0];
  if (row[0].as<std::string>() != request_hash) return {idempotency_decision::mismatch, 0, {}};
  if (row[1].as<std::string>() == "done")
    return {idempotency_decision::replay, row[3].as<int>(), row[4].as<std::string>()};
  if (row[2].as<bool>()) return {idempotency_decision::in_progress, 0, {}};
  // The first attempt died without an answer: this one takes over its lease.
  exec(txn, "idem_take_over",
       "UPDATE idempotency_keys SET locked_until = now() + $4 * interval '1 millisecond' "
       "WHERE user_id = $1 AND scope = $2 AND key = $3",
       ref.user_id, ref.scope, ref.key, static_cast<long long>(lease.count()));
  return {};
}

void complete_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref, int status,
                      const std::string& body) {
  exec(txn, "idem_complete",
       "UPDATE idempotency_keys SET state = 'done', response_status = $4, response_body = $5 "
       "WHERE user_id = $1 AND scope = $2 AND key = $3",
       ref.user_id, ref.scope, ref.key, status, body);
}

void release_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref) {
  // The lease ends but the fingerprint stays: the same request runs again at
  // once, and another body under this key is still 6001 (it must not pick up
  // the order the first request may have made).
  exec(txn, "idem_release",
       "UPDATE idempotency_keys SET locked_until = now() - interval '1 second' "
       "WHERE user_id = $1 AND scope = $2 AND key = $3 AND state = 'in_progress'",
       ref.user_id, ref.scope, ref.key);
}

std::int64_t reap_idempotency_keys(pqxx::transaction_base& txn, int limit) {
  // In batches, so one run never holds many row locks for long.
  auto r = exec(txn, "idem_reap",
                "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys "
                "WHERE expires_at < now() LIMIT $1)",
                limit);
  // A cart key's recorded effect matters only while its key can be retried.
  auto e = exec(txn, "idem_reap_cart_effects",
                "DELETE FROM cart_key_effects WHERE ctid IN (SELECT ctid FROM cart_key_effects "
                "WHERE at < now() - interval '24 hours' LIMIT $1)",
                limit);
  return static_cast<std::int64_t>(std::max(r.affected_rows(), e.affected_rows()));
}

}  // namespace checkout::persistence
