#include "actors/catalog/catalog_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "persistence/sql.hpp"

namespace checkout::catalog_store {
namespace {

using persistence::exec;
using persistence::text_array;

constexpr const char* columns =
    "id, title, category, price, currency, COALESCE(seats_total, -1), seats_taken, plans::text, "
    "active, COALESCE(sac, '')";

internship from_row(const pqxx::row& r) {
  internship i;
  i.id = r[0].as<std::string>();
  i.title = r[1].as<std::string>();
  i.category = r[2].as<std::string>();
  i.price = r[3].as<std::int64_t>();
  i.currency = r[4].as<std::string>();
  int seats = r[5].as<int>();
  if (seats >= 0) i.seats_total = seats;
  i.seats_taken = r[6].as<int>();
  i.plans = plans_from_json(r[7].as<std::string>());
  i.active = r[8].as<bool>();
  i.sac = r[9].as<std::string>();
  return i;
}

}  // namespace

std::string plans_to_json(const std::vector<plan>& plans) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (auto& p : plans) {
    w.StartObject();
    w.Key("period");
    w.StartObject();
    w.Key("value");
    w.Int(p.length.value);
    w.Key("unit");
    w.String(p.length.unit);
    w.EndObject();
    w.Key("price");
    w.Int64(p.price);
    w.EndObject();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

std::vector<plan> plans_from_json(const std::string& json) {
  std::vector<plan> out;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (auto& el : d.GetArray()) {
    plan p;
    p.length.value = el["period"]["value"].GetInt();
    p.length.unit = el["period"]["unit"].GetString();
    p.price = el["price"].GetInt64();
    out.push_back(std::move(p));
  }
  return out;
}

bool insert(pqxx::transaction_base& txn, const internship& i) {
  auto r = exec(txn, "internship_insert",
                "INSERT INTO internships (id, title, category, price, currency, seats_total, "
                "plans, active, sac) VALUES ($1, $2, $3, $4, $5, NULLIF($6, -1), $7::jsonb, $8, "
                "NULLIF($9, '')) ON CONFLICT (id) DO NOTHING",
                i.id, i.title, i.category, i.price, i.currency, i.seats_total.value_or(-1),
                plans_to_json(i.plans), i.active, i.sac);
  return r.affected_rows() == 1;
}

std::optional<internship> find(pqxx::transaction_base& txn, const std::string& id) {
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM internships WHERE id = $1";
  auto r = exec(txn, "internship_find", sql.c_str(), id);
  if (r.empty()) return std::nullopt;
  return from_row(r[0]);
}

std::vector<internship> find_many(pqxx::transaction_base& txn,
                                  const std::vector<std::string>& ids) {
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM internships WHERE id = ANY($1::text[])";
  std::vector<internship> out;
  for (auto row : exec(txn, "internship_find_many", sql.c_str(), text_array(ids)))
    out.push_back(from_row(row));
  return out;
}

std::optional<internship> update(pqxx::transaction_base& txn, const std::string& id,
                                 const internship_patch& p) {
  static const std::string sql =
      std::string(
          "UPDATE internships SET price = COALESCE(NULLIF($2, -1), price), "
          "seats_total = CASE WHEN $3 THEN NULLIF($4, -1) ELSE seats_total END, "
          "active = CASE WHEN $5 THEN $6 ELSE active END, "
          "title = COALESCE(NULLIF($7, ''), title), "
          "sac = CASE WHEN $8 THEN NULLIF($9, '') ELSE sac END, updated_at = now() "
          "WHERE id = $1 RETURNING ") +
      columns;
  auto r = exec(txn, "internship_update", sql.c_str(), id, p.price.value_or(-1), p.seats_set,
                p.seats.value_or(-1), p.active.has_value(), p.active.value_or(false),
                p.title.value_or(std::string()), p.sac.has_value(), p.sac.value_or(std::string()));
  if (r.empty()) return std::nullopt;
  return from_row(r[0]);
}

std::vector<internship> list(pqxx::transaction_base& txn, const std::string& category,
                             const std::string& after, int count, bool include_inactive) {
  // Two statements rather than one with "$1 = '' OR category = $1": a prepared
  // statement's generic plan could not then use the (category, id) index.
  static const std::string by_category =
      std::string("SELECT ") + columns +
      " FROM internships WHERE category = $1 AND id > $2 AND (active OR $3) ORDER BY id LIMIT $4";
  static const std::string everything =
      std::string("SELECT ") + columns +
      " FROM internships WHERE id > $1 AND (active OR $2) ORDER BY id LIMIT $3";
  auto rows = category.empty()
                  ? exec(txn, "internship_list", everything.c_str(), after, include_inactive, count)
                  : exec(txn, "internship_list_category", by_category.c_str(), category, after,
                         include_inactive, count);
  std::vector<internship> out;
  out.reserve(rows.size());
  for (auto row : rows) out.push_back(from_row(row));
  return out;
}

}  // namespace checkout::catalog_store
