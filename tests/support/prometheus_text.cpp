#include "support/prometheus_text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace prom {
namespace {

bool metric_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || s[0] == ':'))
    return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  return true;
}

bool label_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

bool parse_value(const std::string& s, double& out) {
  if (s == "+Inf") return out = INFINITY, true;
  if (s == "-Inf") return out = -INFINITY, true;
  if (s == "NaN") return out = NAN, true;
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

// The family a sample belongs to, given the declared types.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string suf = suffix;
    if (name.size() > suf.size() && name.compare(name.size() - suf.size(), suf.size(), suf) == 0) {
      auto base = name.substr(0, name.size() - suf.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

std::string series_key(const sample& s) {
  std::string k = s.name + "{";
  for (auto& [n, v] : s.labels) k += n + "=" + v + ",";
  return k + "}";
}

}  // namespace

double exposition::value(const std::string& name,
                         const std::map<std::string, std::string>& labels) const {
  double total = 0;
  bool found = false;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (!match) continue;
    total += s.value;
    found = true;
  }
  return found ? total : -1;
}

exposition parse(const std::string& text) {
  exposition out;
  std::set<std::string> series;
  std::set<std::string> closed_families;  // families whose group has ended
  std::string current_family;
  std::istringstream in(text);
  std::string line;
  int no = 0;
  auto err = [&](const std::string& what) {
    out.errors.push_back("line " + std::to_string(no) + ": " + what + ": " + line);
  };
  auto enter_family = [&](const std::string& fam) {
    if (fam == current_family) return true;
    if (closed_families.count(fam)) return false;
    if (!current_family.empty()) closed_families.insert(current_family);
    current_family = fam;
    return true;
  };
  if (!text.empty() && text.back() != '\n') out.errors.push_back("the text does not end in \\n");
  while (std::getline(in, line)) {
    ++no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, kind, name;
      ls >> hash >> kind >> name;
      if (kind != "HELP" && kind != "TYPE") continue;  // a plain comment
      if (!metric_name(name)) {
        err("bad metric name in " + kind);
        continue;
      }
      if (!enter_family(name)) err("family " + name + " appears in two groups");
      std::string rest;
      std::getline(ls, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (kind == "TYPE") {
        static const std::set<std::string> known = {"counter", "gauge", "histogram", "summary",
                                                    "untyped"};
        if (!known.count(rest)) err("unknown type");
        if (out.types.count(name)) err("second TYPE for " + name);
        out.types[name] = rest;
      } else {
        if (out.helps.count(name)) err("second HELP for " + name);
        out.helps[name] = rest;
      }
      continue;
    }
    sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!metric_name(s.name)) {
      err("bad metric name");
      continue;
    }
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) {
          ok = false;
          break;
        }
        auto lname = line.substr(i, eq - i);
        if (!label_name(lname) || eq + 1 >= line.size() || line[eq + 1] != '"') {
          ok = false;
          break;
        }
        std::string value;
        std::size_t j = eq + 2;
        bool closed = false;
        while (j < line.size()) {
          char c = line[j];
          if (c == '\\') {
            if (j + 1 >= line.size()) break;
            char e = line[j + 1];
            if (e == '\\')
              value += '\\';
            else if (e == '"')
              value += '"';
            else if (e == 'n')
              value += '\n';
            else
              break;  // no other escape exists
            j += 2;
            continue;
          }
          if (c == '"') {
            closed = true;
            break;
          }
          value += c;
          ++j;
        }
        if (!closed || s.labels.count(lname)) {
          ok = false;
          break;
        }
        s.labels[lname] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') ok = false;
      ++i;
    }
    if (!ok) {
      err("bad labels");
      continue;
    }
    if (i >= line.size() || line[i] != ' ') {
      err("no value");
      continue;
    }
    auto rest = line.substr(i + 1);
    auto sp = rest.find(' ');
    auto value_text = rest.substr(0, sp);  // a timestamp may follow
    if (!parse_value(value_text, s.value)) {
      err("bad value");
      continue;
    }
    auto fam = family_of(s.name, out.types);
    if (!out.types.count(fam)) err("sample before its family's TYPE");
    if (!enter_family(fam)) err("family " + fam + " appears in two groups");
    if (!series.insert(series_key(s)).second) err("duplicate series");
    out.samples.push_back(std::move(s));
  }

  // Histograms: per label set (without le), buckets cumulative, +Inf == _count.
  for (auto& [fam, type] : out.types) {
    if (type != "histogram") continue;
    std::map<std::string, std::vector<std::pair<double, double>>> buckets;
    std::map<std::string, double> counts;
    std::map<std::string, bool> sums;
    for (auto& s : out.samples) {
      auto labels = s.labels;
      std::string le;
      if (s.name == fam + "_bucket") {
        auto it = labels.find("le");
        if (it == labels.end()) {
          out.errors.push_back(fam + ": bucket without le");
          continue;
        }
        le = it->second;
        labels.erase(it);
      }
      sample key{fam, labels, 0};
      auto k = series_key(key);
      double bound = 0;
      if (s.name == fam + "_bucket") {
        if (!parse_value(le, bound)) out.errors.push_back(fam + ": bad le " + le);
        buckets[k].emplace_back(bound, s.value);
      } else if (s.name == fam + "_count") {
        counts[k] = s.value;
      } else if (s.name == fam + "_sum") {
        sums[k] = true;
      } else if (s.name == fam) {
        out.errors.push_back(fam + ": a histogram has no plain samples");
      }
    }
    for (auto& [k, bs] : buckets) {
      double prev_bound = -INFINITY, prev = 0;
      for (auto& [b, v] : bs) {
        if (b <= prev_bound) out.errors.push_back(k + ": buckets not in increasing le order");
        if (v < prev) out.errors.push_back(k + ": buckets not cumulative");
        prev_bound = b;
        prev = v;
      }
      if (bs.empty() || !std::isinf(bs.back().first))
        out.errors.push_back(k + ": no +Inf bucket");
      else if (!counts.count(k) || counts[k] != bs.back().second)
        out.errors.push_back(k + ": _count differs from the +Inf bucket");
      if (!sums.count(k)) out.errors.push_back(k + ": no _sum");
    }
    for (auto& [k, c] : counts)
      if (!buckets.count(k)) out.errors.push_back(k + ": _count without buckets");
  }
  return out;
}

}  // namespace prom
