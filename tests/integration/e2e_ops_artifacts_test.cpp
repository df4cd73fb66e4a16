// docs/grafana-dashboard.json and docs/prometheus-alerts.yml name only
// metrics a fresh checkoutd exposes: every checkout_* name in an `expr` is the
// name of a series in /metrics before any checkout (histograms by their
// _bucket/_sum/_count series, as PromQL names them), so a renamed metric, or
// one that appears only with its first event, fails here. The rule file's
// shape is checked too: each rule has an alert name, an expr, a `for`, a
// severity label and summary/description annotations.
// No YAML library is in the build: the rule file is read line by line in the
// layout it is written in, and a line this reader cannot place fails the test.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "e2e_support.hpp"
#include "support/prometheus_text.hpp"

#ifndef CHECKOUT_DOCS_DIR
#error "CHECKOUT_DOCS_DIR must name docs/ (tests/CMakeLists.txt)"
#endif

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> metric_names(const std::string& expr) {
  static const std::regex name("checkout_[a-z0-9_]+");
  std::set<std::string> out;
  for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it)
    out.insert(it->str());
  return out;
}

void collect_exprs(const rapidjson::Value& v, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (std::string(m.name.GetString()) == "expr" && m.value.IsString())
        out.emplace_back(m.value.GetString());
      else
        collect_exprs(m.value, out);
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) collect_exprs(e, out);
  }
}

std::vector<std::string> dashboard_exprs() {
  auto text = read(std::string(CHECKOUT_DOCS_DIR) + "/grafana-dashboard.json");
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << "grafana-dashboard.json is not JSON";
  std::vector<std::string> out;
  if (!d.HasParseError()) collect_exprs(d, out);
  return out;
}

// One alerting rule as the file writes it.
struct rule {
  std::string alert, expr, for_, severity, summary, description;
};

std::string value_after(const std::string& line, const std::string& key) {
  auto v = line.substr(line.find(key) + key.size());
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

std::vector<rule> alert_rules() {
  std::istringstream in(read(std::string(CHECKOUT_DOCS_DIR) + "/prometheus-alerts.yml"));
  std::vector<rule> out;
  std::string line;
  static const std::regex known(
      R"(^(groups:|  - name: \S+|    rules:|      - alert: \w+|        (expr|for): .+|        (labels|annotations):|          (severity|summary|description): .+)$)");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!std::regex_match(line, known)) {
      ADD_FAILURE() << "prometheus-alerts.yml: a line in an unexpected layout: " << line;
      continue;
    }
    if (line.rfind("      - alert: ", 0) == 0) {
      out.push_back({});
      out.back().alert = value_after(line, "- alert: ");
    } else if (out.empty()) {
      continue;
    } else if (line.rfind("        expr: ", 0) == 0) {
      out.back().expr = value_after(line, "expr: ");
    } else if (line.rfind("        for: ", 0) == 0) {
      out.back().for_ = value_after(line, "for: ");
    } else if (line.find("severity: ") != std::string::npos) {
      out.back().severity = value_after(line, "severity: ");
    } else if (line.find("summary: ") != std::string::npos) {
      out.back().summary = value_after(line, "summary: ");
    } else if (line.find("description: ") != std::string::npos) {
      out.back().description = value_after(line, "description: ");
    }
  }
  return out;
}

std::set<std::string> exposed_names(unsigned short port) {
  auto r = e2e::call(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  auto e = prom::parse(r.body);
  for (auto& err : e.errors) ADD_FAILURE() << "not valid Prometheus text: " << err;
  std::set<std::string> out;
  for (auto& s : e.samples) out.insert(s.name);
  return out;
}

TEST(ops_artifacts, every_rule_has_an_expr_a_for_a_severity_and_its_annotations) {
  auto rules = alert_rules();
  ASSERT_GE(rules.size(), 10u);
  std::set<std::string> names;
  static const std::regex duration(R"(\d+[smh])");
  for (auto& r : rules) {
    SCOPED_TRACE(r.alert);
    EXPECT_TRUE(names.insert(r.alert).second) << "alert name used twice";
    EXPECT_FALSE(metric_names(r.expr).empty()) << "expr names no checkout metric: " << r.expr;
    EXPECT_TRUE(std::regex_match(r.for_, duration)) << "for: " << r.for_;
    EXPECT_TRUE(r.severity == "critical" || r.severity == "warning" || r.severity == "info")
        << r.severity;
    EXPECT_FALSE(r.summary.empty());
    EXPECT_FALSE(r.description.empty());
  }
}

TEST(ops_artifacts, every_metric_the_dashboard_and_the_rules_use_is_exposed_from_start_up) {
  e2e::server srv;  // fresh: only the start-up's /healthz polls have been answered
  auto exposed = exposed_names(srv.port());

  auto panels = dashboard_exprs();
  ASSERT_GE(panels.size(), 15u);
  std::set<std::string> used;
  for (auto& expr : panels) {
    auto names = metric_names(expr);
    EXPECT_FALSE(names.empty()) << "a dashboard expr names no checkout metric: " << expr;
    used.insert(names.begin(), names.end());
  }
  for (auto& r : alert_rules()) {
    auto names = metric_names(r.expr);
    used.insert(names.begin(), names.end());
  }
  // What the dashboard must show (the issue's list), by the names it uses.
  for (const char* needed :
       {"checkout_http_requests_total", "checkout_http_request_seconds_bucket",
        "checkout_actors_live", "checkout_actor_mailbox_depth", "checkout_order_transitions_total",
        "checkout_webhooks_total", "checkout_outbox_pending", "checkout_amqp_published_total",
        "checkout_amqp_redelivered_total", "checkout_dlq_messages", "checkout_enrollments_total",
        "checkout_paid_not_enrolled"})
    EXPECT_TRUE(used.count(needed)) << needed << " is used by no panel or rule";
  for (auto& name : used) EXPECT_TRUE(exposed.count(name)) << name << " is not in a fresh /metrics";
}

}  // namespace
