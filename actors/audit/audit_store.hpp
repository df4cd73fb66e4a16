// SQL for the admin_audit table; plain functions run inside a db_job, in the
// transaction of the change they record (actors/audit/audit_log.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>

#include "actors/audit/audit_log.hpp"

namespace checkout::audit_store {

// Adds `r` to the audit; it commits or rolls back with `txn`.
void insert(pqxx::transaction_base& txn, const audit::record& r);

// A page of up to `limit` entries, newest first, with ids below `before`
// (from the newest when nullopt).
audit::page list(pqxx::transaction_base& txn, const std::optional<std::int64_t>& before, int limit);

}  // namespace checkout::audit_store
