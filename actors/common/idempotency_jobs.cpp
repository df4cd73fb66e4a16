#include "actors/common/idempotency_jobs.hpp"

#include <caf/make_message.hpp>

namespace checkout {

persistence::db_job begin_key_job(persistence::idempotency_begin b,
                                  std::chrono::milliseconds lease) {
  return {[b, lease](pqxx::connection& c) {
    pqxx::work txn(c);
    auto d = persistence::begin_request(txn, b.ref, b.request_hash, lease);
    txn.commit();
    return caf::make_message(std::move(d));
  }};
}

persistence::db_job store_response_job(idempotent_response r) {
  return {[r](pqxx::connection& c) {
    pqxx::work txn(c);
    persistence::idempotency_key_ref ref{r.user_id, r.scope, r.key};
    if (r.status == 0)
      persistence::release_request(txn, ref);
    else
      persistence::complete_request(txn, ref, r.status, r.body);
    txn.commit();
    return caf::make_message(ack_reply{});
  }};
}

}  // namespace checkout
