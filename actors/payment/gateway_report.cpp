#include "actors/payment/gateway_report.hpp"

#include "actors/common/time.hpp"

namespace checkout::payment {

std::vector<gateway_row> gateway_report(const std::vector<gateway_status>& statuses,
                                        const std::string& default_gateway) {
  std::vector<gateway_row> out;
  for (const char* name : known_gateways) {
    gateway_row row;
    row.name = name;
    row.is_default = default_gateway == name;
    for (const auto& s : statuses)
      if (s.gateway == name) {
        row.enabled = true;
        row.breaker = s;
      }
    out.push_back(std::move(row));
  }
  return out;
}

void write_gateways(json_writer& w, const std::vector<gateway_row>& rows) {
  w.Key("gateways");
  w.StartArray();
  for (const auto& r : rows) {
    w.StartObject();
    w.Key("name");
    w.String(r.name);
    w.Key("enabled");
    w.Bool(r.enabled);
    w.Key("default");
    w.Bool(r.is_default);
    w.Key("breaker");
    if (!r.breaker) {
      w.Null();
    } else {
      w.StartObject();
      w.Key("state");  // closed | open | half_open; unknown: the gateway actor did not answer
      w.String(r.breaker->breaker);
      w.Key("failures");
      w.Int(r.breaker->consecutive_failures);
      w.Key("accepting");
      w.Bool(r.breaker->accepting);
      w.Key("opened_at");
      if (r.breaker->opened_at > 0)
        w.String(to_rfc3339(r.breaker->opened_at));
      else
        w.Null();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace checkout::payment
