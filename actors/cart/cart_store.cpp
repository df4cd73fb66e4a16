#include "actors/cart/cart_store.hpp"

#include <stdexcept>

#include "persistence/sql.hpp"

namespace checkout::cart_store {

using persistence::exec;
using persistence::text_array;

void insert(pqxx::transaction_base& txn, const cart_state& c) {
  exec(txn, "cart_insert",
       "INSERT INTO carts (token, user_id, status, currency, state, version, sale_slug, "
       "device_id, analytics_data, created_at, updated_at, expires_at) VALUES ($1, NULLIF($2, ''), "
       "$3, $4, $5::jsonb, $6, NULLIF($7, ''), NULLIF($8, ''), NULLIF($9, '')::jsonb, "
       "to_timestamp($10::float8 / 1000000), to_timestamp($11::float8 / 1000000), "
       "to_timestamp($12::float8 / 1000000))",
       c.token, c.user_id, c.status, c.currency, state_to_json(c), c.version, c.sale_slug,
       c.device_id, c.analytics_json, c.created_at, c.updated_at, c.expires_at);
}

namespace {

constexpr const char* cart_columns =
    "token::text, COALESCE(user_id, ''), status, currency, state::text, version, "
    "COALESCE(sale_slug, ''), COALESCE(device_id, ''), COALESCE(analytics_data::text, ''), "
    "(EXTRACT(EPOCH FROM created_at) * 1e6)::bigint, "
    "(EXTRACT(EPOCH FROM updated_at) * 1e6)::bigint, "
    "(EXTRACT(EPOCH FROM expires_at) * 1e6)::bigint";

std::optional<cart_state> from_result(const pqxx::result& r, const std::string& token) {
  if (r.empty()) return std::nullopt;
  auto row = r[0];
  cart_state c;
  c.token = row[0].as<std::string>();
  c.user_id = row[1].as<std::string>();
  c.status = row[2].as<std::string>();
  c.currency = row[3].as<std::string>();
  // An unreadable row is an error, never a cart silently emptied.
  if (!state_from_json(row[4].as<std::string>(), c))
    throw std::runtime_error("cart " + token + " has an unreadable state");
  c.version = row[5].as<std::int64_t>();
  c.sale_slug = row[6].as<std::string>();
  c.device_id = row[7].as<std::string>();
  c.analytics_json = row[8].as<std::string>();
  c.created_at = row[9].as<std::int64_t>();
  c.updated_at = row[10].as<std::int64_t>();
  c.expires_at = row[11].as<std::int64_t>();
  return c;
}

}  // namespace

std::optional<cart_state> load(pqxx::transaction_base& txn, const std::string& token) {
  static const std::string sql =
      std::string("SELECT ") + cart_columns + " FROM carts WHERE token = $1::uuid";
  return from_result(exec(txn, "cart_load", sql.c_str(), token), token);
}

std::optional<cart_state> load_if_changed(pqxx::transaction_base& txn, const std::string& token,
                                          std::int64_t known_version) {
  static const std::string sql = std::string("SELECT ") + cart_columns +
                                 " FROM carts WHERE token = $1::uuid AND version <> $2";
  return from_result(exec(txn, "cart_load_if_changed", sql.c_str(), token, known_version), token);
}

std::optional<cart_state> load_for_update(pqxx::transaction_base& txn, const std::string& token) {
  static const std::string sql =
      std::string("SELECT ") + cart_columns + " FROM carts WHERE token = $1::uuid FOR UPDATE";
  return from_result(exec(txn, "cart_load_for_update", sql.c_str(), token), token);
}

bool update(pqxx::transaction_base& txn, const cart_state& c, std::int64_t expected_version) {
  auto r = exec(
      txn, "cart_update",
      "UPDATE carts SET user_id = NULLIF($2, ''), status = $3, currency = $4, "
      "state = $5::jsonb, version = $6, updated_at = to_timestamp($7::float8 / 1000000), "
      "expires_at = to_timestamp($8::float8 / 1000000) WHERE token = $1::uuid AND version = $9",
      c.token, c.user_id, c.status, c.currency, state_to_json(c), c.version, c.updated_at,
      c.expires_at, expected_version);
  return r.affected_rows() == 1;
}

std::optional<std::string> expire_stale_and_find_active(pqxx::transaction_base& txn,
                                                        const std::string& user_id) {
  // The two parts see one snapshot and one now(): the carts the UPDATE
  // expires are exactly those the SELECT leaves out.
  auto r = exec(txn, "cart_expire_stale_find_active",
                "WITH expired AS (UPDATE carts SET status = 'expired', version = version + 1 "
                "WHERE user_id = $1 AND status = 'active' AND expires_at <= now() RETURNING 1) "
                "SELECT token::text FROM carts WHERE user_id = $1 AND status = 'active' "
                "AND expires_at > now()",
                user_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::vector<std::string> enrolled_among(pqxx::transaction_base& txn, const std::string& user_id,
                                        const std::vector<std::string>& internship_ids) {
  std::vector<std::string> out;
  if (user_id.empty() || internship_ids.empty()) return out;
  auto r = exec(txn, "cart_enrolled_among",
                "SELECT DISTINCT internship_id FROM enrollments WHERE user_id = $1 "
                "AND status = 'active' AND internship_id = ANY($2::text[]) ORDER BY internship_id",
                user_id, text_array(internship_ids));
  for (auto row : r) out.push_back(row[0].as<std::string>());
  return out;
}

void record_key_effect(pqxx::transaction_base& txn, const std::string& user_id,
                       const std::string& key, const std::string& cart_token, bool created) {
  persistence::exec(txn, "cart_key_effect_record",
                    "INSERT INTO cart_key_effects (user_id, key, cart_token, created) "
                    "VALUES ($1, $2, $3::uuid, $4) ON CONFLICT DO NOTHING",
                    user_id, key, cart_token, created);
}

std::optional<key_effect> key_effect_of(pqxx::transaction_base& txn, const std::string& user_id,
                                        const std::string& key) {
  auto r = persistence::exec(txn, "cart_key_effect_find",
                             "SELECT cart_token::text, created FROM cart_key_effects "
                             "WHERE user_id = $1 AND key = $2",
                             user_id, key);
  if (r.empty()) return std::nullopt;
  return key_effect{r[0][0].as<std::string>(), r[0][1].as<bool>()};
}

}  // namespace checkout::cart_store
