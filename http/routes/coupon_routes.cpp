// Admin routes for coupons (CONTRACT §4): read and check the body, send one
// message to the coupon actor, render its reply.
#include <algorithm>
#include <set>

#include "actors/audit/audit_messages.hpp"
#include "actors/common/rfc3339.hpp"
#include "actors/common/text.hpp"
#include "actors/coupon/coupon_messages.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

constexpr std::int64_t max_money = 100'000'000'00;  // as for internship prices
constexpr std::int64_t max_count = 1'000'000'000;
constexpr size_t max_name = 200;  // internship ids, categories, sale slugs

bool valid_code(const std::string& c) {
  return !c.empty() && c.size() <= 64 && std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
  });
}

bool valid_currency(const std::string& c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

// An optional timestamp (absent or null: none).
std::optional<micros> read_time(fields& f, const char* name) {
  auto text = f.opt_str(name, 64);
  if (!text) return std::nullopt;
  auto t = parse_rfc3339(*text);
  if (!t)
    f.add_problem(std::string(name) + " must be an RFC 3339 timestamp like 2026-11-22T10:00:00Z");
  return t;
}

std::vector<std::string> read_strings(fields& f, const char* name) {
  std::vector<std::string> out;
  auto arr = f.array(name, false);
  if (!arr) return out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    auto& el = (*arr)[i];
    if (!el.IsString() || el.GetStringLength() == 0 || el.GetStringLength() > max_name) {
      f.add_problem(std::string(name) + "[" + std::to_string(i) +
                    "] must be a non-empty string of at most " + std::to_string(max_name) +
                    " characters");
      continue;
    }
    out.emplace_back(el.GetString(), el.GetStringLength());
  }
  return out;
}

std::vector<coupon_tier> read_tiers(fields& f, bool required) {
  std::vector<coupon_tier> out;
  auto arr = f.array("tiers", required);
  if (!arr) return out;
  if (arr->Empty()) f.add_problem("tiers must not be empty");
  std::set<std::int64_t> seen;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    auto name = "tiers[" + std::to_string(i) + "]";
    auto& el = (*arr)[i];
    if (!el.IsObject()) {
      f.add_problem(name + " must be an object {min_quantity, percentage}");
      continue;
    }
    auto tf = f.nested(el, name);
    auto min_quantity = tf.integer("min_quantity", 1, 100);
    auto percentage = tf.integer("percentage", 1, 100);
    if (min_quantity == 0 || percentage == 0) continue;  // already reported
    // Two tiers at one quantity would make "the highest tier reached" ambiguous.
    if (!seen.insert(min_quantity).second)
      f.add_problem(name + ".min_quantity repeats an earlier tier");
    out.push_back({static_cast<int>(min_quantity), static_cast<int>(percentage)});
  }
  return out;
}

// The value's meaning depends on the type; free and tiered coupons ignore it.
std::int64_t read_value(fields& f, const std::optional<coupon_type>& type) {
  if (type == coupon_type::percentage) return f.integer("value", 1, 100);
  if (type == coupon_type::fixed) return f.integer("value", 1, max_money);
  f.opt_integer("value", 0, max_money);
  return 0;
}

void key_null(json_writer& w, const char* key) {
  w.Key(key);
  w.Null();
}

void key_int_or_null(json_writer& w, const char* key, std::int64_t v) {
  if (v == 0) return key_null(w, key);
  w.Key(key);
  w.Int64(v);
}

void key_str_or_null(json_writer& w, const char* key, const std::string& v) {
  if (v.empty()) return key_null(w, key);
  w.Key(key);
  w.String(v);
}

void key_time_or_null(json_writer& w, const char* key, micros t) {
  if (t == 0) return key_null(w, key);
  w.Key(key);
  w.String(to_rfc3339(t));
}

void key_strings(json_writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (auto& s : items) w.String(s);
  w.EndArray();
}

// Unset amounts, limits and dates are null, never 0.
void write_coupon(json_writer& w, const coupon& c) {
  w.Key("code");
  w.String(c.code);
  w.Key("type");
  w.String(to_string(c.type));
  w.Key("value");
  w.Int64(c.value);
  key_str_or_null(w, "currency", c.currency);
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
  key_str_or_null(w, "sale_slug", c.sale_slug);
  w.Key("active");
  w.Bool(c.active);
}

void render_coupon(json_writer& w, const coupon_reply& r) {
  w.Key("coupon");
  w.StartObject();
  write_coupon(w, r.item);
  w.EndObject();
}

void create_coupon(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  coupon c;
  auto code = f.str("code", 64);
  if (!code.empty() && !valid_code(code))
    f.add_problem("code must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -");
  c.code = normalize_code(code);
  auto type_text = f.str("type", 32);
  auto type = parse_coupon_type(type_text);
  if (!type_text.empty() && !type)
    f.add_problem("type must be one of percentage, fixed, free, tiered");
  if (type) c.type = *type;
  c.value = read_value(f, type);
  // Amounts without a currency (allowed except for fixed) are in the cart's.
  if (f.has("currency") && !f.is_null("currency")) {
    auto currency = f.opt_str("currency", 16);
    if (currency && !valid_currency(*currency))
      f.add_problem("currency must be an ISO 4217 code like INR");
    else if (currency)
      c.currency = *currency;
  } else if (type == coupon_type::fixed) {
    f.add_problem("currency is required for a fixed coupon");
  }
  auto tiers = read_tiers(f, type == coupon_type::tiered);
  if (type == coupon_type::tiered) c.tiers = std::move(tiers);
  c.max_discount = f.opt_integer("max_discount", 1, max_money).value_or(0);
  c.min_order_value = f.opt_integer("min_order_value", 0, max_money).value_or(0);
  c.valid_from = read_time(f, "valid_from").value_or(0);
  c.valid_until = read_time(f, "valid_until").value_or(0);
  if (c.valid_from != 0 && c.valid_until != 0 && c.valid_until <= c.valid_from)
    f.add_problem("valid_until must be after valid_from");
  c.usage_limit_total = f.opt_integer("usage_limit_total", 1, max_count).value_or(0);
  c.usage_limit_per_user = f.opt_integer("usage_limit_per_user", 1, max_count).value_or(0);
  c.internship_ids = read_strings(f, "internship_ids");
  c.categories = read_strings(f, "categories");
  c.combinable = f.opt_bool("combinable").value_or(false);
  c.first_order_only = f.opt_bool("first_order_only").value_or(false);
  c.active = f.opt_bool("active").value_or(true);
  auto slug = f.opt_str("sale_slug", max_name);
  if (slug && slug->empty()) f.add_problem("sale_slug must not be empty");
  c.sale_slug = slug.value_or("");
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render<coupon_reply>(
      api, api->coupons,
      caf::make_message(create_atom::value, c,
                        audit::admin_stamp{admin->user_id, req.correlation_id}),
      req, out, 201, render_coupon);
}

void patch_coupon(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  if (!valid_text(req.params.at("code")))
    return answer_error(
        req, out, make_error(errc::invalid_field, std::vector<std::string>{"unknown coupon"}));
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  coupon_store::coupon_patch p;
  p.active = f.opt_bool("active");
  // Present and null clears the end date or the limit.
  if (f.has("valid_until")) {
    p.valid_until_set = true;
    p.valid_until = read_time(f, "valid_until").value_or(0);
  }
  if (f.has("usage_limit_total")) {
    p.usage_limit_total_set = true;
    p.usage_limit_total = f.opt_integer("usage_limit_total", 1, max_count).value_or(0);
  }
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render<coupon_reply>(
      api, api->coupons,
      caf::make_message(patch_atom::value, normalize_code(req.params.at("code")), p,
                        audit::admin_stamp{admin->user_id, req.correlation_id}),
      req, out, 200, render_coupon);
}

}  // namespace

void add_coupon_routes(router& r, const api_ptr& api) {
  r.add("POST", "/api/v1/admin/coupons",
        [api](request&& req, responder out) { create_coupon(api, std::move(req), out); });
  r.add("PATCH", "/api/v1/admin/coupons/{code}",
        [api](request&& req, responder out) { patch_coupon(api, std::move(req), out); });
}

}  // namespace checkout::http
