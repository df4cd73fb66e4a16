// Every CART_CLEANUP_INTERVAL, the cart cleanup job:
// - marks carts idle for longer than CART_TTL as expired (their expires_at has
//   passed), so they stop counting as a user's active cart and answer 410.
//   Cart actors still in memory see the same expires_at and answer 410
//   already; a later write finds the new version;
// - deletes expired carts past CART_DELETE_AFTER. Converted carts are never
//   deleted: their order references them (orders.cart_token is a foreign key
//   to carts), and orders and enrollments are kept;
// - erases the analytics data and device id of the carts left past
//   CART_DATA_RETENTION: expired carts counted from their expiry, converted
//   (ordered) carts from their conversion. The order keeps everything it needs
//   in its own rows;
// - deletes idempotency keys whose 24 hours are over.
// Each step works in bounded batches, one short transaction each, so a large
// backlog never holds locks for long and is worked off over several runs.
// Rows are claimed with FOR UPDATE SKIP LOCKED and every statement re-checks
// its condition, so instances running the job at once (CONTRACT §14) split
// the work, never wait on each other, and do each piece once.
//   (cleanup_atom) -> cleanup_report: runs once now (also how tests drive it)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>
#include <pqxx/connection>

#include "actors/common/context.hpp"

namespace checkout {

using cleanup_atom = caf::atom_constant<caf::atom("cleanup")>;

// What one run did (this instance's share of it).
struct cleanup_report {
  std::int64_t carts_expired = 0;
  std::int64_t carts_erased = 0;  // analytics data and device id set to NULL
  std::int64_t carts_deleted = 0;
  std::int64_t keys_reaped = 0;
};

// Rows per transaction, and transactions per step and run.
struct cleanup_batches {
  int rows = 1000;
  int per_run = 20;
};

// One run on `c` with the retention of `cfg`: what the job does each interval.
cleanup_report run_cart_cleanup(pqxx::connection& c, const config::settings& cfg,
                                const cleanup_batches& batches = {});

caf::actor spawn_cart_cleanup(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cleanup_report)
