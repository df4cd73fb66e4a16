// The gateway actor: retries inside its workers, timeouts, the circuit
// breaker (fail fast under 50 ms, half-open recovery), metrics.
#include <gtest/gtest.h>

#include <caf/send.hpp>
#include <thread>

#include "actors/common/metrics.hpp"
#include "actors/messages.hpp"
#include "actors/payment/gateway_actor.hpp"
#include "actors/payment/razorpay_gateway.hpp"
#include "actors/payment/stripe_gateway.hpp"
#include "payment_support.hpp"
#include "support/fake_gateway.hpp"

namespace {

using namespace checkout;
using namespace checkout::payment;
using namespace std::chrono_literals;
using checkout::testing::fake_gateway;
using payment_test::ask;
using payment_test::attempt;
using payment_test::code_of;
using payment_test::stopwatch;

class GatewayActor : public ::testing::Test {
 protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::unique_ptr<fake_gateway> razorpay = fake_gateway::razorpay("rzp_test_key", "rzp_secret");
  std::unique_ptr<fake_gateway> stripe = fake_gateway::stripe("sk_test_fake");
  std::vector<caf::actor> spawned;

  ~GatewayActor() override {
    for (auto& a : spawned) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  static gateway_actor_options options(int retries, int breaker_failures,
                                       std::chrono::milliseconds cooldown = 30s) {
    gateway_actor_options o;
    o.workers = 2;
    o.breaker_failures = breaker_failures;
    o.breaker_cooldown = cooldown;
    o.retry.max_attempts = retries + 1;
    o.retry.base = 10ms;
    o.retry.cap = 50ms;
    return o;
  }

  caf::actor razorpay_actor(gateway_actor_options o, std::chrono::milliseconds timeout = 2s,
                            std::string secret = "rzp_secret") {
    razorpay_options r;
    r.api_base = razorpay->base_url();
    r.key_id = "rzp_test_key";
    r.key_secret = std::move(secret);
    r.public_base_url = "https://shop.example";
    r.http.timeout = timeout;
    auto a = spawn_gateway_actor(sys, std::make_shared<razorpay_gateway>(r), std::move(o));
    spawned.push_back(a);
    return a;
  }

  caf::actor stripe_actor(gateway_actor_options o) {
    stripe_options s;
    s.api_base = stripe->base_url();
    s.secret_key = "sk_test_fake";
    s.http.timeout = 2s;
    auto a = spawn_gateway_actor(sys, std::make_shared<stripe_gateway>(s), std::move(o));
    spawned.push_back(a);
    return a;
  }

  caf::expected<session> create(const caf::actor& gw, const session_request& req) {
    return ask<session>(self, gw, create_atom::value, req);
  }

  gateway_status status(const caf::actor& gw) {
    return *ask<gateway_status>(self, gw, status_atom::value);
  }
};

TEST_F(GatewayActor, ServerErrorsAreRetriedThenSucceed) {
  auto gw = razorpay_actor(options(2, 5));
  auto& counters = metrics::registry::instance().gateways("razorpay");
  auto retries_before = counters.retries.load();
  razorpay->fail_next(2, 502);
  auto s = create(gw, attempt());
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(razorpay->orders().size(), 1u);
  EXPECT_EQ(counters.retries.load() - retries_before, 2);
  EXPECT_EQ(status(gw).breaker, "closed");
}

TEST_F(GatewayActor, GivesUpAfterTheConfiguredRetries) {
  auto gw = razorpay_actor(options(2, 5));
  razorpay->fail_all(true, 503);
  auto before = razorpay->requests();
  auto s = create(gw, attempt());
  ASSERT_FALSE(s);
  EXPECT_EQ(code_of(s.error()), 4001);
  EXPECT_TRUE(describe(s.error()).retryable);
  EXPECT_EQ(razorpay->requests() - before, 3);  // the first try and 2 retries
}

TEST_F(GatewayActor, ASlowGatewayTimesOut) {
  auto gw = razorpay_actor(options(0, 5), 250ms);
  razorpay->delay(1500ms);
  stopwatch clock;
  auto r = ask<remote_payment>(self, gw, fetch_atom::value, std::string("order_Slow0000000001"));
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), 4001);
  EXPECT_GE(clock.elapsed(), 230ms);
  EXPECT_LT(clock.elapsed(), 1000ms);
}

TEST_F(GatewayActor, ALostAnswerIsRetriedWithoutASecondGatewayOrder) {
  auto rzp = razorpay_actor(options(2, 5));
  razorpay->create_then_drop(1);
  auto a = create(rzp, attempt());
  ASSERT_TRUE(a) << to_string(a.error());
  ASSERT_EQ(razorpay->orders().size(), 1u);
  EXPECT_EQ(razorpay->orders()[0].id, a->gateway_order_id);
  EXPECT_EQ(razorpay->create_calls(), 1);

  auto str = stripe_actor(options(2, 5));
  stripe->create_then_drop(1);
  auto b = create(str, attempt(1500, "USD"));
  ASSERT_TRUE(b) << to_string(b.error());
  ASSERT_EQ(stripe->orders().size(), 1u);
  EXPECT_EQ(stripe->orders()[0].id, b->gateway_order_id);
}

TEST_F(GatewayActor, TheBreakerOpensAfterTheConfiguredFailuresThenFailsFast) {
  auto gw = razorpay_actor(options(0, 3));
  auto& counters = metrics::registry::instance().gateways("razorpay");
  auto short_before = counters.short_circuited.load();
  razorpay->fail_all(true, 500);
  razorpay->delay(300ms);  // failing slowly, as a struggling gateway does
  for (int i = 0; i < 3; ++i) {
    stopwatch clock;
    auto r = create(gw, attempt());
    ASSERT_FALSE(r);
    EXPECT_EQ(code_of(r.error()), 4001);
    EXPECT_GE(clock.elapsed(), 250ms) << "call " << i << " reached the gateway";
  }
  auto st = status(gw);
  EXPECT_EQ(st.breaker, "open");
  EXPECT_FALSE(st.accepting);
  EXPECT_EQ(counters.breaker_state.load(), 2);  // open
  EXPECT_NE(metrics::registry::instance().prometheus_text().find(
                "checkout_gateway_breaker_state{gateway=\"razorpay\"} 2"),
            std::string::npos);

  auto requests_before = razorpay->requests();
  for (int i = 0; i < 5; ++i) {
    stopwatch clock;
    auto r = create(gw, attempt());
    double took = clock.elapsed_ms();
    ASSERT_FALSE(r);
    EXPECT_EQ(code_of(r.error()), 4001);
    EXPECT_NE(to_string(r.error()).find("circuit breaker is open"), std::string::npos);
    EXPECT_LT(took, 50.0) << "an open breaker must answer at once";
  }
  EXPECT_EQ(razorpay->requests(), requests_before) << "no call goes out while open";
  EXPECT_EQ(counters.short_circuited.load() - short_before, 5);
}

TEST_F(GatewayActor, HalfOpenLetsOneProbeThroughAndItsSuccessCloses) {
  auto gw = razorpay_actor(options(0, 2, 400ms));
  razorpay->fail_all(true, 500);
  for (int i = 0; i < 2; ++i) ASSERT_FALSE(create(gw, attempt()));
  ASSERT_EQ(status(gw).breaker, "open");
  razorpay->fail_all(false);
  EXPECT_EQ(code_of(create(gw, attempt()).error()), 4001);  // still cooling down

  std::this_thread::sleep_for(450ms);
  EXPECT_TRUE(status(gw).accepting);
  razorpay->delay(300ms);  // keep the probe in flight for a while
  auto probe = self->request(gw, 10s, create_atom::value, attempt());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(status(gw).breaker, "half_open");
  stopwatch clock;
  auto second = create(gw, attempt());
  EXPECT_LT(clock.elapsed_ms(), 50.0);
  ASSERT_FALSE(second);
  EXPECT_EQ(code_of(second.error()), 4001) << "only the probe goes through";

  bool probe_ok = false;
  probe.receive([&](session&) { probe_ok = true; },
                [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_TRUE(probe_ok);
  EXPECT_EQ(status(gw).breaker, "closed");
  razorpay->delay(0ms);
  EXPECT_TRUE(create(gw, attempt()));
  EXPECT_EQ(razorpay->orders().size(), 2u);
}

TEST_F(GatewayActor, AFailedProbeReopens) {
  auto gw = razorpay_actor(options(0, 1, 300ms));
  razorpay->fail_all(true, 500);
  ASSERT_FALSE(create(gw, attempt()));
  ASSERT_EQ(status(gw).breaker, "open");
  std::this_thread::sleep_for(350ms);
  auto before = razorpay->requests();
  auto probe = create(gw, attempt());
  ASSERT_FALSE(probe);
  EXPECT_EQ(razorpay->requests() - before, 1);  // the probe went out
  EXPECT_EQ(status(gw).breaker, "open");
  stopwatch clock;
  EXPECT_EQ(code_of(create(gw, attempt()).error()), 4001);
  EXPECT_LT(clock.elapsed_ms(), 50.0);
  EXPECT_EQ(razorpay->requests() - before, 1);
}

TEST_F(GatewayActor, RejectionsDoNotOpenTheBreaker) {
  auto gw = razorpay_actor(options(2, 2), 2s, "wrong-secret");
  auto before = razorpay->requests();
  for (int i = 0; i < 4; ++i) {
    auto r = create(gw, attempt());
    ASSERT_FALSE(r);
    EXPECT_EQ(code_of(r.error()), 4002);
  }
  EXPECT_EQ(razorpay->requests() - before, 4) << "a 4xx is not retried";
  EXPECT_EQ(status(gw).breaker, "closed");
}

TEST_F(GatewayActor, FetchExpireRefundGoThroughTheWorkers) {
  auto gw = stripe_actor(options(0, 5));
  auto req = attempt(999, "USD");
  auto s = create(gw, req);
  ASSERT_TRUE(s);
  auto pi = stripe->capture(s->gateway_order_id);
  auto f = ask<remote_payment>(self, gw, fetch_atom::value, s->gateway_order_id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, remote_state::captured);
  refund_request r;
  r.order_token = req.order_token;
  r.gateway_order_id = s->gateway_order_id;
  r.payment_id = pi;
  r.amount = 999;
  r.idempotency_key = "k-" + req.order_token;
  auto done = ask<refund_result>(self, gw, refund_atom::value, r);
  ASSERT_TRUE(done) << to_string(done.error());
  EXPECT_EQ(stripe->refunds().size(), 1u);

  auto other = create(gw, attempt(500, "USD"));
  ASSERT_TRUE(other);
  auto expired = ask<ack_reply>(self, gw, expire_atom::value, other->gateway_order_id);
  EXPECT_TRUE(expired);
  EXPECT_EQ(stripe->expire_calls(), 1);
}

TEST_F(GatewayActor, CallsRunInParallelOnTheWorkers) {
  auto o = options(0, 5);
  o.workers = 2;
  auto gw = stripe_actor(o);
  stripe->delay(400ms);
  stopwatch clock;
  auto a = self->request(gw, 10s, fetch_atom::value, std::string("cs_test_a"));
  auto b = self->request(gw, 10s, fetch_atom::value, std::string("cs_test_b"));
  int answers = 0;
  auto count = [&](caf::error&) { ++answers; };
  a.receive([&](remote_payment&) { ++answers; }, count);
  b.receive([&](remote_payment&) { ++answers; }, count);
  EXPECT_EQ(answers, 2);
  EXPECT_LT(clock.elapsed(), 750ms) << "two workers: the two calls overlap";
}

}  // namespace
