// The attacks of issue 12 (CONTRACT §13), through the real binary:
// - a Stripe event signed with the secret that used to ship in the code, naming
//   a sandbox order, while Stripe is not enabled: 404, nothing changes;
// - with Stripe enabled, a correctly signed Stripe event naming another
//   gateway's order (and a Razorpay event naming a Stripe order): 200
//   `wrong_gateway`, nothing changes, counted;
// - production without safe secrets does not start, naming the setting; with
//   them, a token signed with the old shipped JWT secret opens nothing, and the
//   sandbox and the development aids do not exist.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "actors/webhook/stripe_webhook.hpp"
#include "e2e_shop.hpp"
#include "http/auth.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"
#include "support/test_services.hpp"

extern char** environ;

using namespace std::chrono_literals;
using checkout::testing::fake_gateway;

namespace {

using e2e::call;
using json_expect::int_at;
using json_expect::string_at;

// The values that shipped in the code before issue 12.
const std::string old_stripe_secret = "whsec_sandbox";
const std::string old_jwt_secret = "dev-jwt-secret-change-me";
const std::string stripe_secret = "whsec_forgery_suite_current_secret";

std::string stripe_completed(const std::string& event_id, const std::string& order_token,
                             const std::string& payment_token, const std::string& session_id,
                             long long amount) {
  return R"({"id":")" + event_id + R"(","object":"event","type":"checkout.session.completed",)" +
         R"("created":)" + std::to_string(std::time(nullptr)) + R"(,"data":{"object":{"id":")" +
         session_id + R"(","object":"checkout.session","payment_status":"paid","amount_total":)" +
         std::to_string(amount) + R"(,"currency":"inr","payment_intent":")" +
         e2e::unique("pi_forged") + R"(",)" + R"("client_reference_id":")" + order_token +
         R"(","metadata":{"order_token":")" + order_token + R"(","payment_token":")" +
         payment_token + R"("}}}})";
}

e2e::reply stripe_post(unsigned short port, const std::string& body, const std::string& secret) {
  return call(port, "POST", "/api/v1/webhooks/stripe", body,
              {{"Stripe-Signature",
                checkout::stripe_webhook::signature_header(secret, std::time(nullptr), body)}});
}

struct placed {
  std::string token, payment_token, gateway_order_id;
  long long total = 0;
};

placed place(e2e::shop& shop, const std::string& user, const std::string& gateway) {
  auto r = shop.place(user, shop.cart(user, shop.internship(50000)), e2e::unique("key"),
                      R"(,"gateway":")" + gateway + "\"");
  EXPECT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  return {string_at(d, "data.order.order_token"), string_at(d, "data.order.payment.payment_token"),
          string_at(d, "data.order.payment.gateway_order_id"), int_at(d, "data.order.total")};
}

// Proves that nothing a forged event did can still act: `own` (the order's own
// gateway's event, sent after the forged ones) is the one that pays it —
// "applied", where a payment already made would be a duplicate — the order
// ends with one enrollment, and no event recorded for it waits in the inbox
// for the worker to apply later.
void expect_paid_by_its_own_event_only(e2e::shop& shop, const std::string& user, const placed& o,
                                       const e2e::reply& own) {
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(json_expect::at(own.json(), "data.result", "applied"));
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 10s))
      << shop.status_of(user, o.token);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM webhook_events WHERE order_token = $1::uuid "
                          "AND applied_at IS NULL",
                          o.token),
            "0");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", o.token),
            "1");
}

// checkout_webhooks_total{gateway=…,result=…} from /metrics (0 when absent).
long long webhook_count(unsigned short port, const std::string& gateway,
                        const std::string& result) {
  auto m = call(port, "GET", "/metrics").body;
  auto key = "checkout_webhooks_total{gateway=\"" + gateway + "\",result=\"" + result + "\"} ";
  auto at = m.find(key);
  return at == std::string::npos ? 0 : std::stoll(m.substr(at + key.size()));
}

// ---- Stripe not enabled: no route, whatever the signature ---------------------

class OwaspForgeryStripeOff : public e2e::shared_server<OwaspForgeryStripeOff> {
 public:
  // Even with a Stripe webhook secret set, Stripe without its key is not enabled.
  static std::map<std::string, std::string> env() {
    return {{"STRIPE_WEBHOOK_SECRET", old_stripe_secret}};
  }
};

TEST_F(OwaspForgeryStripeOff, a_forged_stripe_event_is_404_and_the_order_stays_unpaid) {
  e2e::shop shop{srv->port()};
  auto user = e2e::unique("victim");
  auto o = place(shop, user, "sandbox");
  auto body = stripe_completed(e2e::unique("evt"), o.token, o.payment_token, "cs_forged", o.total);
  auto r = stripe_post(srv->port(), body, old_stripe_secret);
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 404, 1404));
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");
  EXPECT_EQ(
      e2e::db_value("SELECT count(*) FROM webhook_events WHERE order_token = $1::uuid", o.token),
      "0");
  expect_paid_by_its_own_event_only(
      shop, user, o, shop.razorpay_event("payment.captured", o.gateway_order_id, o.total));
}

// ---- Stripe enabled: events reach only their own gateway's attempts -----------

class OwaspForgeryStripeOn : public e2e::shared_server<OwaspForgeryStripeOn> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"STRIPE_SECRET_KEY", "sk_test_forgery"},
            {"STRIPE_WEBHOOK_SECRET", stripe_secret},
            {"STRIPE_API_BASE", stripe_fake().base_url()},
            {"WEBHOOK_APPLY_WAIT", "2s"}};
  }
  static fake_gateway& stripe_fake() {
    static auto g = fake_gateway::stripe("sk_test_forgery");
    return *g;
  }
};

TEST_F(OwaspForgeryStripeOn, a_signed_stripe_event_naming_a_sandbox_order_is_wrong_gateway) {
  e2e::shop shop{srv->port()};
  auto user = e2e::unique("victim");
  auto o = place(shop, user, "sandbox");
  ASSERT_EQ(o.gateway_order_id.rfind("order_", 0), 0u) << o.gateway_order_id;
  auto before = webhook_count(srv->port(), "stripe", "wrong_gateway");

  // Every way a Stripe event can name an order: our payment token, our order
  // token (client_reference_id / metadata), the other gateway's order id.
  for (const auto& [payment_token, session] : std::vector<std::pair<std::string, std::string>>{
           {o.payment_token, "cs_forged_1"}, {"", "cs_forged_2"}, {"", o.gateway_order_id}}) {
    auto id = e2e::unique("evt");
    auto r = stripe_post(
        srv->port(), stripe_completed(id, o.token, payment_token, session, o.total), stripe_secret);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json_expect::at(r.json(), "data.result", "wrong_gateway")) << session;
    EXPECT_EQ(e2e::db_value("SELECT result FROM webhook_events WHERE event_id = $1", id),
              "wrong_gateway");
  }
  EXPECT_EQ(webhook_count(srv->port(), "stripe", "wrong_gateway"), before + 3);
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", o.token),
            "0");

  // The same order still takes its own gateway's capture, and only that pays it.
  expect_paid_by_its_own_event_only(
      shop, user, o, shop.razorpay_event("payment.captured", o.gateway_order_id, o.total));
}

TEST_F(OwaspForgeryStripeOn, a_razorpay_event_naming_a_stripe_order_is_wrong_gateway) {
  e2e::shop shop{srv->port()};
  auto user = e2e::unique("victim");
  auto o = place(shop, user, "stripe");
  ASSERT_EQ(o.gateway_order_id.rfind("cs_", 0), 0u) << o.gateway_order_id;
  auto before = webhook_count(srv->port(), "razorpay", "wrong_gateway");
  // Signed with the Razorpay webhook secret the sandbox uses in development.
  auto r = shop.razorpay_event("payment.captured", o.gateway_order_id, o.total, "pay_forged");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_expect::at(r.json(), "data.result", "wrong_gateway"));
  EXPECT_EQ(webhook_count(srv->port(), "razorpay", "wrong_gateway"), before + 1);
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");

  // Its own gateway's event still pays it, and only that does.
  expect_paid_by_its_own_event_only(
      shop, user, o,
      stripe_post(srv->port(),
                  stripe_completed(e2e::unique("evt"), o.token, o.payment_token, o.gateway_order_id,
                                   o.total),
                  stripe_secret));
}

// ---- production ------------------------------------------------------------------

// Runs checkoutd with exactly `env` (nothing inherited) until it exits, or
// kills it after 10 s (a server that started: code -1).
e2e::exit_result run_to_exit(const std::map<std::string, std::string>& env) {
  return e2e::run_to_exit(env, {}, 10s);
}

// What an operator would start production with: secrets of its own. The
// services are named here because run_to_exit passes nothing inherited.
std::map<std::string, std::string> production_env(std::map<std::string, std::string> change,
                                                  const std::vector<std::string>& unset = {}) {
  std::map<std::string, std::string> e = {
      {"CHECKOUT_LISTEN", "127.0.0.1:0"},
      {"JWT_SECRET", "forgery-suite-production-jwt-secret-7c1e9a"},
      {"RAZORPAY_KEY_ID", "rzp_live_forgery"},
      {"RAZORPAY_KEY_SECRET", "rzp-live-forgery-key-secret"},
      {"RAZORPAY_WEBHOOK_SECRET", "rzp-live-forgery-webhook-secret"},
      {"LOG_LEVEL", "warn"},
      {"DATABASE_URL", test_services::database_url()},
      {"AMQP_URL", test_services::amqp_url()}};
  for (const auto& k : unset) e.erase(k);
  for (const auto& [k, v] : change) e[k] = v;
  return e;
}

struct refusal {
  const char* name;
  std::map<std::string, std::string> change;
  std::vector<std::string> unset;
  const char* setting;
};

TEST(OwaspForgeryProduction, unsafe_settings_stop_start_up_naming_the_setting) {
  const std::vector<refusal> cases = {
      {"no JWT secret", {}, {"JWT_SECRET"}, "JWT_SECRET"},
      {"the old default JWT secret", {{"JWT_SECRET", old_jwt_secret}}, {}, "JWT_SECRET"},
      {"a short JWT secret", {{"JWT_SECRET", "only-twenty-four-bytes!!"}}, {}, "JWT_SECRET"},
      {"the test JWT secret", {{"JWT_SECRET", e2e::jwt_signing_secret()}}, {}, "JWT_SECRET"},
      {"Razorpay without its webhook secret",
       {},
       {"RAZORPAY_WEBHOOK_SECRET"},
       "RAZORPAY_WEBHOOK_SECRET"},
      {"the old default Razorpay webhook secret",
       {{"RAZORPAY_WEBHOOK_SECRET", "sandbox-webhook-secret"}},
       {},
       "RAZORPAY_WEBHOOK_SECRET"},
      {"Stripe without its webhook secret",
       {{"STRIPE_SECRET_KEY", "sk_live_forgery"}},
       {},
       "STRIPE_WEBHOOK_SECRET"},
      {"the old default Stripe webhook secret",
       {{"STRIPE_SECRET_KEY", "sk_live_forgery"}, {"STRIPE_WEBHOOK_SECRET", old_stripe_secret}},
       {},
       "STRIPE_WEBHOOK_SECRET"},
      {"the sandbox", {{"PAYMENT_GATEWAY", "sandbox"}}, {}, "PAYMENT_GATEWAY"},
      {"no gateway at all", {}, {"RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET"}, "PAYMENT_GATEWAY"},
  };
  for (const auto& c : cases) {
    auto r = run_to_exit(production_env(c.change, c.unset));
    EXPECT_NE(r.code, 0) << c.name << ": " << r.output;
    EXPECT_NE(r.code, -1) << c.name << ": it started";
    EXPECT_NE(r.output.find(c.setting), std::string::npos) << c.name << ": " << r.output;
  }
}

class OwaspForgeryProductionServer : public e2e::shared_server<OwaspForgeryProductionServer> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = production_env({});
    e.erase("CHECKOUT_LISTEN");
    e["CHECKOUT_ENV"] = "production";
    e["PAYMENT_GATEWAY"] = "razorpay";
    // e2e::server's development defaults that production must not keep.
    e["STRIPE_WEBHOOK_SECRET"] = "whsec_forgery_production_only";
    return e;
  }
};

TEST_F(OwaspForgeryProductionServer, the_old_shipped_jwt_secret_opens_nothing) {
  auto forged = checkout::http::issue_token(old_jwt_secret, "attacker", {"admin"}, 1h);
  for (const auto* target : {"/api/v1/admin/actors", "/api/v1/admin/dlq"}) {
    auto r = call(srv->port(), "GET", target, {}, {{"Authorization", "Bearer " + forged}});
    EXPECT_EQ(r.status, 401) << target << " " << r.body;
  }
  auto real = checkout::http::issue_token("forgery-suite-production-jwt-secret-7c1e9a", "ops",
                                          {"admin"}, 1h);
  EXPECT_EQ(
      call(srv->port(), "GET", "/api/v1/admin/actors", {}, {{"Authorization", "Bearer " + real}})
          .status,
      200);
}

// Development aids do not exist in production (CONTRACT §13, §15): the token
// route is as unknown as any other path, whatever the body.
TEST_F(OwaspForgeryProductionServer, the_dev_token_route_does_not_exist) {
  auto r = call(srv->port(), "POST", "/api/v1/dev/token", R"({"user_id":"attacker","admin":true})");
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 404, 1404)) << r.body;
  EXPECT_EQ(r.body.find("token\":\"ey"), std::string::npos) << r.body;
}

TEST_F(OwaspForgeryProductionServer, the_sandbox_and_disabled_gateways_do_not_exist) {
  auto token = e2e::unique("x");
  EXPECT_EQ(
      call(srv->port(), "GET", "/api/v1/sandbox/checkout/00000000-0000-4000-8000-000000000000")
          .status,
      404);
  EXPECT_EQ(
      call(srv->port(), "POST", "/api/v1/sandbox/checkout/00000000-0000-4000-8000-000000000000/pay")
          .status,
      404);
  // Stripe has no key here: its webhook route does not exist.
  EXPECT_EQ(call(srv->port(), "POST", "/api/v1/webhooks/stripe", "{}",
                 {{"Stripe-Signature", "t=1,v1=00"}})
                .status,
            404);
  // Razorpay is enabled: its route answers, and refuses an unsigned event.
  auto r = call(srv->port(), "POST", "/api/v1/webhooks/razorpay", "{}",
                {{"X-Razorpay-Signature", "00"}});
  EXPECT_EQ(r.status, 400) << r.body;
}

}  // namespace
