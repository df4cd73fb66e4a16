// CONTRACT §13: an event applies only to a payment attempt of the gateway whose
// route received it; the Razorpay route also serves the sandbox's attempts,
// and only while the sandbox exists (development).
#include <gtest/gtest.h>

#include "actors/webhook/gateway_event.hpp"

namespace checkout {
namespace {

TEST(WebhookRouteScope, EachRouteServesItsOwnGatewaysAttempts) {
  EXPECT_TRUE(route_serves("razorpay", "razorpay", false));
  EXPECT_TRUE(route_serves("stripe", "stripe", false));
  EXPECT_FALSE(route_serves("stripe", "razorpay", true));
  EXPECT_FALSE(route_serves("razorpay", "stripe", true));
  EXPECT_FALSE(route_serves("stripe", "sandbox", true));
  // A free order has no attempt at all: no gateway may change it.
  EXPECT_FALSE(route_serves("razorpay", "", true));
  EXPECT_FALSE(route_serves("stripe", "", true));
}

TEST(WebhookRouteScope, SandboxAttemptsOnlyThroughRazorpayAndOnlyInDevelopment) {
  EXPECT_TRUE(route_serves("razorpay", "sandbox", true));
  EXPECT_FALSE(route_serves("razorpay", "sandbox", false));
}

}  // namespace
}  // namespace checkout
