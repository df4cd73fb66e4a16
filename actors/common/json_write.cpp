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
