// The audit of admin actions (CONTRACT §13), its pure parts: the actions and
// their stable names, who made a change (carried in the message that makes
// it), the detail recorded for each kind of change, the listing's cursor and
// how an entry is rendered. No I/O: tests/unit/actors_audit_log_test.cpp.
//
// What is recorded, and when: a change an admin made, once it took effect,
// in the same database transaction as the change (catalog, coupons, refunds),
// so a change never exists without its entry and a refused or failed request
// (4xx, 5xx, an idempotent repeat that changed nothing) leaves none. A DLQ
// replay changes the broker, not the database: its entry is written right
// after the broker confirmed the messages (actors/dlq/dlq_actor.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/common/json_write.hpp"
#include "actors/common/time.hpp"
#include "actors/coupon/coupon.hpp"
#include "actors/coupon/coupon_store.hpp"

namespace checkout::audit {

enum class action {
  internship_create,
  internship_update,
  coupon_create,
  coupon_update,
  order_refund,
  dlq_replay,
};

constexpr action all_actions[] = {action::internship_create, action::internship_update,
                                  action::coupon_create,     action::coupon_update,
                                  action::order_refund,      action::dlq_replay};

// The stored and rendered name ("internship.create", ...): stable, because
// operators search the audit by it.
const char* to_string(action a);
std::optional<action> parse_action(std::string_view name);

// Who asks for a change: the admin's JWT `sub` and the request's correlation
// id. Sent along with the change to the actor whose transaction records it.
struct admin_stamp {
  std::string admin;
  std::string correlation_id;
};

// An entry to write.
struct record {
  action what = action::internship_create;
  std::string target;  // internship id, coupon code, order token, DLQ message id or queue
  admin_stamp by;
  std::string detail = "{}";  // a JSON object (the *_detail functions below)
};

// An entry as stored. The action stays text, so that entries an instance of a
// newer version wrote list unchanged.
struct entry {
  std::int64_t id = 0;
  micros at = 0;
  std::string admin;
  std::string action;
  std::string target;
  std::string correlation_id;
  std::string detail = "{}";  // a JSON object
};

// What each change asked for, as a JSON object: the request's fields (for an
// update, only those it sent; a field sent as null is null). None of them is a
// secret; tokens and signatures never reach these functions.
std::string created_detail(const internship& item);
std::string updated_detail(const internship_patch& patch);
std::string created_detail(const coupon& c);
std::string updated_detail(const coupon_store::coupon_patch& patch);
// The operator's reason as sent ("" when none), the gateway's refund id ("" for
// an order without a payment) and the amount given back.
std::string refund_detail(const std::string& reason, const std::string& refund_id,
                          std::int64_t amount, const std::string& currency);
// A replay: the message id asked for ("" for "the first `limit`"), the ids
// replayed in order, and the broker's error when it stopped part-way.
std::string replay_detail(const std::string& requested_id, std::size_t limit,
                          const std::vector<std::string>& replayed_ids, const std::string& error);
// The target of a replay: the message asked for, else the queue.
std::string replay_target(const std::string& requested_id, const std::string& queue);

// GET /admin/audit pages newest first by id: the cursor holds the last id of
// a page (page_cursor's opaque form). decode_cursor answers nullopt for
// anything else: another listing's cursor, a position that is not a positive
// decimal id without leading zeros, one beyond 64 bits.
std::string encode_cursor(std::int64_t last_id);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

// One page: entries newest first, and the id the next page continues below
// (nullopt on the last page).
struct page {
  std::vector<entry> entries;
  std::optional<std::int64_t> next_after;
};

// `rows` were read newest first with LIMIT limit + 1: cuts them to a page.
page cut_page(std::vector<entry> rows, std::size_t limit);

// {id, at, admin, action, target, correlation_id, detail} into an open object.
void write_entry(json_writer& w, const entry& e);
// {entries: [...], next_cursor} into an open object.
void write_page(json_writer& w, const page& p);

}  // namespace checkout::audit
