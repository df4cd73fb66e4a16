// Stripe events of CONTRACT §8 applied to orders through the real binary,
// with a fake Stripe API on loopback: `payment_intent.payment_failed` fails
// the order (and a retry opens a new session), `charge.refunded` of the whole
// charge refunds a completed order and revokes its enrollments (a partial one
// changes nothing), and a session paid in another currency never pays (7002).
// (checkout.session.completed / .expired and signatures: e2e_webhook_inbox_test.cpp.)
#include <gtest/gtest.h>

#include <ctime>

#include "actors/webhook/stripe_webhook.hpp"
#include "e2e_shop.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;
using checkout::testing::fake_gateway;

namespace {

using e2e::call;
using json_expect::error_envelope;

const std::string stripe_key = "sk_test_contract";
const std::string stripe_secret = "whsec_contract_stripe_secret";

class contract_stripe : public e2e::shared_server<contract_stripe> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"PAYMENT_GATEWAY", "stripe"},
            {"STRIPE_SECRET_KEY", stripe_key},
            {"STRIPE_WEBHOOK_SECRET", stripe_secret},
            {"STRIPE_API_BASE", stripe().base_url()}};
  }
  static fake_gateway& stripe() {
    static auto g = fake_gateway::stripe(stripe_key);
    return *g;
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("stripe-buyer");

  struct placed {
    std::string token, payment_token, session, internship;
    long long total = 0;
  };
  placed place() {
    placed o;
    o.internship = shop.internship(45000, "5");
    auto r = shop.place(user, shop.cart(user, o.internship), e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    o.token = json_expect::string_at(d, "data.order.order_token");
    o.payment_token = json_expect::string_at(d, "data.order.payment.payment_token");
    o.session = json_expect::string_at(d, "data.order.payment.gateway_order_id");
    o.total = json_expect::int_at(d, "data.order.total");
    EXPECT_TRUE(json_expect::at(d, "data.order.payment.gateway", "stripe"));
    EXPECT_EQ(o.session.rfind("cs_", 0), 0u) << o.session;
    return o;
  }

  // A Stripe event as Stripe sends it: `object` is data.object's JSON.
  static std::string event(const std::string& id, const std::string& type,
                           const std::string& object) {
    return R"({"id":")" + id + R"(","object":"event","api_version":"2024-06-20","created":)" +
           std::to_string(std::time(nullptr)) + R"(,"livemode":false,"type":")" + type +
           R"(","data":{"object":)" + object + "}}";
  }
  static std::string metadata(const placed& o) {
    return R"("metadata":{"order_token":")" + o.token + R"(","payment_token":")" + o.payment_token +
           R"("})";
  }
  static std::string session_completed(const placed& o, const std::string& intent,
                                       const std::string& currency) {
    return R"({"id":")" + o.session +
           R"(","object":"checkout.session","status":"complete","payment_status":"paid",)"
           R"("amount_total":)" +
           std::to_string(o.total) + R"(,"currency":")" + currency + R"(","payment_intent":")" +
           intent + R"(","client_reference_id":")" + o.token + R"(",)" + metadata(o) + "}";
  }

  e2e::reply post(const std::string& body) {
    return call(shop.port, "POST", "/api/v1/webhooks/stripe", body,
                {{"Stripe-Signature", checkout::stripe_webhook::signature_header(
                                          stripe_secret, std::time(nullptr), body)}});
  }
  std::string status_of(const placed& o) { return shop.status_of(user, o.token); }
  rapidjson::Document order_json(const placed& o) { return shop.order(user, o.token).json(); }
  std::string enrollment_statuses(const placed& o) {
    return e2e::db_value(
        "SELECT string_agg(status, ',') FROM enrollments WHERE order_token = $1::uuid", o.token);
  }

  // Pays a placed order at the fake Stripe and reports the completed session.
  std::string pay(const placed& o) {
    auto intent = stripe().capture(o.session);
    EXPECT_EQ(intent.rfind("pi_", 0), 0u) << intent;
    auto r = post(event(e2e::unique("evt"), "checkout.session.completed",
                        session_completed(o, intent, "inr")));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json_expect::at(r.json(), "data.result", "applied"));
    return intent;
  }
};

TEST_F(contract_stripe, a_failed_payment_intent_fails_the_order_once_and_a_retry_follows) {
  auto o = place();
  auto history = [&] {
    auto d = order_json(o);
    auto* h = json_expect::find(d, "data.order.history");
    return h && h->IsArray() ? h->Size() : 0u;
  };
  auto entries = history();
  auto id = e2e::unique("evt");
  auto body = event(id, "payment_intent.payment_failed",
                    R"({"id":"pi_)" + o.token.substr(0, 8) +
                        R"(","object":"payment_intent","amount":)" + std::to_string(o.total) +
                        R"(,"currency":"inr","status":"requires_payment_method",)" + metadata(o) +
                        R"(,"last_payment_error":{"code":"card_declined",)"
                        R"("message":"Your card was declined.","type":"card_error"}})");
  auto r = post(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_expect::at(r.json(), "data.result", "applied"));
  EXPECT_EQ(status_of(o), "failed");
  auto d = order_json(o);
  ASSERT_EQ(history(), entries + 1);
  auto last = "data.order.history[" + std::to_string(entries) + "]";
  EXPECT_TRUE(json_expect::at(d, last + ".status", "failed"));
  EXPECT_NE(json_expect::string_at(d, last + ".reason").find("Your card was declined."),
            std::string::npos);

  // Stripe delivers it again: acknowledged, nothing changes.
  auto again = post(body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(json_expect::at(again.json(), "data.result", "duplicate"));
  EXPECT_EQ(history(), entries + 1);

  // The seeds' Retry button: a new attempt with a new Stripe session.
  auto retry = call(shop.port, "POST", "/api/v1/orders/" + o.token + "/payments", "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", e2e::unique("r")}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  auto rd = retry.json();
  EXPECT_TRUE(json_expect::at(rd, "data.order.status", "awaiting_payment"));
  auto session = json_expect::string_at(rd, "data.order.payment.gateway_order_id");
  EXPECT_EQ(session.rfind("cs_", 0), 0u);
  EXPECT_NE(session, o.session);
}

TEST_F(contract_stripe, a_whole_charge_refunded_refunds_the_order_and_revokes_its_enrollments) {
  auto o = place();
  auto seats = shop.seats_available(o.internship);
  auto intent = pay(o);
  ASSERT_TRUE(e2e::eventually([&] { return status_of(o) == "completed"; }, 10s));
  EXPECT_EQ(enrollment_statuses(o), "active");
  EXPECT_EQ(shop.seats_available(o.internship), seats);  // held since the order, now taken

  auto charge = [&](long long refunded, bool whole, const std::string& meta) {
    return R"({"id":"ch_)" + o.token.substr(0, 8) + R"(","object":"charge","amount":)" +
           std::to_string(o.total) + R"(,"amount_refunded":)" + std::to_string(refunded) +
           R"(,"currency":"inr","paid":true,"payment_intent":")" + intent + R"(","refunded":)" +
           (whole ? "true" : "false") + meta + "}";
  };
  // A partial refund is recorded only: the order and its seat stay.
  auto partial =
      post(event(e2e::unique("evt"), "charge.refunded", charge(1000, false, "," + metadata(o))));
  ASSERT_EQ(partial.status, 200) << partial.body;
  EXPECT_FALSE(json_expect::at(partial.json(), "data.result", "applied"));
  EXPECT_EQ(status_of(o), "completed");
  EXPECT_EQ(enrollment_statuses(o), "active");

  // The whole charge: found by its payment intent alone (no metadata).
  auto whole = post(event(e2e::unique("evt"), "charge.refunded", charge(o.total, true, "")));
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_TRUE(json_expect::at(whole.json(), "data.result", "applied"));
  EXPECT_EQ(status_of(o), "refunded");
  EXPECT_EQ(enrollment_statuses(o), "revoked");
  EXPECT_EQ(shop.seats_available(o.internship), seats + 1);
  auto d = order_json(o);
  auto* h = json_expect::find(d, "data.order.history");
  ASSERT_TRUE(h && h->IsArray() && h->Size() > 0) << "no history";
  EXPECT_TRUE(json_expect::at(d, "data.order.history[" + std::to_string(h->Size() - 1) + "].status",
                              "refunded"));
  // The caller's enrollments say so too.
  auto mine =
      call(shop.port, "GET", "/api/v1/enrollments", {}, {{"Authorization", shop.bearer(user)}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto list = mine.json();
  auto* all = json_expect::find(list, "data.enrollments");
  ASSERT_TRUE(all && all->IsArray()) << mine.body;
  int of_order = 0;
  for (auto& e : all->GetArray()) {
    if (e2e::str(e, "order_token") != o.token) continue;
    ++of_order;
    EXPECT_EQ(e2e::str(e, "status"), "revoked") << mine.body;
  }
  EXPECT_EQ(of_order, 1) << mine.body;
}

TEST_F(contract_stripe, a_session_paid_in_another_currency_never_pays) {
  auto o = place();
  auto intent = stripe().capture(o.session);
  auto body =
      event(e2e::unique("evt"), "checkout.session.completed", session_completed(o, intent, "usd"));
  auto r = post(body);
  EXPECT_TRUE(error_envelope(r.status, r.body, 422, 7002));
  EXPECT_EQ(status_of(o), "awaiting_payment");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", o.token),
            "0");
}

}  // namespace

namespace {

// The storefront cannot know the order's token when it places the order: it
// writes {order_token}, which the service fills in when it opens the Checkout
// Session. Stripe's own {CHECKOUT_SESSION_ID} is Stripe's to fill and passes
// through as written.
TEST_F(contract_stripe, the_order_token_placeholder_is_filled_in_stripes_return_urls) {
  auto internship = shop.internship(45000, "5");
  auto r = shop.place(
      user, shop.cart(user, internship), e2e::unique("key"),
      R"(,"success_url":"http://localhost:3000/orders/{order_token}?from=gateway&s={CHECKOUT_SESSION_ID}")"
      R"(,"cancel_url":"http://localhost:3000/orders/{order_token}?from=cancel")");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  auto token = json_expect::string_at(d, "data.order.order_token");
  auto session = json_expect::string_at(d, "data.order.payment.gateway_order_id");
  checkout::testing::fake_order sent;
  for (const auto& o : stripe().orders())
    if (o.id == session) sent = o;
  ASSERT_EQ(sent.id, session);
  EXPECT_EQ(sent.success_url,
            "http://localhost:3000/orders/" + token + "?from=gateway&s={CHECKOUT_SESSION_ID}");
  EXPECT_EQ(sent.cancel_url, "http://localhost:3000/orders/" + token + "?from=cancel");
}

}  // namespace
