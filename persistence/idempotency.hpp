// Idempotency keys (CONTRACT §6, §7): per user, scope and key, kept 24 h. The
// first request takes a short lease; a finished one stores its response for
// an exact replay; a 5xx releases the key so a retry runs again.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <chrono>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>

namespace checkout::persistence {

struct idempotency_key_ref {
  std::string user_id;
  std::string scope;
  std::string key;
};

struct idempotency_decision {
  enum kind { proceed, replay, mismatch, in_progress } what = proceed;
  int status = 0;    // replay: the stored status
  std::string body;  // replay: the stored body, byte for byte
};

// The message that asks an actor keeping keys to begin one; it runs
// begin_request in a db job and answers the idempotency_decision. (Storing the
// answer afterwards is (store_atom, idempotent_response) -> ack_reply.)
struct idempotency_begin {
  idempotency_key_ref ref;
  std::string request_hash;
};

// Takes the key when it is new (or its 24 hours are over), in one statement
// that may run on its own (a nontransaction): true then, and the request
// proceeds. False leaves everything as it was: begin_request decides.
bool begin_fresh(pqxx::transaction_base& txn, const idempotency_key_ref& ref,
                 const std::string& request_hash, std::chrono::milliseconds lease);
idempotency_decision begin_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref,
                                   const std::string& request_hash,
                                   std::chrono::milliseconds lease);
void complete_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref, int status,
                      const std::string& body);
void release_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref);

// Deletes up to `limit` keys whose 24 hours are over (begin_request already
// treats them as new; this keeps the table from growing for ever). Returns how
// many went: fewer than `limit` means none is left.
std::int64_t reap_idempotency_keys(pqxx::transaction_base& txn, int limit);

}  // namespace checkout::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::persistence::idempotency_begin)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::persistence::idempotency_decision)
