// SQL for the carts table; plain functions run inside a db_job.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/cart/cart_state.hpp"

namespace checkout::cart_store {

void insert(pqxx::transaction_base& txn, const cart_state& cart);

// A keyed POST /cart's effect, in the transaction of the change it made.
void record_key_effect(pqxx::transaction_base& txn, const std::string& user_id,
                       const std::string& key, const std::string& cart_token, bool created);
// The cart an earlier request under the key made or merged into, if any.
struct key_effect {
  std::string cart_token;
  bool created = false;
};
std::optional<key_effect> key_effect_of(pqxx::transaction_base& txn, const std::string& user_id,
                                        const std::string& key);
std::optional<cart_state> load(pqxx::transaction_base& txn, const std::string& token);
// The stored cart when its version is no longer `known_version` (another
// process changed it); nullopt while it is: one indexed read, no row shipped.
std::optional<cart_state> load_if_changed(pqxx::transaction_base& txn, const std::string& token,
                                          std::int64_t known_version);
// The same as load, locking the row until the transaction ends (to reapply a change
// after another writer won a race).
std::optional<cart_state> load_for_update(pqxx::transaction_base& txn, const std::string& token);
// Writes `cart` if the stored version is still `expected_version`; the stored
// version becomes cart.version. False when another writer got there first.
bool update(pqxx::transaction_base& txn, const cart_state& cart, std::int64_t expected_version);
// Marks a user's carts that are past their expiry as expired, so they no
// longer count as the user's one active cart, and answers the token of the
// user's active cart, if any. One statement: atomic without a transaction
// around it (issue 16: one round trip where BEGIN, two statements and
// COMMIT were four).
std::optional<std::string> expire_stale_and_find_active(pqxx::transaction_base& txn,
                                                        const std::string& user_id);

// Which of `internship_ids` the user holds an active enrollment for (CONTRACT
// §6: adding one of those is 409 1103).
std::vector<std::string> enrolled_among(pqxx::transaction_base& txn, const std::string& user_id,
                                        const std::vector<std::string>& internship_ids);

}  // namespace checkout::cart_store
