// Which gateways are enabled and which to try for a new attempt.
#include <gtest/gtest.h>

#include "actors/errors.hpp"
#include "actors/payment/gateway_choice.hpp"

namespace checkout::payment {
namespace {

using list = std::vector<std::string>;

config::settings mode(const std::string& gateway, bool razorpay_keys, bool stripe_key) {
  config::settings s;
  s.payment_gateway = gateway;
  if (gateway == "sandbox") s.checkout_env = "development";
  if (razorpay_keys) {
    s.razorpay_key_id = "rzp_test_1";
    s.razorpay_key_secret = "secret";
    s.razorpay_webhook_secret = "whsecret";
  }
  if (stripe_key) {
    s.stripe_secret_key = "sk_test_1";
    s.stripe_webhook_secret = "whsec_1";
  }
  return s;
}

void expect_error(const caf::expected<list>& r, int code, const std::string& text) {
  ASSERT_FALSE(r);
  auto v = describe(r.error());
  EXPECT_EQ(v.code, code);
  std::string all = v.message;
  for (auto& m : v.validation_messages) all += " " + m;
  EXPECT_NE(all.find(text), std::string::npos) << all;
}

// CONTRACT §13: the sandbox only in development, real gateways only with
// every credential (a webhook secret included).
TEST(GatewayChoice, SandboxOnlyInDevelopmentAndRealGatewaysOnlyWithWebhookSecrets) {
  auto prod = mode("razorpay", true, true);
  EXPECT_EQ(enabled_gateways(prod), (list{"razorpay", "stripe"}));
  auto dev = prod;
  dev.checkout_env = "development";
  EXPECT_EQ(enabled_gateways(dev), (list{"razorpay", "stripe", "sandbox"}));
  EXPECT_EQ(*gateway_candidates("", enabled_gateways(dev), "INR"), (list{"razorpay", "stripe"}));
  auto no_webhook = prod;
  no_webhook.stripe_webhook_secret.clear();
  EXPECT_EQ(enabled_gateways(no_webhook), (list{"razorpay"}));
  no_webhook.razorpay_webhook_secret.clear();
  EXPECT_EQ(enabled_gateways(no_webhook), (list{}));
  auto sandbox_in_prod = mode("sandbox", false, false);
  sandbox_in_prod.checkout_env = "production";
  EXPECT_EQ(enabled_gateways(sandbox_in_prod), (list{}));
}

TEST(GatewayChoice, EnabledGateways) {
  EXPECT_EQ(enabled_gateways(mode("sandbox", true, true)), (list{"sandbox", "razorpay", "stripe"}));
  EXPECT_EQ(enabled_gateways(mode("sandbox", false, false)), (list{"sandbox"}));
  EXPECT_EQ(enabled_gateways(mode("razorpay", true, true)), (list{"razorpay", "stripe"}));
  EXPECT_EQ(enabled_gateways(mode("stripe", true, true)), (list{"razorpay", "stripe"}));
  EXPECT_EQ(enabled_gateways(mode("razorpay", true, false)), (list{"razorpay"}));
  EXPECT_EQ(enabled_gateways(mode("stripe", false, true)), (list{"stripe"}));
  EXPECT_EQ(enabled_gateways(mode("stripe", false, false)), (list{}));
  auto half = mode("razorpay", false, false);
  half.razorpay_key_id = "rzp_test_1";  // no secret: not configured
  EXPECT_EQ(enabled_gateways(half), (list{}));
}

TEST(GatewayChoice, ByCurrencyWithTheOtherAsFallback) {
  list both{"razorpay", "stripe"};
  EXPECT_EQ(*gateway_candidates("", both, "INR"), (list{"razorpay", "stripe"}));
  EXPECT_EQ(*gateway_candidates("", both, "USD"), (list{"stripe", "razorpay"}));
  EXPECT_EQ(*gateway_candidates("", both, "EUR"), (list{"stripe", "razorpay"}));
  EXPECT_EQ(*gateway_candidates("", list{"stripe"}, "INR"), (list{"stripe"}));
  EXPECT_EQ(*gateway_candidates("", list{"razorpay"}, "USD"), (list{"razorpay"}));
}

TEST(GatewayChoice, SandboxModeAlwaysSandbox) {
  EXPECT_EQ(*gateway_candidates("", list{"sandbox"}, "INR"), (list{"sandbox"}));
  EXPECT_EQ(*gateway_candidates("", list{"sandbox"}, "USD"), (list{"sandbox"}));
  EXPECT_EQ(*gateway_candidates("sandbox", list{"sandbox"}, "USD"), (list{"sandbox"}));
}

TEST(GatewayChoice, ARequestedGatewayIsHonouredAlone) {
  list both{"razorpay", "stripe"};
  EXPECT_EQ(*gateway_candidates("stripe", both, "INR"), (list{"stripe"}));
  EXPECT_EQ(*gateway_candidates("razorpay", both, "USD"), (list{"razorpay"}));
}

TEST(GatewayChoice, RequestedButNotEnabled) {
  expect_error(gateway_candidates("stripe", list{"razorpay"}, "USD"), 1000,
               "gateway stripe is not enabled");
  expect_error(gateway_candidates("razorpay", list{"sandbox"}, "INR"), 1000,
               "gateway razorpay is not enabled");
  expect_error(gateway_candidates("sandbox", list{"razorpay", "stripe"}, "INR"), 1000,
               "gateway sandbox is not enabled");
  expect_error(gateway_candidates("paypal", list{"razorpay", "stripe"}, "INR"), 1000,
               "gateway must be one of razorpay, stripe, sandbox");
}

TEST(GatewayChoice, NothingEnabledIsUnavailable) {
  auto r = gateway_candidates("", list{}, "INR");
  expect_error(r, 4001, "no payment gateway is configured");
  EXPECT_TRUE(describe(r.error()).retryable);
}

}  // namespace
}  // namespace checkout::payment
