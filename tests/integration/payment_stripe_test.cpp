// The Stripe adapter against the fake Stripe (HTTP on loopback).
#include <gtest/gtest.h>

#include "actors/payment/stripe_gateway.hpp"
#include "payment_support.hpp"
#include "support/fake_gateway.hpp"

namespace {

using namespace checkout;
using namespace checkout::payment;
using checkout::testing::fake_gateway;
using payment_test::attempt;
using payment_test::code_of;

constexpr micros minute = 60LL * 1000000;

class StripeAdapter : public ::testing::Test {
 protected:
  std::unique_ptr<fake_gateway> fake = fake_gateway::stripe("sk_test_fake");

  stripe_gateway adapter(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                         std::string key = "sk_test_fake") {
    stripe_options o;
    o.api_base = fake->base_url();
    o.secret_key = std::move(key);
    o.http.timeout = timeout;
    return stripe_gateway(o);
  }
};

TEST_F(StripeAdapter, CreateMakesOneSessionWithOurFields) {
  auto gw = adapter();
  auto req = attempt(2599, "USD");
  auto s = gw.create_session(req);
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(s->gateway, "stripe");
  EXPECT_EQ(s->checkout_url, "https://checkout.stripe.com/c/pay/" + s->gateway_order_id);
  auto sessions = fake->orders();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, s->gateway_order_id);
  EXPECT_EQ(sessions[0].reference, req.order_token);
  EXPECT_EQ(sessions[0].order_token, req.order_token);
  EXPECT_EQ(sessions[0].payment_token, req.payment_token);
  EXPECT_EQ(sessions[0].amount, 2599);
  EXPECT_EQ(sessions[0].currency, "usd");
  EXPECT_EQ(sessions[0].status, "open");
  // Our 30-minute window is under Stripe's minimum: start + 30 min + margin.
  EXPECT_EQ(sessions[0].expires_at, stripe_expires_at(req.expires_at, req.started_at));
  EXPECT_GE(sessions[0].expires_at * 1000000, req.started_at + 30 * minute);
}

TEST_F(StripeAdapter, ALongWindowIsKeptAsIs) {
  auto gw = adapter();
  auto req = attempt(2599, "USD");
  req.expires_at = req.started_at + 3 * 60 * minute;
  ASSERT_TRUE(gw.create_session(req));
  EXPECT_EQ(fake->orders()[0].expires_at, (req.expires_at + 999999) / 1000000);
}

TEST_F(StripeAdapter, TheSameAttemptIsOneSession) {
  auto gw = adapter();
  auto req = attempt(1000, "EUR");
  auto a = gw.create_session(req);
  auto b = gw.create_session(req);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->gateway_order_id, b->gateway_order_id);
  EXPECT_EQ(fake->orders().size(), 1u);
  EXPECT_EQ(fake->create_calls(), 2);  // the second was answered from Stripe's key store
}

TEST_F(StripeAdapter, ResumeAfterALostAnswerMakesNoSecondSession) {
  auto gw = adapter();
  auto req = attempt(1000, "USD");
  fake->create_then_drop(1);
  auto lost = gw.create_session(req);
  ASSERT_FALSE(lost);
  EXPECT_EQ(code_of(lost.error()), 4001);
  ASSERT_EQ(fake->orders().size(), 1u);
  auto resumed = gw.create_session(req);
  ASSERT_TRUE(resumed) << to_string(resumed.error());
  EXPECT_EQ(resumed->gateway_order_id, fake->orders()[0].id);
  EXPECT_EQ(fake->orders().size(), 1u);
}

TEST_F(StripeAdapter, ALateResumeStillFindsTheOneSession) {
  // The attempt started 20 minutes ago: its first expires_at is no longer
  // acceptable to Stripe, the create steps to a valid one; a later resume
  // lands on the same stored answer.
  auto gw = adapter();
  auto req = attempt(1000, "USD");
  req.started_at -= 20 * minute;
  req.expires_at = req.started_at + 30 * minute;
  fake->create_then_drop(1);
  auto lost = gw.create_session(req);
  ASSERT_FALSE(lost);
  ASSERT_EQ(fake->orders().size(), 1u);
  EXPECT_GE(fake->orders()[0].expires_at * 1000000, now_micros() + 29 * minute);
  auto resumed = gw.create_session(req);
  ASSERT_TRUE(resumed) << to_string(resumed.error());
  EXPECT_EQ(resumed->gateway_order_id, fake->orders()[0].id);
  EXPECT_EQ(fake->orders().size(), 1u);
}

TEST_F(StripeAdapter, FetchFollowsTheSession) {
  auto gw = adapter();
  auto req = attempt(4500, "GBP");
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  auto open = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(open) << to_string(open.error());
  EXPECT_EQ(open->state, remote_state::open);
  auto pi = fake->capture(s->gateway_order_id);
  ASSERT_FALSE(pi.empty());
  auto paid = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->state, remote_state::captured);
  EXPECT_EQ(paid->payment_id, pi);
  EXPECT_EQ(paid->amount, 4500);
  EXPECT_EQ(paid->currency, "GBP");
}

TEST_F(StripeAdapter, ExpireClosesTheSessionAndIsIdempotent) {
  auto gw = adapter();
  auto s = gw.create_session(attempt(1000, "USD"));
  ASSERT_TRUE(s);
  EXPECT_FALSE(gw.expire(s->gateway_order_id));
  EXPECT_EQ(fake->orders()[0].status, "expired");
  EXPECT_EQ(fake->expire_calls(), 1);
  auto fetched = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->state, remote_state::expired);
  // Nobody can pay it any more.
  EXPECT_TRUE(fake->capture(s->gateway_order_id).empty());
  // An already expired session is success.
  EXPECT_FALSE(gw.expire(s->gateway_order_id));
  EXPECT_EQ(fake->expire_calls(), 2);
}

TEST_F(StripeAdapter, ExpiringAPaidSessionIsARejection) {
  auto gw = adapter();
  auto s = gw.create_session(attempt(1000, "USD"));
  ASSERT_TRUE(s);
  fake->capture(s->gateway_order_id);
  auto err = gw.expire(s->gateway_order_id);
  ASSERT_TRUE(err);
  EXPECT_EQ(code_of(err), 4002);
  EXPECT_NE(to_string(err).find("already paid"), std::string::npos) << to_string(err);
}

TEST_F(StripeAdapter, RefundIsMadeOncePerIdempotencyKey) {
  auto gw = adapter();
  auto req = attempt(8000, "USD");
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  auto pi = fake->capture(s->gateway_order_id);
  refund_request r;
  r.order_token = req.order_token;
  r.gateway_order_id = s->gateway_order_id;
  r.payment_id = pi;
  r.amount = 8000;
  r.currency = "USD";
  r.idempotency_key = "refund-" + req.order_token;
  auto done = gw.refund(r);
  ASSERT_TRUE(done) << to_string(done.error());
  EXPECT_EQ(done->status, "succeeded");
  auto again = gw.refund(r);
  ASSERT_TRUE(again) << to_string(again.error());
  EXPECT_EQ(again->refund_id, done->refund_id);
  auto refunds = fake->refunds();
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].payment_id, pi);
  EXPECT_EQ(refunds[0].amount, 8000);
  EXPECT_EQ(refunds[0].idempotency_key, r.idempotency_key);
  EXPECT_EQ(refunds[0].order_token, req.order_token);
}

TEST_F(StripeAdapter, RefundWithoutAPaymentIdFindsThePaymentIntent) {
  auto gw = adapter();
  auto req = attempt(700, "USD");
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  auto pi = fake->capture(s->gateway_order_id);
  refund_request r;
  r.order_token = req.order_token;
  r.gateway_order_id = s->gateway_order_id;
  r.amount = 700;
  r.idempotency_key = "k-" + req.order_token;
  ASSERT_TRUE(gw.refund(r));
  ASSERT_EQ(fake->refunds().size(), 1u);
  EXPECT_EQ(fake->refunds()[0].payment_id, pi);
}

TEST_F(StripeAdapter, FailuresMapOntoTheContract) {
  auto bad_key = adapter(std::chrono::seconds(5), "sk_test_wrong");
  auto denied = bad_key.create_session(attempt(1000, "USD"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(code_of(denied.error()), 4002);
  EXPECT_EQ(to_string(denied.error()).find("sk_test_wrong"), std::string::npos);

  auto gw = adapter();
  auto unknown = gw.fetch("cs_test_nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(code_of(unknown.error()), 4002);

  fake->fail_next(1, 500);
  EXPECT_EQ(code_of(gw.create_session(attempt(1000, "USD")).error()), 4001);
  fake->drop_next(1);
  EXPECT_EQ(code_of(gw.fetch("cs_test_nope").error()), 4001);
  EXPECT_TRUE(fake->orders().empty());
}

TEST_F(StripeAdapter, ASlowGatewayTimesOut) {
  auto gw = adapter(std::chrono::milliseconds(300));
  payment_test::stopwatch clock;
  auto [r, gave_up] = payment_test::while_held(*fake, [&] { return gw.fetch("cs_test_slow"); });
  auto took = clock.elapsed();
  EXPECT_TRUE(gave_up) << "the call waited for the held response";
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), 4001);
  EXPECT_NE(to_string(r.error()).find("timed out"), std::string::npos) << to_string(r.error());
  // A lower bound only: load makes a call slower, never faster.
  EXPECT_GE(took, std::chrono::milliseconds(280));
}

}  // namespace
