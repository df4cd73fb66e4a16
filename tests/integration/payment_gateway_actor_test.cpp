// The gateway actor: retries inside its workers, timeouts, the circuit
// breaker (fail fast, half-open recovery), metrics. "Fast" is shown causally:
// the fake gateway holds every response (fake_gateway::hold) and the answer
// that must not wait for it arrives while it is held. The breaker's cool-down
// runs on a clock the test advances (payment_test::manual_clock).
#include <gtest/gtest.h>

#include <caf/send.hpp>

#include "actors/common/metrics.hpp"
#include "actors/messages.hpp"
#include "actors/payment/gateway_actor.hpp"
#include "actors/payment/razorpay_gateway.hpp"
#include "actors/payment/stripe_gateway.hpp"
#include "payment_support.hpp"
#include "support/fake_gateway.hpp"
#include "support/test_services.hpp"

namespace {

using namespace checkout;
using namespace checkout::payment;
using namespace std::chrono_literals;
using checkout::testing::fake_gateway;
using payment_test::ask;
using payment_test::ask_within;
using payment_test::attempt;
using payment_test::code_of;
using payment_test::manual_clock;
using payment_test::stopwatch;

// How long a call that must not wait for a held gateway may take to answer:
// the give-up of a test that would otherwise hang, not a speed claim. A call
// that did wait would never answer (the gateway holds it until released).
constexpr auto without_the_gateway = 20s;
// The HTTP timeout of calls that a test holds at the gateway on purpose: far
// beyond the test's waits, so a held call is never given up meanwhile.
constexpr auto held_calls_timeout = 120s;

// The breaker's own answer, not a gateway's failure that looks like it.
bool breaker_refused(const caf::error& err) {
  return code_of(err) == 4001 &&
         to_string(err).find("circuit breaker is open") != std::string::npos;
}

class GatewayActor : public ::testing::Test {
 protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::unique_ptr<fake_gateway> razorpay = fake_gateway::razorpay("rzp_test_key", "rzp_secret");
  std::unique_ptr<fake_gateway> stripe = fake_gateway::stripe("sk_test_fake");
  std::vector<gateway_actor> spawned;
  manual_clock breaker_clock;

  ~GatewayActor() override {
    // Answers held by a test that failed midway go out now, so no worker
    // stays blocked on them while the actor system shuts down.
    razorpay->release();
    stripe->release();
    for (auto& a : spawned) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  gateway_actor_options options(int retries, int breaker_failures,
                                std::chrono::milliseconds cooldown = 30s) {
    gateway_actor_options o;
    o.workers = 2;
    o.breaker_failures = breaker_failures;
    o.breaker_cooldown = cooldown;
    o.retry.max_attempts = retries + 1;
    o.retry.base = 10ms;
    o.retry.cap = 50ms;
    o.clock = breaker_clock.fn();
    return o;
  }

  gateway_actor razorpay_actor(gateway_actor_options o, std::chrono::milliseconds timeout = 2s,
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

  gateway_actor stripe_actor(gateway_actor_options o, std::chrono::milliseconds timeout = 2s) {
    stripe_options s;
    s.api_base = stripe->base_url();
    s.secret_key = "sk_test_fake";
    s.http.timeout = timeout;
    auto a = spawn_gateway_actor(sys, std::make_shared<stripe_gateway>(s), std::move(o));
    spawned.push_back(a);
    return a;
  }

  caf::expected<session> create(const gateway_actor& gw, const session_request& req) {
    return ask<session>(self, gw, create_atom::value, req);
  }

  gateway_status status(const gateway_actor& gw) {
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
  auto s = create(gw, attempt());
  ASSERT_TRUE(s) << to_string(s.error());
  // The fault: the gateway holds its answer, to an order it knows, so only
  // the timeout can make this call an error.
  razorpay->hold();
  stopwatch clock;
  // Given up by its own 250 ms deadline, long before the test's.
  auto r = ask_within<remote_payment>(self, without_the_gateway, gw, fetch_atom::value,
                                      s->gateway_order_id);
  ASSERT_FALSE(r) << "answered although the gateway still holds the response";
  EXPECT_EQ(code_of(r.error()), 4001);
  EXPECT_NE(to_string(r.error()).find("timed out"), std::string::npos) << to_string(r.error());
  EXPECT_EQ(razorpay->held(), 1) << "the call gave up while the gateway held it";
  // A lower bound only: load makes a call slower, never faster.
  EXPECT_GE(clock.elapsed(), 230ms);
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
  for (int i = 0; i < 3; ++i) {
    auto before = razorpay->requests();
    auto r = create(gw, attempt());
    ASSERT_FALSE(r);
    EXPECT_EQ(code_of(r.error()), 4001);
    EXPECT_FALSE(breaker_refused(r.error())) << "call " << i << ": " << to_string(r.error());
    EXPECT_EQ(razorpay->requests() - before, 1) << "call " << i << " reached the gateway";
  }
  auto st = status(gw);
  EXPECT_EQ(st.breaker, "open");
  EXPECT_FALSE(st.accepting);
  EXPECT_EQ(counters.breaker_state.load(), 2);  // open
  EXPECT_NE(metrics::registry::instance().prometheus_text().find(
                "checkout_gateway_breaker_state{gateway=\"razorpay\"} 2"),
            std::string::npos);

  // An open breaker answers at once: while the gateway would hold any call
  // that reached it, every call is answered, by the breaker.
  razorpay->hold();
  auto requests_before = razorpay->requests();
  for (int i = 0; i < 5; ++i) {
    auto r = ask_within<session>(self, without_the_gateway, gw, create_atom::value, attempt());
    ASSERT_FALSE(r);
    EXPECT_TRUE(breaker_refused(r.error())) << "call " << i << ": " << to_string(r.error());
  }
  EXPECT_EQ(razorpay->requests(), requests_before) << "no call goes out while open";
  EXPECT_EQ(razorpay->held(), 0);
  EXPECT_EQ(counters.short_circuited.load() - short_before, 5);
}

TEST_F(GatewayActor, HalfOpenLetsOneProbeThroughAndItsSuccessCloses) {
  // A held call must stay in flight as long as the test looks: no timeout.
  auto gw = razorpay_actor(options(0, 2, 30s), held_calls_timeout);
  razorpay->fail_all(true, 500);
  for (int i = 0; i < 2; ++i) ASSERT_FALSE(create(gw, attempt()));
  ASSERT_EQ(status(gw).breaker, "open");
  razorpay->fail_all(false);
  breaker_clock.advance(29s);
  auto cooling = create(gw, attempt());
  ASSERT_FALSE(cooling);
  EXPECT_TRUE(breaker_refused(cooling.error())) << "still cooling down";

  breaker_clock.advance(1s);
  EXPECT_TRUE(status(gw).accepting);
  // The gateway holds the probe's answer: the probe stays in flight until
  // the test has seen what happens meanwhile.
  razorpay->hold();
  auto requests_before = razorpay->requests();
  auto probe = self->request(gw, 60s, create_atom::value, attempt());
  ASSERT_TRUE(test_services::eventually([&] { return razorpay->held() == 1; }, 10s))
      << "the probe never reached the gateway";
  EXPECT_EQ(status(gw).breaker, "half_open");
  // Answered while the probe is still held: it neither waited for the probe
  // nor went out itself.
  auto second = ask_within<session>(self, without_the_gateway, gw, create_atom::value, attempt());
  ASSERT_FALSE(second);
  EXPECT_TRUE(breaker_refused(second.error()))
      << "only the probe goes through: " << to_string(second.error());
  EXPECT_EQ(razorpay->requests() - requests_before, 1);

  razorpay->release();
  bool probe_ok = false;
  probe.receive([&](session&) { probe_ok = true; },
                [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_TRUE(probe_ok);
  EXPECT_EQ(status(gw).breaker, "closed");
  EXPECT_TRUE(create(gw, attempt()));
  EXPECT_EQ(razorpay->orders().size(), 2u);
}

TEST_F(GatewayActor, AFailedProbeReopens) {
  auto gw = razorpay_actor(options(0, 1, 30s));
  razorpay->fail_all(true, 500);
  ASSERT_FALSE(create(gw, attempt()));
  ASSERT_EQ(status(gw).breaker, "open");
  breaker_clock.advance(30s);
  auto before = razorpay->requests();
  auto probe = create(gw, attempt());
  ASSERT_FALSE(probe);
  EXPECT_FALSE(breaker_refused(probe.error())) << to_string(probe.error());
  EXPECT_EQ(razorpay->requests() - before, 1);  // the probe went out
  EXPECT_EQ(status(gw).breaker, "open");
  // Open again, for a whole new cool-down: answered by the breaker while the
  // gateway would hold any call that reached it.
  razorpay->hold();
  auto next = ask_within<session>(self, without_the_gateway, gw, create_atom::value, attempt());
  ASSERT_FALSE(next);
  EXPECT_TRUE(breaker_refused(next.error())) << to_string(next.error());
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
  auto gw = stripe_actor(o, held_calls_timeout);
  auto first = create(gw, attempt(700, "USD"));
  auto second = create(gw, attempt(800, "USD"));
  ASSERT_TRUE(first) << to_string(first.error());
  ASSERT_TRUE(second) << to_string(second.error());
  // Paid, so each fetch has something of its own to tell (an open session
  // reads the same as an empty answer).
  ASSERT_FALSE(stripe->capture(first->gateway_order_id).empty());
  ASSERT_FALSE(stripe->capture(second->gateway_order_id).empty());
  // Both fetches are at the gateway at once, each on its own worker: with
  // one worker the second would wait for the first, which the gateway holds.
  stripe->hold();
  auto a = self->request(gw, 60s, fetch_atom::value, first->gateway_order_id);
  auto b = self->request(gw, 60s, fetch_atom::value, second->gateway_order_id);
  EXPECT_TRUE(test_services::eventually([&] { return stripe->held() == 2; }, 10s))
      << stripe->held() << " of the two calls reached the gateway";
  stripe->release();
  // Each answer is the payment it asked for, not an error counted as one.
  auto expect_paid = [&](auto& pending, std::int64_t amount) {
    bool answered = false;
    pending.receive(
        [&](remote_payment& p) {
          answered = true;
          EXPECT_EQ(p.state, remote_state::captured);
          EXPECT_EQ(p.amount, amount);
          EXPECT_EQ(p.currency, "USD");
        },
        [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
    return answered;
  };
  EXPECT_TRUE(expect_paid(a, 700));
  EXPECT_TRUE(expect_paid(b, 800));
}

}  // namespace
