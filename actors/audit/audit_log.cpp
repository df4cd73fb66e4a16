#include "actors/audit/audit_log.hpp"

#include <rapidjson/document.h>

#include <limits>

#include "actors/common/page_cursor.hpp"

namespace checkout::audit {
namespace {

// The position inside an audit cursor: "audit:" + id. The prefix keeps a
// cursor of another listing (an internship id, an order position) from
// passing for one of these.
constexpr std::string_view cursor_prefix = "audit:";

template <class F>
std::string json_object(F&& members) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  members(w);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// Unset amounts, limits and dates are null, as the coupon routes render them.
void key_int_or_null(json_writer& w, const char* key, std::int64_t v) {
  w.Key(key);
  if (v == 0)
    w.Null();
  else
    w.Int64(v);
}

void key_time_or_null(json_writer& w, const char* key, micros t) {
  w.Key(key);
  if (t == 0)
    w.Null();
  else
    w.String(to_rfc3339(t));
}

void key_strings(json_writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (auto& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void key_seats(json_writer& w, const std::optional<int>& seats) {
  w.Key("seats");
  if (seats)
    w.Int(*seats);
  else
    w.Null();
}

}  // namespace

const char* to_string(action a) {
  switch (a) {
    case action::internship_create:
      return "internship.create";
    case action::internship_update:
      return "internship.update";
    case action::coupon_create:
      return "coupon.create";
    case action::coupon_update:
      return "coupon.update";
    case action::order_refund:
      return "order.refund";
    case action::dlq_replay:
      return "dlq.replay";
  }
  return "unknown";
}

std::optional<action> parse_action(std::string_view name) {
  for (auto a : all_actions)
    if (name == to_string(a)) return a;
  return std::nullopt;
}

std::string created_detail(const internship& item) {
  return json_object([&](json_writer& w) {
    key_string(w, "title", item.title);
    key_string(w, "category", item.category);
    w.Key("price");
    w.Int64(item.price);
    key_string(w, "currency", item.currency);
    key_seats(w, item.seats_total);
    w.Key("plans");
    w.StartArray();
    for (auto& p : item.plans) {
      w.StartObject();
      w.Key("period");
      write_period(w, p.length);
      w.Key("price");
      w.Int64(p.price);
      w.EndObject();
    }
    w.EndArray();
    w.Key("active");
    w.Bool(item.active);
    if (!item.sac.empty()) key_string(w, "sac", item.sac);
  });
}

std::string updated_detail(const internship_patch& patch) {
  return json_object([&](json_writer& w) {
    if (patch.price) {
      w.Key("price");
      w.Int64(*patch.price);
    }
    if (patch.seats_set) key_seats(w, patch.seats);
    if (patch.active) {
      w.Key("active");
      w.Bool(*patch.active);
    }
    if (patch.title) key_string(w, "title", *patch.title);
    if (patch.sac) key_string(w, "sac", *patch.sac);
  });
}

std::string created_detail(const coupon& c) {
  return json_object([&](json_writer& w) {
    key_string(w, "type", checkout::to_string(c.type));
    w.Key("value");
    w.Int64(c.value);
    w.Key("currency");
    if (c.currency.empty())
      w.Null();
    else
      w.String(c.currency);
    if (!c.tiers.empty()) {
      w.Key("tiers");
      w.StartArray();
      for (auto& t : c.tiers) {
        w.StartObject();
        w.Key("min_quantity");
        w.Int(t.min_quantity);
        w.Key("percentage");
        w.Int(t.percentage);
        w.EndObject();
      }
      w.EndArray();
    }
    key_int_or_null(w, "max_discount", c.max_discount);
    key_int_or_null(w, "min_order_value", c.min_order_value);
    key_time_or_null(w, "valid_from", c.valid_from);
    key_time_or_null(w, "valid_until", c.valid_until);
    key_int_or_null(w, "usage_limit_total", c.usage_limit_total);
    key_int_or_null(w, "usage_limit_per_user", c.usage_limit_per_user);
    key_strings(w, "internship_ids", c.internship_ids);
    key_strings(w, "categories", c.categories);
    w.Key("combinable");
    w.Bool(c.combinable);
    w.Key("first_order_only");
    w.Bool(c.first_order_only);
    w.Key("sale_slug");
    if (c.sale_slug.empty())
      w.Null();
    else
      w.String(c.sale_slug);
    w.Key("active");
    w.Bool(c.active);
  });
}

std::string updated_detail(const coupon_store::coupon_patch& patch) {
  return json_object([&](json_writer& w) {
    if (patch.active) {
      w.Key("active");
      w.Bool(*patch.active);
    }
    if (patch.valid_until_set) key_time_or_null(w, "valid_until", patch.valid_until);
    if (patch.usage_limit_total_set)
      key_int_or_null(w, "usage_limit_total", patch.usage_limit_total);
  });
}

std::string refund_detail(const std::string& reason, const std::string& refund_id,
                          std::int64_t amount, const std::string& currency) {
  return json_object([&](json_writer& w) {
    key_string(w, "reason", reason);
    key_string(w, "refund_id", refund_id);
    w.Key("amount");
    w.Int64(amount);
    key_string(w, "currency", currency);
  });
}

std::string replay_detail(const std::string& requested_id, std::size_t limit,
                          const std::vector<std::string>& replayed_ids, const std::string& error) {
  return json_object([&](json_writer& w) {
    if (!requested_id.empty())
      key_string(w, "message_id", requested_id);
    else {
      w.Key("limit");
      w.Uint64(limit);
    }
    w.Key("replayed");
    w.Uint64(replayed_ids.size());
    key_strings(w, "message_ids", replayed_ids);
    if (!error.empty()) key_string(w, "error", error);
  });
}

std::string replay_target(const std::string& requested_id, const std::string& queue) {
  return requested_id.empty() ? queue : requested_id;
}

std::string encode_cursor(std::int64_t last_id) {
  return page_cursor::encode(std::string(cursor_prefix) + std::to_string(last_id));
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
  auto position = page_cursor::decode(cursor);
  if (!position || position->compare(0, cursor_prefix.size(), cursor_prefix) != 0)
    return std::nullopt;
  std::string_view digits = std::string_view(*position).substr(cursor_prefix.size());
  // Canonical only: 1 to 19 digits, no leading zero, so each id has one cursor.
  if (digits.empty() || digits.size() > 19 || digits[0] == '0') return std::nullopt;
  std::int64_t id = 0;
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    int d = c - '0';
    if (id > (max - d) / 10) return std::nullopt;
    id = id * 10 + d;
  }
  return id;
}

page cut_page(std::vector<entry> rows, std::size_t limit) {
  page p;
  p.next_after = page_cursor::cut_page(rows, limit, [](const entry& e) { return e.id; });
  p.entries = std::move(rows);
  return p;
}

void write_entry(json_writer& w, const entry& e) {
  w.Key("id");
  w.Int64(e.id);
  w.Key("at");
  w.String(to_rfc3339(e.at));
  key_string(w, "admin", e.admin);
  key_string(w, "action", e.action);
  key_string(w, "target", e.target);
  key_string(w, "correlation_id", e.correlation_id);
  w.Key("detail");
  // Stored as a JSONB object (the table checks it); anything else would be a
  // broken row, shown as an empty object rather than breaking the page.
  rapidjson::Document d;
  d.Parse(e.detail.data(), e.detail.size());
  if (!d.HasParseError() && d.IsObject())
    w.RawValue(e.detail.data(), e.detail.size(), rapidjson::kObjectType);
  else {
    w.StartObject();
    w.EndObject();
  }
}

void write_page(json_writer& w, const page& p) {
  w.Key("entries");
  w.StartArray();
  for (auto& e : p.entries) {
    w.StartObject();
    write_entry(w, e);
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_cursor");
  if (p.next_after)
    w.String(encode_cursor(*p.next_after));
  else
    w.Null();
}

}  // namespace checkout::audit
