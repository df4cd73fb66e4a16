// The payment router: which gateways are enabled, the choice for a new
// attempt, falling back when a breaker is open, 4001 when none can take it.
// That choosing does not wait for a gateway is shown causally: the fakes
// hold every response meanwhile (fake_gateway::hold), and the router answers.
#include "actors/payment/payment_router.hpp"

#include <gtest/gtest.h>

#include <caf/send.hpp>

#include "actors/common/context.hpp"
#include "actors/messages.hpp"
#include "payment_support.hpp"
#include "support/fake_gateway.hpp"

namespace {

using namespace checkout;
using namespace checkout::payment;
using namespace std::chrono_literals;
using checkout::testing::fake_gateway;
using payment_test::ask;
using payment_test::ask_within;
using payment_test::attempt;
using payment_test::code_of;

// How long an answer that must not wait for a held gateway may take: the
// give-up of a test that would otherwise hang, not a speed claim.
constexpr auto without_the_gateways = 20s;

class PaymentRouter : public ::testing::Test {
 protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::unique_ptr<fake_gateway> razorpay = fake_gateway::razorpay("rzp_test_key", "rzp_secret");
  std::unique_ptr<fake_gateway> stripe = fake_gateway::stripe("sk_test_fake");
  payment_router_actor router;

  ~PaymentRouter() override {
    razorpay->release();  // whatever a failed test left held
    stripe->release();
    if (router) caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  }

  config::settings settings(const std::string& mode, bool with_razorpay = true,
                            bool with_stripe = true) {
    config::settings s;
    s.payment_gateway = mode;
    // The sandbox exists only in development (CONTRACT §13).
    if (mode == "sandbox") s.checkout_env = "development";
    s.public_base_url = "https://shop.example";
    if (with_razorpay) {
      s.razorpay_key_id = "rzp_test_key";
      s.razorpay_key_secret = "rzp_secret";
      s.razorpay_webhook_secret = "rzp_webhook_secret";
    }
    if (with_stripe) {
      s.stripe_secret_key = "sk_test_fake";
      s.stripe_webhook_secret = "whsec_router_test";
    }
    s.razorpay_api_base = razorpay->base_url();
    s.stripe_api_base = stripe->base_url();
    s.gateway_timeout = 2s;
    s.gateway_retries = 0;
    s.gateway_retry_base = 10ms;
    s.gateway_breaker_failures = 2;
    s.gateway_breaker_cooldown = 30s;
    s.gateway_workers = 2;
    return s;
  }

  void start(const config::settings& s) {
    actor_context ctx;
    ctx.cfg = std::make_shared<const config::settings>(s);
    router = spawn_payment_router(sys, ctx);
  }

  caf::expected<std::string> choose(const std::string& requested, const std::string& currency) {
    return ask<std::string>(self, router, choose_atom::value, requested, currency);
  }
  // The same while the gateways hold every call: an answer here did not
  // wait for (or make) any gateway call.
  caf::expected<std::string> choose_while_held(const std::string& requested,
                                               const std::string& currency) {
    return ask_within<std::string>(self, without_the_gateways, router, choose_atom::value,
                                   requested, currency);
  }

  caf::expected<session> create(const std::string& gateway, const session_request& req) {
    return ask<session>(self, router, create_atom::value, gateway, req);
  }

  // Fails `gateway` until its breaker (2 failures) is open.
  void trip(fake_gateway& fake, const std::string& gateway) {
    fake.fail_all(true, 503);
    for (int i = 0; i < 2; ++i) ASSERT_FALSE(create(gateway, attempt()));
  }
};

TEST_F(PaymentRouter, ChoosesByCurrencyOrAsRequested) {
  start(settings("razorpay"));
  EXPECT_EQ(*choose("", "INR"), "razorpay");
  EXPECT_EQ(*choose("", "USD"), "stripe");
  EXPECT_EQ(*choose("stripe", "INR"), "stripe");
  EXPECT_EQ(*choose("razorpay", "USD"), "razorpay");
  auto sandbox = choose("sandbox", "INR");
  ASSERT_FALSE(sandbox);
  EXPECT_EQ(code_of(sandbox.error()), 1000);
  EXPECT_EQ(describe(sandbox.error()).status, 422);
  EXPECT_EQ(razorpay->requests() + stripe->requests(), 0) << "choosing makes no outbound call";
}

TEST_F(PaymentRouter, OnlyGatewaysWithCredentialsAreEnabled) {
  start(settings("stripe", false, true));
  EXPECT_EQ(*choose("", "INR"), "stripe");
  EXPECT_EQ(code_of(choose("razorpay", "INR").error()), 1000);
  EXPECT_EQ(code_of(create("razorpay", attempt()).error()), 1000);
  EXPECT_EQ(code_of(ask<remote_payment>(self, router, fetch_atom::value, std::string("razorpay"),
                                        std::string("order_X"))
                        .error()),
            4001);
  EXPECT_TRUE(razorpay->orders().empty());
}

TEST_F(PaymentRouter, CallsGoToTheNamedGateway) {
  start(settings("razorpay"));
  auto r = create("razorpay", attempt(10000, "INR"));
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->gateway, "razorpay");
  auto s = create("stripe", attempt(1000, "USD"));
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(s->gateway, "stripe");
  EXPECT_EQ(razorpay->orders().size(), 1u);
  EXPECT_EQ(stripe->orders().size(), 1u);

  auto f = ask<remote_payment>(self, router, fetch_atom::value, std::string("razorpay"),
                               r->gateway_order_id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, remote_state::open);
  EXPECT_TRUE(
      ask<ack_reply>(self, router, expire_atom::value, std::string("stripe"), s->gateway_order_id));
  EXPECT_EQ(stripe->orders()[0].status, "expired");
}

TEST_F(PaymentRouter, FallsBackWhenTheChosenGatewaysBreakerIsOpen) {
  start(settings("razorpay"));
  trip(*razorpay, "razorpay");
  razorpay->hold();
  stripe->hold();
  auto requests_before = razorpay->requests() + stripe->requests();
  auto chosen = choose_while_held("", "INR");
  ASSERT_TRUE(chosen) << to_string(chosen.error());
  EXPECT_EQ(*chosen, "stripe");
  EXPECT_EQ(razorpay->requests() + stripe->requests(), requests_before)
      << "choosing makes no outbound call";
  stripe->release();
  auto s = create(*chosen, attempt(49900, "INR"));
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(stripe->orders().size(), 1u);
  EXPECT_EQ(stripe->orders()[0].currency, "inr");
  EXPECT_TRUE(razorpay->orders().empty());

  // An attempt stays with its gateway: no silent switch once chosen. Its
  // open breaker answers while razorpay still holds every call.
  auto razorpay_before = razorpay->requests();
  auto stuck = ask_within<session>(self, without_the_gateways, router, create_atom::value,
                                   std::string("razorpay"), attempt());
  ASSERT_FALSE(stuck);
  EXPECT_EQ(code_of(stuck.error()), 4001) << to_string(stuck.error());
  EXPECT_NE(to_string(stuck.error()).find("circuit breaker is open"), std::string::npos)
      << to_string(stuck.error());
  EXPECT_EQ(razorpay->requests(), razorpay_before);
  // A gateway the customer asked for is not swapped for another.
  EXPECT_EQ(code_of(choose("razorpay", "INR").error()), 4001);
}

TEST_F(PaymentRouter, NoneAvailableIs4001) {
  start(settings("razorpay"));
  trip(*razorpay, "razorpay");
  trip(*stripe, "stripe");
  razorpay->hold();
  stripe->hold();
  auto requests_before = razorpay->requests() + stripe->requests();
  auto chosen = choose_while_held("", "USD");
  EXPECT_EQ(razorpay->requests() + stripe->requests(), requests_before);
  ASSERT_FALSE(chosen);
  auto v = describe(chosen.error());
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.code, 4001);
  EXPECT_TRUE(v.retryable);

  auto all = ask<std::vector<gateway_status>>(self, router, status_atom::value);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  for (auto& g : *all) {
    EXPECT_EQ(g.breaker, "open") << g.gateway;
    EXPECT_FALSE(g.accepting);
  }
}

TEST_F(PaymentRouter, SandboxModeUsesOnlyTheSandbox) {
  start(settings("sandbox", false, false));
  EXPECT_EQ(*choose("", "INR"), "sandbox");
  EXPECT_EQ(*choose("", "USD"), "sandbox");
  EXPECT_EQ(code_of(choose("stripe", "USD").error()), 1000);
  auto req = attempt();
  auto s = create("sandbox", req);
  ASSERT_TRUE(s) << to_string(s.error());
  EXPECT_EQ(s->gateway_order_id.rfind("order_", 0), 0u);
  EXPECT_EQ(s->gateway_order_id.size(), 20u);
  EXPECT_EQ(s->checkout_url, "https://shop.example/api/v1/sandbox/checkout/" + req.payment_token);
  auto f = ask<remote_payment>(self, router, fetch_atom::value, std::string("sandbox"),
                               s->gateway_order_id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, remote_state::open);
  refund_request r;
  r.idempotency_key = "k1";
  auto refund = ask<refund_result>(self, router, refund_atom::value, std::string("sandbox"), r);
  ASSERT_TRUE(refund);
  EXPECT_EQ(refund->refund_id.rfind("rfnd_", 0), 0u);
  EXPECT_EQ(razorpay->requests() + stripe->requests(), 0);
}

}  // namespace
