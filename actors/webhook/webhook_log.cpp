#include "actors/webhook/webhook_log.hpp"

#include <limits>

#include "actors/common/page_cursor.hpp"
#include "actors/common/time.hpp"

namespace checkout::webhook_log {
namespace {

// Keeps another listing's cursor from passing for one of these.
constexpr std::string_view cursor_prefix = "webhooks:";

// 1 to 19 digits, no leading zero: one text per time, so one cursor per row.
std::optional<micros> canonical_positive(std::string_view digits) {
  if (digits.empty() || digits.size() > 19 || digits[0] == '0') return std::nullopt;
  micros v = 0;
  constexpr auto max = std::numeric_limits<micros>::max();
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    int d = c - '0';
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

}  // namespace

position position_of(const entry& e) {
  return {e.received_at, e.gateway, e.event_id};
}

std::string encode_cursor(const position& p) {
  return page_cursor::encode(std::string(cursor_prefix) + std::to_string(p.received_at) + ":" +
                             p.gateway + ":" + p.event_id);
}

std::optional<position> decode_cursor(std::string_view cursor) {
  auto text = page_cursor::decode(cursor);
  if (!text || text->compare(0, cursor_prefix.size(), cursor_prefix) != 0) return std::nullopt;
  std::string_view rest = std::string_view(*text).substr(cursor_prefix.size());
  // Gateways have no colon; an event id may (it is the remainder).
  auto first = rest.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = rest.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto at = canonical_positive(rest.substr(0, first));
  auto gateway = rest.substr(first + 1, second - first - 1);
  auto event_id = rest.substr(second + 1);
  if (!at || gateway.empty() || event_id.empty()) return std::nullopt;
  return position{*at, std::string(gateway), std::string(event_id)};
}

bool valid_result_filter(std::string_view result) {
  for (const char* r : stored_results)
    if (result == r) return true;
  return false;
}

page cut_page(std::vector<entry> rows, std::size_t limit) {
  page p;
  p.next_after = page_cursor::cut_page(rows, limit, position_of);
  p.entries = std::move(rows);
  return p;
}

void write_page(json_writer& w, const page& p) {
  w.Key("webhooks");
  w.StartArray();
  for (const auto& e : p.entries) {
    w.StartObject();
    key_string(w, "gateway", e.gateway);
    key_string(w, "event_id", e.event_id);
    key_string(w, "event_type", e.event_type);
    key_string(w, "result", e.result);
    w.Key("order_token");
    if (e.order_token.empty())
      w.Null();
    else
      w.String(e.order_token);
    key_string(w, "correlation_id", e.correlation_id);
    w.Key("received_at");
    w.String(to_rfc3339(e.received_at));
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_cursor");
  if (p.next_after)
    w.String(encode_cursor(*p.next_after));
  else
    w.Null();
}

}  // namespace checkout::webhook_log
