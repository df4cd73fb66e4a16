// The operator console's two admin routes through the real binary (issue 15):
//   GET /api/v1/admin/webhooks?limit=&cursor=&result=  the webhook inbox, newest first
//   GET /api/v1/admin/gateways                        gateways and their breakers
// Both need an admin JWT (401 code 1401 without one, 403 code 1403 for a
// user's), as /admin/audit does. A signed Razorpay event shows up in the
// listing with its result, order and correlation id; `result=` filters; bad
// parameters are refused at once (422 code 1000). Every enabled gateway's
// breaker is "closed" at start, and "open" (not accepting, with the time it
// opened) once its gateway failed often enough.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using json_expect::error_envelope;
using json_expect::kind;
using json_expect::string_at;
using headers = std::vector<std::pair<std::string, std::string>>;

// Razorpay enabled beside the sandbox (the default); its API is a port nobody
// listens on, so a Razorpay order fails at once and counts against its breaker.
std::map<std::string, std::string> razorpay_env() {
  return {{"RAZORPAY_KEY_ID", "rzp_test_ops"},
          {"RAZORPAY_KEY_SECRET", "rzp-ops-secret"},
          {"RAZORPAY_API_BASE", "http://127.0.0.1:9"},
          {"GATEWAY_TIMEOUT", "1s"},
          {"GATEWAY_RETRIES", "1"},
          {"GATEWAY_RETRY_BASE", "50ms"},
          {"GATEWAY_BREAKER_FAILURES", "2"},
          {"GATEWAY_BREAKER_COOLDOWN", "10m"}};
}

class OpsConsole : public e2e::shared_server<OpsConsole> {
 public:
  static std::map<std::string, std::string> env() { return razorpay_env(); }

 protected:
  e2e::shop shop{srv->port()};

  headers as_admin() const { return {{"Authorization", "Bearer " + shop.admin}}; }

  e2e::reply get(const std::string& target, const headers& h) {
    return call(srv->port(), "GET", target, {}, h);
  }

  // The entry of `event_id` in the listing `query` walked to its end (null
  // when it is not there), checking every entry's fields on the way.
  rapidjson::Document find_webhook(const std::string& query, const std::string& event_id,
                                   const std::string& every_result = {}) {
    rapidjson::Document found;
    found.SetNull();
    std::string cursor;
    for (int page = 0; page < 50; ++page) {
      auto r = get("/api/v1/admin/webhooks?limit=100" + query +
                       (cursor.empty() ? std::string() : "&cursor=" + cursor),
                   as_admin());
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto d = r.json();
      EXPECT_TRUE(json_expect::is(d, "data.webhooks", kind::array)) << r.body;
      if (!json_expect::is(d, "data.webhooks", kind::array)) break;
      for (auto& e : d["data"]["webhooks"].GetArray()) {
        for (const char* field :
             {"gateway", "event_id", "event_type", "result", "correlation_id", "received_at"})
          EXPECT_TRUE(e.HasMember(field) && e[field].IsString()) << field;
        EXPECT_TRUE(e.HasMember("order_token") &&
                    (e["order_token"].IsString() || e["order_token"].IsNull()));
        if (!every_result.empty()) {
          EXPECT_EQ(e2e::str(e, "result"), every_result);
        }
        if (e2e::str(e, "event_id") == event_id) found.CopyFrom(e, found.GetAllocator());
      }
      if (!d["data"]["next_cursor"].IsString()) break;
      cursor = d["data"]["next_cursor"].GetString();
    }
    return found;
  }
};

TEST_F(OpsConsole, only_admins_read_the_webhooks_and_the_gateways) {
  for (const char* path : {"/api/v1/admin/webhooks", "/api/v1/admin/gateways"}) {
    SCOPED_TRACE(path);
    auto none = get(path, {});
    EXPECT_TRUE(error_envelope(none.status, none.body, 401, 1401));
    auto user = get(path, {{"Authorization", shop.bearer(e2e::unique("ops-user"))}});
    EXPECT_TRUE(error_envelope(user.status, user.body, 403, 1403));
  }
  // Authentication comes before the parameters.
  auto bad = get("/api/v1/admin/webhooks?limit=0", {{"Authorization", shop.bearer("ops-user")}});
  EXPECT_TRUE(error_envelope(bad.status, bad.body, 403, 1403));
}

TEST_F(OpsConsole, a_signed_razorpay_event_is_listed_with_its_result_and_result_filters) {
  auto user = e2e::unique("ops-buyer");
  auto placed = shop.place(user, shop.cart(user, shop.internship(15000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto d = placed.json();
  auto token = string_at(d, "data.order.order_token");
  auto gateway_order = string_at(d, "data.order.payment.gateway_order_id");
  auto total = json_expect::int_at(d, "data.order.total");

  auto applied_id = e2e::unique("evt-ops-applied");
  auto correlation = e2e::unique("ops-cid");
  auto applied = e2e::razorpay_post(
      srv->port(), e2e::razorpay_payment_body("payment.captured", gateway_order, total), applied_id,
      {}, {{"X-Correlation-ID", correlation}});
  ASSERT_EQ(applied.status, 200) << applied.body;
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  // One for no order of ours.
  auto unknown_id = e2e::unique("evt-ops-unknown");
  auto unknown = e2e::razorpay_post(
      srv->port(), e2e::razorpay_payment_body("payment.captured", e2e::unique("order_ops"), total),
      unknown_id);
  ASSERT_EQ(unknown.status, 200) << unknown.body;

  auto listed = find_webhook("", applied_id);
  ASSERT_TRUE(listed.IsObject()) << applied_id << " is not listed";
  EXPECT_TRUE(json_expect::at(listed, "gateway", "razorpay"));
  EXPECT_TRUE(json_expect::at(listed, "event_type", "payment.captured"));
  EXPECT_TRUE(json_expect::at(listed, "result", "applied"));
  EXPECT_TRUE(json_expect::at(listed, "order_token", token));
  EXPECT_TRUE(json_expect::at(listed, "correlation_id", correlation));
  EXPECT_FALSE(string_at(listed, "received_at").empty());
  auto other = find_webhook("", unknown_id);
  ASSERT_TRUE(other.IsObject()) << unknown_id << " is not listed";
  EXPECT_TRUE(json_expect::at(other, "result", "unknown_order"));
  EXPECT_TRUE(json_expect::is(other, "order_token", kind::null));

  // Filtered: each only among its own result's entries, and only those.
  EXPECT_TRUE(find_webhook("&result=applied", applied_id, "applied").IsObject());
  EXPECT_TRUE(find_webhook("&result=applied", unknown_id, "applied").IsNull());
  EXPECT_TRUE(find_webhook("&result=unknown_order", unknown_id, "unknown_order").IsObject());
  EXPECT_TRUE(find_webhook("&result=unknown_order", applied_id, "unknown_order").IsNull());
}

TEST_F(OpsConsole, pages_continue_after_their_last_entry_without_repeating_one) {
  // Two events at least, so that a page of one has a next one.
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(e2e::razorpay_post(srv->port(), e2e::razorpay_payment_body(
                                                  "payment.failed", e2e::unique("order_ops"), 100))
                  .status,
              200);
  auto first = get("/api/v1/admin/webhooks?limit=1", as_admin());
  ASSERT_EQ(first.status, 200) << first.body;
  auto d1 = first.json();
  ASSERT_TRUE(json_expect::has_size(d1, "data.webhooks", 1));
  ASSERT_TRUE(json_expect::is(d1, "data.next_cursor", kind::string));
  auto second =
      get("/api/v1/admin/webhooks?limit=1&cursor=" + string_at(d1, "data.next_cursor"), as_admin());
  ASSERT_EQ(second.status, 200) << second.body;
  auto d2 = second.json();
  ASSERT_TRUE(json_expect::has_size(d2, "data.webhooks", 1));
  EXPECT_NE(string_at(d1, "data.webhooks[0].event_id"), string_at(d2, "data.webhooks[0].event_id"));
  // Newest first.
  EXPECT_GE(string_at(d1, "data.webhooks[0].received_at"),
            string_at(d2, "data.webhooks[0].received_at"));
}

TEST_F(OpsConsole, bad_parameters_are_refused_all_at_once) {
  for (const char* limit : {"0", "101", "abc", "-1", "1.5"}) {
    auto r = get(std::string("/api/v1/admin/webhooks?limit=") + limit, as_admin());
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << limit;
  }
  for (const char* result : {"duplicate", "bogus", "Applied"}) {
    auto r = get(std::string("/api/v1/admin/webhooks?result=") + result, as_admin());
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << result;
  }
  auto cursor = get("/api/v1/admin/webhooks?cursor=nonsense", as_admin());
  EXPECT_TRUE(error_envelope(cursor.status, cursor.body, 422, 1000));
  auto all = get("/api/v1/admin/webhooks?limit=0&cursor=nonsense&result=bogus", as_admin());
  EXPECT_TRUE(error_envelope(all.status, all.body, 422, 1000));
  EXPECT_TRUE(json_expect::has_size(all.json(), "error.validation_messages", 3));
}

// Reads /admin/gateways into name -> gateway object (copied into `doc`).
std::map<std::string, const rapidjson::Value*> gateways_of(const rapidjson::Document& doc) {
  std::map<std::string, const rapidjson::Value*> out;
  if (!json_expect::find(doc, "data.gateways") || !doc["data"]["gateways"].IsArray()) return out;
  for (auto& g : doc["data"]["gateways"].GetArray()) out[e2e::str(g, "name")] = &g;
  return out;
}

TEST_F(OpsConsole, every_enabled_gateway_starts_with_its_breaker_closed) {
  // Before any test of this suite placed a Razorpay order (none does but the
  // breaker suite below, on its own server).
  auto r = get("/api/v1/admin/gateways", as_admin());
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  auto by_name = gateways_of(d);
  ASSERT_EQ(by_name.size(), 3u) << r.body;
  for (const char* name : {"sandbox", "razorpay"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(name));
    const auto& g = *by_name[name];
    EXPECT_TRUE(json_expect::at(g, "enabled", true));
    EXPECT_TRUE(json_expect::at(g, "breaker.state", "closed"));
    EXPECT_TRUE(json_expect::at(g, "breaker.failures", 0));
    EXPECT_TRUE(json_expect::at(g, "breaker.accepting", true));
    EXPECT_TRUE(json_expect::is(g, "breaker.opened_at", kind::null));
  }
  EXPECT_TRUE(json_expect::at(*by_name["sandbox"], "default", true));
  EXPECT_TRUE(json_expect::at(*by_name["razorpay"], "default", false));
  ASSERT_TRUE(by_name.count("stripe"));
  EXPECT_TRUE(json_expect::at(*by_name["stripe"], "enabled", false));
  EXPECT_TRUE(json_expect::is(*by_name["stripe"], "breaker", kind::null));
}

TEST(ops_console, razorpay_is_listed_but_not_enabled_without_its_credentials) {
  e2e::server srv;  // the test default: the sandbox, and only Razorpay's webhook secret
  auto r = call(srv.port(), "GET", "/api/v1/admin/gateways", {},
                {{"Authorization", "Bearer " + e2e::token_for("ops-admin", true)}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  auto by_name = gateways_of(d);
  ASSERT_TRUE(by_name.count("sandbox") && by_name.count("razorpay")) << r.body;
  EXPECT_TRUE(json_expect::at(*by_name["sandbox"], "enabled", true));
  EXPECT_TRUE(json_expect::at(*by_name["sandbox"], "breaker.state", "closed"));
  EXPECT_TRUE(json_expect::at(*by_name["razorpay"], "enabled", false));
  EXPECT_TRUE(json_expect::is(*by_name["razorpay"], "breaker", kind::null));
}

TEST(ops_console, a_breaker_opened_by_failures_is_reported_open_with_its_time) {
  e2e::server srv(razorpay_env());
  e2e::shop shop{srv.port()};
  auto admin = headers{{"Authorization", "Bearer " + shop.admin}};
  auto user = e2e::unique("ops-breaker");
  auto internship = shop.internship(20000);
  // Razorpay's API does not answer: each order fails and counts as a failure.
  auto open = [&] {
    auto r = call(srv.port(), "GET", "/api/v1/admin/gateways", {}, admin);
    if (r.status != 200) return false;
    auto d = r.json();
    auto by_name = gateways_of(d);
    return by_name.count("razorpay") &&
           e2e::str((*by_name["razorpay"])["breaker"], "state") == "open";
  };
  for (int i = 0; i < 4 && !open(); ++i) {
    auto placed = shop.place(user, shop.cart(user, internship), e2e::unique("key"),
                             R"(,"gateway":"razorpay")");
    EXPECT_NE(placed.status, 201) << placed.body;
  }
  ASSERT_TRUE(open());
  auto r = call(srv.port(), "GET", "/api/v1/admin/gateways", {}, admin);
  auto d = r.json();
  auto by_name = gateways_of(d);
  const auto& rzp = *by_name["razorpay"];
  EXPECT_TRUE(json_expect::at(rzp, "breaker.accepting", false));
  EXPECT_GE(json_expect::int_at(rzp, "breaker.failures"), 2);
  EXPECT_TRUE(json_expect::is(rzp, "breaker.opened_at", kind::string)) << r.body;
  // The sandbox's breaker is its own.
  EXPECT_TRUE(json_expect::at(*by_name["sandbox"], "breaker.state", "closed"));
}

}  // namespace
