// The Razorpay adapter against the fake Razorpay (HTTP on loopback).
#include <gtest/gtest.h>

#include "actors/payment/gateway_http.hpp"
#include "actors/payment/razorpay_gateway.hpp"
#include "payment_support.hpp"
#include "support/fake_gateway.hpp"

namespace {

using namespace checkout;
using namespace checkout::payment;
using checkout::testing::fake_gateway;
using payment_test::attempt;
using payment_test::code_of;

class RazorpayAdapter : public ::testing::Test {
 protected:
  std::unique_ptr<fake_gateway> fake = fake_gateway::razorpay("rzp_test_key", "rzp_test_secret");

  razorpay_gateway adapter(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                           std::string secret = "rzp_test_secret") {
    razorpay_options o;
    o.api_base = fake->base_url();
    o.key_id = "rzp_test_key";
    o.key_secret = std::move(secret);
    o.public_base_url = "https://shop.example";
    o.http.timeout = timeout;
    return razorpay_gateway(o);
  }
};

TEST_F(RazorpayAdapter, CreateMakesOneOrderWithOurReceiptAndNotes) {
  auto gw = adapter();
  auto req = attempt(49900, "INR");
  auto s = gw.create_session(req);
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(s->gateway, "razorpay");
  EXPECT_EQ(s->checkout_url, "https://shop.example/api/v1/checkout/razorpay/" + req.payment_token);
  auto orders = fake->orders();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].id, s->gateway_order_id);
  EXPECT_EQ(orders[0].reference, req.order_token);
  EXPECT_EQ(orders[0].order_token, req.order_token);
  EXPECT_EQ(orders[0].payment_token, req.payment_token);
  EXPECT_EQ(orders[0].amount, 49900);
  EXPECT_EQ(orders[0].currency, "INR");
  EXPECT_EQ(orders[0].status, "created");
  EXPECT_EQ(fake->create_calls(), 1);
}

TEST_F(RazorpayAdapter, ARepeatedCreateForTheSameAttemptReusesTheOrder) {
  auto gw = adapter();
  auto req = attempt();
  auto first = gw.create_session(req);
  auto again = gw.create_session(req);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->gateway_order_id, first->gateway_order_id);
  EXPECT_EQ(fake->orders().size(), 1u);
  EXPECT_EQ(fake->create_calls(), 1);
}

TEST_F(RazorpayAdapter, AnotherAttemptOfTheSameOrderGetsItsOwnOrder) {
  auto gw = adapter();
  auto one = attempt();
  auto two = one;
  two.payment_token = new_uuid();
  two.attempt_no = 2;
  auto a = gw.create_session(one);
  auto b = gw.create_session(two);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->gateway_order_id, b->gateway_order_id);
  EXPECT_EQ(fake->orders().size(), 2u);
  // And each is found again by its own attempt.
  EXPECT_EQ(gw.create_session(one)->gateway_order_id, a->gateway_order_id);
  EXPECT_EQ(gw.create_session(two)->gateway_order_id, b->gateway_order_id);
}

TEST_F(RazorpayAdapter, ResumeAfterALostAnswerMakesNoSecondOrder) {
  auto gw = adapter();
  auto req = attempt();
  fake->create_then_drop(1);
  auto lost = gw.create_session(req);
  ASSERT_FALSE(lost);
  EXPECT_EQ(code_of(lost.error()), 4001);
  ASSERT_EQ(fake->orders().size(), 1u);  // the gateway made it nonetheless

  auto resumed = gw.create_session(req);
  ASSERT_TRUE(resumed) << to_string(resumed.error());
  EXPECT_EQ(resumed->gateway_order_id, fake->orders()[0].id);
  EXPECT_EQ(fake->orders().size(), 1u);
  EXPECT_EQ(fake->create_calls(), 1);
}

TEST_F(RazorpayAdapter, FetchIsOpenUntilAPaymentIsCaptured) {
  auto gw = adapter();
  auto req = attempt(120000);
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  auto open = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(open) << to_string(open.error());
  EXPECT_EQ(open->state, remote_state::open);
  EXPECT_TRUE(open->payment_id.empty());

  fake->fail_payment(s->gateway_order_id);  // a failed try: the order is still payable
  auto after_failure = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(after_failure);
  EXPECT_EQ(after_failure->state, remote_state::open);

  auto pay_id = fake->capture(s->gateway_order_id);
  ASSERT_FALSE(pay_id.empty());
  auto paid = gw.fetch(s->gateway_order_id);
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->state, remote_state::captured);
  EXPECT_EQ(paid->payment_id, pay_id);
  EXPECT_EQ(paid->amount, 120000);
  EXPECT_EQ(paid->currency, "INR");
}

TEST_F(RazorpayAdapter, FetchOfAnUnknownOrderIsRejected) {
  auto gw = adapter();
  auto r = gw.fetch("order_DoesNotExist01");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), 4002);
}

TEST_F(RazorpayAdapter, ExpireSucceedsWithoutACall) {
  auto gw = adapter();
  auto before = fake->requests();
  EXPECT_FALSE(gw.expire("order_Anything000001"));
  EXPECT_EQ(fake->requests(), before);
}

TEST_F(RazorpayAdapter, RefundIsMadeOncePerIdempotencyKey) {
  auto gw = adapter();
  auto req = attempt(50000);
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  auto pay_id = fake->capture(s->gateway_order_id);

  refund_request r;
  r.order_token = req.order_token;
  r.gateway_order_id = s->gateway_order_id;
  r.payment_id = pay_id;
  r.amount = 50000;
  r.currency = "INR";
  r.idempotency_key = "refund-" + req.order_token;
  auto done = gw.refund(r);
  ASSERT_TRUE(done) << to_string(done.error());
  EXPECT_EQ(done->status, "processed");
  auto again = gw.refund(r);
  ASSERT_TRUE(again) << to_string(again.error());
  EXPECT_EQ(again->refund_id, done->refund_id);

  auto refunds = fake->refunds();
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].id, done->refund_id);
  EXPECT_EQ(refunds[0].payment_id, pay_id);
  EXPECT_EQ(refunds[0].amount, 50000);
  EXPECT_EQ(refunds[0].idempotency_key, r.idempotency_key);
  EXPECT_EQ(refunds[0].order_token, req.order_token);
}

TEST_F(RazorpayAdapter, RefundWithoutAPaymentIdFindsTheCapture) {
  auto gw = adapter();
  auto req = attempt(30000);
  auto s = gw.create_session(req);
  ASSERT_TRUE(s);
  refund_request r;
  r.order_token = req.order_token;
  r.gateway_order_id = s->gateway_order_id;
  r.amount = 30000;
  r.idempotency_key = "k-" + req.order_token;
  auto unpaid = gw.refund(r);
  ASSERT_FALSE(unpaid);
  EXPECT_EQ(code_of(unpaid.error()), 4002);

  auto pay_id = fake->capture(s->gateway_order_id);
  auto done = gw.refund(r);
  ASSERT_TRUE(done) << to_string(done.error());
  ASSERT_EQ(fake->refunds().size(), 1u);
  EXPECT_EQ(fake->refunds()[0].payment_id, pay_id);
}

TEST_F(RazorpayAdapter, WrongCredentialsAreARejection) {
  auto gw = adapter(std::chrono::seconds(5), "wrong-secret");
  auto r = gw.create_session(attempt());
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), 4002);
  auto detail = to_string(r.error());
  EXPECT_NE(detail.find("Authentication failed"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("wrong-secret"), std::string::npos) << "never a credential in errors";
  EXPECT_TRUE(fake->orders().empty());
}

TEST_F(RazorpayAdapter, ServerErrorsAndDroppedConnectionsAreUnavailable) {
  auto gw = adapter();
  fake->fail_next(1, 503);
  auto failed = gw.create_session(attempt());
  ASSERT_FALSE(failed);
  EXPECT_EQ(code_of(failed.error()), 4001);
  fake->fail_next(1, 429);
  EXPECT_EQ(code_of(gw.create_session(attempt()).error()), 4001);
  fake->drop_next(1);
  EXPECT_EQ(code_of(gw.create_session(attempt()).error()), 4001);
  EXPECT_TRUE(fake->orders().empty());
  EXPECT_TRUE(gw.create_session(attempt()));
}

TEST_F(RazorpayAdapter, ASlowGatewayTimesOut) {
  auto gw = adapter(std::chrono::milliseconds(300));
  payment_test::stopwatch clock;
  auto [r, gave_up] =
      payment_test::while_held(*fake, [&] { return gw.fetch("order_Whatever000001"); });
  auto took = clock.elapsed();
  EXPECT_TRUE(gave_up) << "the call waited for the held response";
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), 4001);
  EXPECT_NE(to_string(r.error()).find("timed out"), std::string::npos) << to_string(r.error());
  // A lower bound only: load makes a call slower, never faster.
  EXPECT_GE(took, std::chrono::milliseconds(280));
}

}  // namespace
