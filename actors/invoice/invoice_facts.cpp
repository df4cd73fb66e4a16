#include "actors/invoice/invoice_facts.hpp"

#include <rapidjson/document.h>

#include "actors/common/json_write.hpp"

namespace checkout::invoice {
namespace {

std::string str(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

std::optional<std::vector<pricing::tax_part>> taxes_from(const rapidjson::Value& arr) {
  if (!arr.IsArray()) return std::nullopt;
  std::vector<pricing::tax_part> out;
  for (auto& t : arr.GetArray()) {
    if (!t.IsObject() || !t.HasMember("rate") || !t["rate"].IsInt() || !t.HasMember("amount") ||
        !t["amount"].IsInt64())
      return std::nullopt;
    out.push_back({str(t, "name"), t["rate"].GetInt(), t["amount"].GetInt64()});
  }
  return out;
}

}  // namespace

std::string facts_to_json(const facts& f) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  w.Key("buyer");
  w.StartObject();
  key_string(w, "name", f.buyer.name);
  key_string(w, "gstin", f.buyer.gstin);
  key_string(w, "country", f.buyer.country);
  key_string(w, "state", f.buyer.state);
  w.EndObject();
  w.Key("lines");
  w.StartArray();
  for (auto& l : f.lines) {
    w.StartObject();
    key_string(w, "title", l.title);
    key_string(w, "sac", l.sac);
    w.Key("taxes");
    write_tax_parts(w, l.taxes);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::optional<facts> facts_from_json(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("buyer") ||
      !doc["buyer"].IsObject() || !doc.HasMember("lines") || !doc["lines"].IsArray())
    return std::nullopt;
  facts f;
  auto& b = doc["buyer"];
  f.buyer = {str(b, "name"), str(b, "gstin"), str(b, "country"), str(b, "state")};
  for (auto& l : doc["lines"].GetArray()) {
    if (!l.IsObject() || !l.HasMember("taxes")) return std::nullopt;
    auto taxes = taxes_from(l["taxes"]);
    if (!taxes) return std::nullopt;
    f.lines.push_back({str(l, "title"), str(l, "sac"), std::move(*taxes)});
  }
  return f;
}

}  // namespace checkout::invoice
