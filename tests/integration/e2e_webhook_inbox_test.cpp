// Webhook intake through the inbox (issue 5, CONTRACT §8): Stripe events and
// signatures, secret rotation, events applied from the inbox after the process
// that stored them is gone, refunds reported before their capture, failures of
// a replaced attempt, and mismatches kept for review.
#include <gtest/gtest.h>

#include <ctime>
#include <pqxx/pqxx>

#include "actors/webhook/razorpay_webhook.hpp"
#include "actors/webhook/stripe_webhook.hpp"
#include "e2e_shop.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"
#include "support/test_services.hpp"

using namespace std::chrono_literals;
using checkout::testing::fake_gateway;

namespace {

using e2e::call;
using e2e::str;

const std::string stripe_secret = "whsec_e2e_current";
const std::string stripe_previous = "whsec_e2e_previous";
const std::string rzp_previous = "rzp-webhook-previous";

void exec_sql(const std::string& sql, const std::string& param) {
  pqxx::connection c(test_services::database_url());
  pqxx::work t(c);
  t.exec_params(sql, param);
  t.commit();
}

// With the sandbox gateway (Razorpay-format events); Stripe_ below runs its own server.
template <class Suite>
class inbox_fixture : public e2e::shared_server<Suite> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"STRIPE_WEBHOOK_SECRET", stripe_secret},
            {"STRIPE_WEBHOOK_SECRET_PREVIOUS", stripe_previous},
            {"RAZORPAY_WEBHOOK_SECRET_PREVIOUS", rzp_previous},
            {"INBOX_RETRY_INTERVAL", "500ms"},
            {"WEBHOOK_APPLY_WAIT", "2s"}};
  }

 protected:
  e2e::shop shop{this->srv->port()};
  std::string user = e2e::unique("inbox");

  struct placed {
    std::string token, payment_token, gateway_order_id;
    long long total = 0;
  };
  placed place(const std::string& gateway = {}) {
    auto extra = gateway.empty() ? std::string() : R"(,"gateway":")" + gateway + "\"";
    auto r = shop.place(user, shop.cart(user, shop.internship(40000)), e2e::unique("key"), extra);
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {json_expect::string_at(d, "data.order.order_token"),
            json_expect::string_at(d, "data.order.payment.payment_token"),
            json_expect::string_at(d, "data.order.payment.gateway_order_id"),
            json_expect::int_at(d, "data.order.total")};
  }

  static std::string stripe_session_event(const std::string& event_id, const std::string& type,
                                          const placed& o, long long amount,
                                          const std::string& payment_status = "paid") {
    return R"({"id":")" + event_id + R"(","object":"event","type":")" + type + R"(","created":)" +
           std::to_string(std::time(nullptr)) + R"(,"data":{"object":{"id":")" +
           o.gateway_order_id + R"(","object":"checkout.session","payment_status":")" +
           payment_status + R"(","amount_total":)" + std::to_string(amount) +
           R"(,"currency":"inr","payment_intent":"pi_)" + o.token.substr(0, 8) +
           R"(","client_reference_id":")" + o.token + R"(","metadata":{"order_token":")" + o.token +
           R"(","payment_token":")" + o.payment_token + R"("}}}})";
  }
  e2e::reply stripe_post(const std::string& body, const std::string& secret,
                         std::int64_t t = std::time(nullptr)) {
    return call(
        shop.port, "POST", "/api/v1/webhooks/stripe", body,
        {{"Stripe-Signature", checkout::stripe_webhook::signature_header(secret, t, body)}});
  }
  static ::testing::AssertionResult result_is(const e2e::reply& r, const char* result) {
    return json_expect::at(r.json(), "data.result", result) << " in " << r.body;
  }
  std::string inbox(const std::string& column, const std::string& event_id) {
    return e2e::db_value("SELECT " + column + " FROM webhook_events WHERE event_id = $1", event_id);
  }
};

class webhook_inbox : public inbox_fixture<webhook_inbox> {};

// Stripe enabled (a fake Stripe API on loopback), so orders get Checkout Sessions.
class stripe_inbox : public inbox_fixture<stripe_inbox> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = inbox_fixture<stripe_inbox>::env();
    e["PAYMENT_GATEWAY"] = "stripe";
    e["STRIPE_SECRET_KEY"] = "sk_test_inbox";
    e["STRIPE_API_BASE"] = stripe_fake().base_url();
    return e;
  }
  static fake_gateway& stripe_fake() {
    static auto g = fake_gateway::stripe("sk_test_inbox");
    return *g;
  }
};

TEST_F(stripe_inbox, a_stripe_session_completed_pays_and_enrolls) {
  auto o = place("stripe");
  ASSERT_EQ(o.gateway_order_id.rfind("cs_", 0), 0u) << o.gateway_order_id;
  auto id = e2e::unique("evt");
  auto body = stripe_session_event(id, "checkout.session.completed", o, o.total);
  auto r = stripe_post(body, stripe_secret);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(result_is(r, "applied"));
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 10s));
  EXPECT_EQ(inbox("result", id), "applied");
  EXPECT_EQ(inbox("kind", id), "captured");
  EXPECT_FALSE(inbox("applied_at", id).empty());
  // Applied at once, with its row written by the step that applied it:
  // every field the intake's record would have kept.
  EXPECT_EQ(inbox("attempts", id), "1");
  EXPECT_EQ(inbox("event_type", id), "checkout.session.completed");
  EXPECT_EQ(inbox("order_token::text", id), o.token);
  EXPECT_EQ(inbox("payment_token::text", id), o.payment_token);
  EXPECT_EQ(inbox("gateway_order_id", id), o.gateway_order_id);
  EXPECT_EQ(inbox("payment_id", id), "pi_" + o.token.substr(0, 8));
  EXPECT_EQ(inbox("amount", id), std::to_string(o.total));
  EXPECT_EQ(inbox("currency", id), "INR");
  EXPECT_FALSE(inbox("occurred_at", id).empty());
  EXPECT_FALSE(inbox("correlation_id", id).empty());

  // Stripe delivers it again: the same state, nothing twice.
  auto again = stripe_post(body, stripe_secret);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(result_is(again, "duplicate"));
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", o.token),
            "1");
}

TEST_F(stripe_inbox, stripe_signatures_are_checked_with_tolerance_and_rotation) {
  auto o = place("stripe");
  auto body = stripe_session_event(e2e::unique("evt"), "checkout.session.expired", o, o.total);
  // Signed with the previous secret during a rotation: accepted.
  auto rotated = stripe_post(body, stripe_previous);
  EXPECT_EQ(rotated.status, 200) << rotated.body;
  // A secret we never had, a stale timestamp, a missing or garbled header: 400 7001.
  auto forged = stripe_post(
      stripe_session_event(e2e::unique("evt"), "checkout.session.completed", o, o.total),
      "whsec_someone_else");
  EXPECT_TRUE(json_expect::error_envelope(forged.status, forged.body, 400, 7001));
  auto stale = stripe_post(body, stripe_secret, std::time(nullptr) - 301);
  EXPECT_TRUE(json_expect::error_envelope(stale.status, stale.body, 400, 7001));
  auto missing = call(shop.port, "POST", "/api/v1/webhooks/stripe", body);
  EXPECT_TRUE(json_expect::error_envelope(missing.status, missing.body, 400, 7001));
  auto garbled = call(shop.port, "POST", "/api/v1/webhooks/stripe", body,
                      {{"Stripe-Signature", "v1=abc,t=x"}});
  EXPECT_TRUE(json_expect::error_envelope(garbled.status, garbled.body, 400, 7001));
  // A forged event changed nothing: the expired session made the order failed.
  EXPECT_EQ(shop.status_of(user, o.token), "failed");
}

TEST_F(webhook_inbox, razorpay_accepts_the_previous_secret_during_a_rotation) {
  auto o = place();
  auto body = e2e::razorpay_payment_body("payment.captured", o.gateway_order_id, o.total,
                                         "pay_rot" + o.token.substr(0, 8));
  // Signed with the previous secret: accepted; with one we never had: refused.
  auto r =
      e2e::razorpay_post(shop.port, body, {}, checkout::razorpay_webhook::sign(rzp_previous, body));
  EXPECT_EQ(r.status, 200) << r.body;
  auto wrong =
      e2e::razorpay_post(shop.port, body, {}, checkout::razorpay_webhook::sign("nope", body));
  EXPECT_TRUE(json_expect::error_envelope(wrong.status, wrong.body, 400, 7001));
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 10s));
}

TEST_F(webhook_inbox, an_event_stored_but_never_applied_is_applied_by_the_inbox_worker) {
  // As if a process stored the event, answered 200 and died before applying it.
  auto o = place();
  auto id = e2e::unique("evt");
  exec_sql(
      "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result, kind, "
      "gateway_order_id, payment_id, amount, currency, received_at) SELECT 'razorpay', $1, "
      "'payment.captured', a.order_token, 'pending', 'captured', a.gateway_order_id, 'pay_inbox', "
      "a.amount, a.currency, now() - interval '1 minute' FROM payment_attempts a "
      "WHERE a.gateway_order_id = '" +
          o.gateway_order_id + "'",
      id);
  // Stored (the worker may have applied it already: its scan runs on its own).
  ASSERT_NE(inbox("result", id), "") << "the event was not stored";
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 10s));
  EXPECT_EQ(inbox("result", id), "applied");
  // The gateway's own retry of it now changes nothing.
  auto r = e2e::razorpay_post(
      shop.port,
      e2e::razorpay_payment_body("payment.captured", o.gateway_order_id, o.total, "pay_inbox"), id);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(result_is(r, "duplicate"));
}

TEST_F(webhook_inbox, a_refund_reported_before_its_capture_ends_refunded) {
  auto o = place();
  auto pay = "pay_rf" + o.token.substr(0, 8);
  auto refund = R"({"entity":"event","event":"refund.processed","payload":{"refund":{"entity":)"
                R"({"id":"rfnd_)" +
                o.token.substr(0, 8) + R"(","payment_id":")" + pay + R"(","amount":)" +
                std::to_string(o.total) + R"(,"currency":"INR"}},"payment":{"entity":{"id":")" +
                pay + R"(","order_id":")" + o.gateway_order_id + R"(","amount":)" +
                std::to_string(o.total) + R"(,"amount_refunded":)" + std::to_string(o.total) +
                R"(,"currency":"INR","status":"refunded"}}}})";
  auto r = e2e::razorpay_post(shop.port, refund);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(result_is(r, "accepted"));  // kept until the capture is in
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");
  ASSERT_EQ(shop.razorpay_event("payment.captured", o.gateway_order_id, o.total, pay).status, 200);
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "refunded"; }, 10s));
  EXPECT_TRUE(e2e::eventually(
      [&] {
        return e2e::db_value(
                   "SELECT string_agg(status, ',') FROM enrollments "
                   "WHERE order_token = $1::uuid",
                   o.token) != "active";
      },
      10s));
}

TEST_F(webhook_inbox, a_failure_of_a_replaced_attempt_changes_nothing) {
  auto o = place();
  ASSERT_EQ(shop.razorpay_event("payment.failed", o.gateway_order_id, o.total).status, 200);
  auto retry = call(shop.port, "POST", "/api/v1/orders/" + o.token + "/payments", "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", e2e::unique("r")}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  // The first attempt's checkout reports another failure, late.
  auto late = shop.razorpay_event("payment.failed", o.gateway_order_id, o.total,
                                  "pay_late" + o.token.substr(0, 6));
  EXPECT_EQ(late.status, 200);
  EXPECT_TRUE(result_is(late, "ignored"));
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");
}

TEST_F(webhook_inbox, a_mismatched_amount_never_pays_and_is_kept_for_review) {
  auto o = place();
  auto id = e2e::unique("evt");
  auto body =
      e2e::razorpay_payment_body("payment.captured", o.gateway_order_id, o.total - 1, "pay_mm");
  auto r = e2e::razorpay_post(shop.port, body, id);
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 7002));
  // Its redelivery is answered the same.
  auto again = e2e::razorpay_post(shop.port, body, id);
  EXPECT_TRUE(json_expect::error_envelope(again.status, again.body, 422, 7002));
  EXPECT_EQ(shop.status_of(user, o.token), "awaiting_payment");
  EXPECT_EQ(inbox("result", id), "amount_mismatch");
  EXPECT_EQ(inbox("amount", id), std::to_string(o.total - 1));
}

}  // namespace
