// GET /api/v1/admin/webhooks, its pure parts: one inbox row as operators see
// it, the listing's cursor, cutting a page and rendering it. The rows are
// the webhook inbox (webhook_events): one per (gateway, event id), the first
// delivery's time, the event's result so far. Deliveries refused before they
// were stored (bad signature, unreadable body) are not rows: they show only
// in checkout_webhooks_total. No I/O: tests/unit/actors_ops_console_test.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/json_write.hpp"
#include "actors/common/time.hpp"

namespace checkout::webhook_log {

struct entry {
  std::string gateway;      // razorpay | stripe: the route that received it
  std::string event_id;     // the dedupe key
  std::string event_type;   // as the gateway names it
  std::string result;       // one of stored_results; pending: not applied yet
  std::string order_token;  // "" when it names no order of ours
  std::string correlation_id;
  micros received_at = 0;
};

// Where a page ends: the listing runs newest first by this triple.
struct position {
  micros received_at = 0;
  std::string gateway;
  std::string event_id;
  bool operator==(const position& o) const {
    return received_at == o.received_at && gateway == o.gateway && event_id == o.event_id;
  }
};

position position_of(const entry& e);

// The opaque cursor (page_cursor) of "webhooks:<micros>:<gateway>:<event id>";
// decode_cursor answers nullopt for anything else (another listing's cursor,
// a time that is not a canonical positive number, an empty part).
std::string encode_cursor(const position& p);
std::optional<position> decode_cursor(std::string_view cursor);

// The results an inbox row can hold (inbox_store::record, order_steps), for
// the `result` filter: anything else is refused (422) rather than answered
// with an empty list.
inline constexpr const char* stored_results[] = {"pending",       "applied",      "already_applied",
                                                 "refunded",      "ignored",      "amount_mismatch",
                                                 "wrong_gateway", "unknown_order"};
bool valid_result_filter(std::string_view result);

struct page {
  std::vector<entry> entries;
  std::optional<position> next_after;
};

// `rows` were read newest first with LIMIT limit + 1: cuts them to a page.
page cut_page(std::vector<entry> rows, std::size_t limit);

// {webhooks: [{gateway, event_id, event_type, result, order_token (null when
// none), correlation_id, received_at}], next_cursor (null on the last page)}
// into an open object.
void write_page(json_writer& w, const page& p);

}  // namespace checkout::webhook_log
