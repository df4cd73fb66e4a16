#include "actors/coupon/coupon_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "persistence/sql.hpp"

namespace checkout::coupon_store {
namespace {

using persistence::exec;
using persistence::text_array;

// Optional columns come back as their "none" sentinels (0 or ''), which is
// what the coupon struct uses; arrays and tiers come back as JSON text.
constexpr const char* columns =
    "code, type, value, COALESCE(currency, ''), tiers::text, COALESCE(max_discount, 0), "
    "COALESCE(min_order_value, 0), "
    "COALESCE((EXTRACT(EPOCH FROM valid_from) * 1e6)::bigint, 0), "
    "COALESCE((EXTRACT(EPOCH FROM valid_until) * 1e6)::bigint, 0), "
    "COALESCE(usage_limit_total, 0), COALESCE(usage_limit_per_user, 0), "
    "array_to_json(internship_ids)::text, array_to_json(categories)::text, combinable, "
    "first_order_only, COALESCE(sale_slug, ''), active, COALESCE(referrer_id, ''), "
    "COALESCE(reserved_for, '')";

std::string tiers_to_json(const std::vector<coupon_tier>& tiers) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (auto& t : tiers) {
    w.StartObject();
    w.Key("min_quantity");
    w.Int(t.min_quantity);
    w.Key("percentage");
    w.Int(t.percentage);
    w.EndObject();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

// A stored value we cannot read is an error, never a coupon silently widened
// (an empty restriction list would mean "applies to everything").
rapidjson::Document parse_array(const std::string& json, const char* what) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsArray())
    throw std::runtime_error(std::string("coupon has an unreadable ") + what);
  return d;
}

std::vector<coupon_tier> tiers_from_json(const std::string& json) {
  std::vector<coupon_tier> out;
  auto d = parse_array(json, "tiers");
  for (auto& el : d.GetArray()) {
    if (!el.IsObject() || !el.HasMember("min_quantity") || !el["min_quantity"].IsInt() ||
        !el.HasMember("percentage") || !el["percentage"].IsInt())
      throw std::runtime_error("coupon has an unreadable tier");
    out.push_back({el["min_quantity"].GetInt(), el["percentage"].GetInt()});
  }
  return out;
}

// array_to_json of an empty TEXT[] is "[]"; of a NULL one, NULL (not stored).
std::vector<std::string> strings_from_json(const std::string& json, const char* what) {
  std::vector<std::string> out;
  auto d = parse_array(json, what);
  for (auto& el : d.GetArray()) {
    if (!el.IsString()) throw std::runtime_error(std::string("coupon has unreadable ") + what);
    out.emplace_back(el.GetString(), el.GetStringLength());
  }
  return out;
}

coupon from_row(const pqxx::row& r) {
  coupon c;
  c.code = r[0].as<std::string>();
  auto type = parse_coupon_type(r[1].as<std::string>());
  if (!type) throw std::runtime_error("coupon " + c.code + " has an unknown type");
  c.type = *type;
  c.value = r[2].as<std::int64_t>();
  c.currency = r[3].as<std::string>();
  c.tiers = tiers_from_json(r[4].as<std::string>());
  c.max_discount = r[5].as<std::int64_t>();
  c.min_order_value = r[6].as<std::int64_t>();
  c.valid_from = r[7].as<std::int64_t>();
  c.valid_until = r[8].as<std::int64_t>();
  c.usage_limit_total = r[9].as<std::int64_t>();
  c.usage_limit_per_user = r[10].as<std::int64_t>();
  c.internship_ids = strings_from_json(r[11].as<std::string>(), "internship_ids");
  c.categories = strings_from_json(r[12].as<std::string>(), "categories");
  c.combinable = r[13].as<bool>();
  c.first_order_only = r[14].as<bool>();
  c.sale_slug = r[15].as<std::string>();
  c.active = r[16].as<bool>();
  c.referrer_id = r[17].as<std::string>();
  c.reserved_for = r[18].as<std::string>();
  return c;
}

std::optional<coupon> first(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return from_row(r[0]);
}

}  // namespace

bool insert(pqxx::transaction_base& txn, const coupon& c) {
  // DO NOTHING on any unique key (code or sale_slug): the caller tells which
  // was taken, and a concurrent duplicate is an answer, not an exception.
  auto r = exec(
      txn, "coupon_insert",
      "INSERT INTO coupons (code, type, value, currency, tiers, max_discount, min_order_value, "
      "valid_from, valid_until, usage_limit_total, usage_limit_per_user, internship_ids, "
      "categories, combinable, first_order_only, sale_slug, active, referrer_id, reserved_for) "
      "VALUES ($1, $2, $3, "
      "NULLIF($4, ''), $5::jsonb, NULLIF($6::bigint, 0), NULLIF($7::bigint, 0), "
      "to_timestamp(NULLIF($8::bigint, 0)::float8 / 1000000), "
      "to_timestamp(NULLIF($9::bigint, 0)::float8 / 1000000), NULLIF($10::bigint, 0), "
      "NULLIF($11::bigint, 0), $12::text[], $13::text[], $14, $15, NULLIF($16, ''), $17, "
      "NULLIF($18, ''), NULLIF($19, '')) ON CONFLICT DO NOTHING",
      normalize_code(c.code), to_string(c.type), c.value, c.currency, tiers_to_json(c.tiers),
      c.max_discount, c.min_order_value, c.valid_from, c.valid_until, c.usage_limit_total,
      c.usage_limit_per_user, text_array(c.internship_ids), text_array(c.categories), c.combinable,
      c.first_order_only, c.sale_slug, c.active, c.referrer_id, c.reserved_for);
  return r.affected_rows() == 1;
}

std::optional<coupon> find(pqxx::transaction_base& txn, const std::string& code) {
  static const std::string sql = std::string("SELECT ") + columns + " FROM coupons WHERE code = $1";
  return first(exec(txn, "coupon_find", sql.c_str(), normalize_code(code)));
}

std::optional<coupon> find_by_sale_slug(pqxx::transaction_base& txn, const std::string& slug) {
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM coupons WHERE sale_slug = $1";
  if (slug.empty()) return std::nullopt;
  return first(exec(txn, "coupon_find_by_sale_slug", sql.c_str(), slug));
}

std::optional<coupon> update(pqxx::transaction_base& txn, const std::string& code,
                             const coupon_patch& p) {
  static const std::string sql =
      std::string(
          "UPDATE coupons SET active = CASE WHEN $2::boolean THEN $3::boolean ELSE active END, "
          "valid_until = CASE WHEN $4::boolean "
          "THEN to_timestamp(NULLIF($5::bigint, 0)::float8 / 1000000) ELSE valid_until END, "
          "usage_limit_total = CASE WHEN $6::boolean THEN NULLIF($7::bigint, 0) "
          "ELSE usage_limit_total END, updated_at = now() WHERE code = $1 RETURNING ") +
      columns;
  return first(exec(txn, "coupon_update", sql.c_str(), normalize_code(code), p.active.has_value(),
                    p.active.value_or(false), p.valid_until_set, p.valid_until,
                    p.usage_limit_total_set, p.usage_limit_total));
}

usage_counts usage(pqxx::transaction_base& txn, const std::string& code,
                   const std::string& user_id) {
  // The counters a hold takes and a release gives back (order_holds), which
  // the placement's limits are enforced against: two key lookups, where
  // counting the code's redemptions grew with every use (issue 16).
  auto r = exec(txn, "coupon_usage",
                "SELECT COALESCE((SELECT uses_count FROM coupons WHERE code = $1), 0), "
                "COALESCE((SELECT uses FROM coupon_user_uses WHERE $2 <> '' AND code = $1 "
                "AND user_id = $2), 0), "
                "EXISTS (SELECT 1 FROM orders WHERE $2 <> '' AND user_id = $2 "
                "AND status IN ('paid', 'completed', 'refunded'))",
                normalize_code(code), user_id);
  return {r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>(), r[0][2].as<bool>()};
}

bool user_has_orders(pqxx::transaction_base& txn, const std::string& user_id) {
  auto r = exec(txn, "coupon_user_has_orders",
                "SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1 "
                "AND status IN ('paid', 'completed', 'refunded'))",
                user_id);
  return r[0][0].as<bool>();
}

}  // namespace checkout::coupon_store
