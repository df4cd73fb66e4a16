// Idempotency keys (CONTRACT §7): per user, scope and key, kept 24 h. The
// first request takes a short lease; a finished one stores its response for
// an exact replay; a 5xx releases the key so a retry runs again.
#pragma once

#include <chrono>
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

idempotency_decision begin_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref,
                                   const std::string& request_hash,
                                   std::chrono::milliseconds lease);
void complete_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref, int status,
                      const std::string& body);
void release_request(pqxx::transaction_base& txn, const idempotency_key_ref& ref);

}  // namespace checkout::persistence
