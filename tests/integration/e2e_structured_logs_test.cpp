// Structured logs end to end (issue 6): checkoutd at LOG_LEVEL=debug with
// LOG_FORMAT=json writes only JSON objects to stderr, tags request lines with
// the request's correlation id and route, and never writes the webhook
// secret, a webhook signature, a bearer JWT or JWT_SECRET, even when a client
// sends one of them where the service does log it (X-Correlation-ID).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;

std::string temp_log_path() {
  std::string templ = (std::filesystem::temp_directory_path() / "checkoutd-log-XXXXXX").string();
  int fd = ::mkstemp(templ.data());
  if (fd >= 0) ::close(fd);
  return templ;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(StructuredLogs, JsonLinesWithContextAndNoSecrets) {
  const auto log_path = temp_log_path();
  const auto cid = e2e::unique("logs-cid");
  const auto jwt = e2e::token_for(e2e::unique("logs-user"));
  std::string signature, bad_signature;
  {
    auto srv = std::make_unique<e2e::server>(
        std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}, {"LOG_FORMAT", "json"}},
        e2e::server_options{log_path});
    e2e::shop shop{srv->port()};

    auto listed =
        call(shop.port, "GET", "/api/v1/internships?limit=1", {}, {{"X-Correlation-ID", cid}});
    EXPECT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.headers["x-correlation-id"], cid);

    // A paid order: the bearer JWT on every call, then a signed Razorpay
    // event whose correlation id is its own signature (a client mistake the
    // log must not turn into a leak).
    const auto user = e2e::unique("logs-user");
    auto placed = shop.place(user, shop.cart(user, shop.internship(25000)), e2e::unique("key"));
    ASSERT_EQ(placed.status, 201) << placed.body;
    auto order = placed.json();
    auto token = json_expect::string_at(order, "data.order.order_token");
    auto body = e2e::razorpay_payment_body(
        "payment.captured", json_expect::string_at(order, "data.order.payment.gateway_order_id"),
        json_expect::int_at(order, "data.order.total"));
    signature = e2e::razorpay_signature(body);
    auto paid =
        e2e::razorpay_post(shop.port, body, {}, signature, {{"X-Correlation-ID", signature}});
    EXPECT_EQ(paid.status, 200) << paid.body;
    // A wrong signature, on purpose: refused, and masked in the log too.
    bad_signature = std::string(64, 'a');
    auto refused = e2e::razorpay_post(shop.port, body, {}, bad_signature,
                                      {{"X-Correlation-ID", bad_signature}});
    EXPECT_TRUE(json_expect::error_envelope(refused.status, refused.body, 400, 7001));

    // The secrets themselves as correlation ids: both fit its character set.
    for (const auto& secret : {e2e::webhook_secret(), e2e::jwt_signing_secret()}) {
      auto r = call(shop.port, "GET", "/api/v1/orders/" + token, {},
                    {{"Authorization", "Bearer " + jwt}, {"X-Correlation-ID", secret}});
      // Not this user's order.
      EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 404, 5001));
    }
    EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  }  // SIGTERM: the shutdown lines are in the file too

  auto lines = read_lines(log_path);
  std::remove(log_path.c_str());
  ASSERT_GE(lines.size(), 8u);
  const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical"};
  bool tagged = false, masked = false;
  for (const auto& line : lines) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
    ASSERT_FALSE(d.HasParseError()) << line;
    ASSERT_TRUE(d.IsObject()) << line;
    for (const char* key : {"time", "level", "message"})
      ASSERT_TRUE(json_expect::is(d, key, json_expect::kind::string)) << line;
    EXPECT_TRUE(std::regex_match(str(d, "time"), rfc3339)) << line;
    EXPECT_NE(std::find(levels.begin(), levels.end(), str(d, "level")), levels.end()) << line;
    if (str(d, "correlation_id") == cid && !str(d, "route").empty()) tagged = true;
    if (str(d, "correlation_id") == "[redacted]") masked = true;

    EXPECT_EQ(line.find(e2e::webhook_secret()), std::string::npos) << line;
    EXPECT_EQ(line.find(e2e::jwt_signing_secret()), std::string::npos) << line;
    EXPECT_EQ(line.find(signature), std::string::npos) << line;
    EXPECT_EQ(line.find(bad_signature), std::string::npos) << line;
    EXPECT_EQ(line.find(jwt), std::string::npos) << line;
    // The JWT's signature part alone is as secret as the whole token.
    EXPECT_EQ(line.find(jwt.substr(jwt.rfind('.') + 1)), std::string::npos) << line;
  }
  EXPECT_TRUE(tagged) << "no line carries correlation_id " << cid << " with its route";
  // The secret-bearing correlation ids were logged, and masked.
  EXPECT_TRUE(masked) << "no line has a masked correlation_id";
}

}  // namespace
