#include "actors/common/json_write.hpp"

namespace checkout {

void write_period(json_writer& w, const period& p) {
  w.StartObject();
  w.Key("value");
  w.Int(p.value);
  w.Key("unit");
  w.String(p.unit);
  w.EndObject();
}

void key_string(json_writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void key_string_or_null(json_writer& w, const char* key, const std::string& value) {
  if (value.empty()) {
    w.Key(key);
    w.Null();
  } else {
    key_string(w, key, value);
  }
}

void key_int64(json_writer& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void write_tax_parts(json_writer& w, const std::vector<pricing::tax_part>& parts) {
  w.StartArray();
  for (auto& t : parts) {
    w.StartObject();
    w.Key("name");
    w.String(t.name);
    w.Key("rate");
    w.Int(t.rate);
    w.Key("amount");
    w.Int64(t.amount);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace checkout
