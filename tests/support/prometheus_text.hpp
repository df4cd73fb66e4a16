// A strict reader of the Prometheus text exposition format (0.0.4) for
// tests: it refuses what a scraper would refuse (bad names, bad escapes,
// samples before their TYPE, a family split in two, duplicate series,
// histograms without cumulative buckets ending in +Inf or whose +Inf bucket
// differs from _count) and gives the samples by series.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace prom {

struct sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct exposition {
  std::vector<sample> samples;
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|...
  std::map<std::string, std::string> helps;
  std::vector<std::string> errors;  // empty when the text is valid

  // The value of the series `name` whose labels include `labels`; the sum
  // over all matching series; -1 when none matches.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
};

exposition parse(const std::string& text);

}  // namespace prom
