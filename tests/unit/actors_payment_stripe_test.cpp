// Stripe's pure parts: expires_at bounds, the session's form fields, keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "actors/payment/stripe_gateway.hpp"

namespace checkout::payment {
namespace {

constexpr micros minute = 60LL * 1000000;
constexpr micros t0 = 1700000000LL * 1000000;  // a whole second

TEST(StripeExpiresAt, OurWindowWhenInsideStripesBounds) {
  EXPECT_EQ(stripe_expires_at(t0 + 90 * minute, t0), (t0 + 90 * minute) / 1000000);
  EXPECT_EQ(stripe_expires_at(t0 + 20 * 60 * minute, t0), (t0 + 20 * 60 * minute) / 1000000);
}

TEST(StripeExpiresAt, NeverUnderThirtyMinutesPlusMargin) {
  auto floor = (t0 + 35 * minute) / 1000000;                  // 30 min + 5 min margin
  EXPECT_EQ(stripe_expires_at(t0 + 30 * minute, t0), floor);  // the default window
  EXPECT_EQ(stripe_expires_at(t0 + minute, t0), floor);
  EXPECT_EQ(stripe_expires_at(t0 - minute, t0), floor);  // already past
  EXPECT_EQ(stripe_expires_at(0, t0), floor);
  EXPECT_EQ(stripe_expires_at(t0 + 35 * minute + 1, t0), floor + 1);  // rounded up
}

TEST(StripeExpiresAt, NeverOverTwentyFourHours) {
  auto ceiling = (t0 + 24 * 60 * minute - 5 * minute) / 1000000;
  EXPECT_EQ(stripe_expires_at(t0 + 48 * 60 * minute, t0), ceiling);
  EXPECT_EQ(stripe_expires_at(t0 + 24 * 60 * minute, t0), ceiling);
}

TEST(StripeExpiresAt, StableForTheSameAttempt) {
  // A resumed call for the same attempt (same window, same start) sends the same value.
  EXPECT_EQ(stripe_expires_at(t0 + 30 * minute, t0), stripe_expires_at(t0 + 30 * minute, t0));
}

TEST(StripeSessionFields, EveryFieldStripeNeeds) {
  session_request req;
  req.order_token = "0b7f6c7e-1111-4222-8333-944455556666";
  req.payment_token = "a1b2c3d4-1111-4222-8333-944455556666";
  req.amount = 1999;
  req.currency = "USD";
  req.description = "Internship: Data Science";
  req.success_url = "https://shop.example/ok";
  req.cancel_url = "https://shop.example/cancel";
  auto fields = stripe_session_fields(req, 1700002100);
  std::map<std::string, std::string> f(fields.begin(), fields.end());
  EXPECT_EQ(f.size(), fields.size()) << "no key twice";
  EXPECT_EQ(f["mode"], "payment");
  EXPECT_EQ(f["line_items[0][price_data][currency]"], "usd");
  EXPECT_EQ(f["line_items[0][price_data][unit_amount]"], "1999");
  EXPECT_EQ(f["line_items[0][price_data][product_data][name]"], "Internship: Data Science");
  EXPECT_EQ(f["line_items[0][quantity]"], "1");
  EXPECT_EQ(f["client_reference_id"], req.order_token);
  EXPECT_EQ(f["metadata[order_token]"], req.order_token);
  EXPECT_EQ(f["metadata[payment_token]"], req.payment_token);
  EXPECT_EQ(f["success_url"], req.success_url);
  EXPECT_EQ(f["cancel_url"], req.cancel_url);
  EXPECT_EQ(f["expires_at"], "1700002100");

  req.description.clear();
  auto unnamed = stripe_session_fields(req, 1);
  std::map<std::string, std::string> g(unnamed.begin(), unnamed.end());
  EXPECT_EQ(g["line_items[0][price_data][product_data][name]"], "Order " + req.order_token);
}

TEST(StripeKeys, DerivedFromOursAndDistinct) {
  EXPECT_EQ(stripe_session_key("p-1"), stripe_session_key("p-1"));
  EXPECT_NE(stripe_session_key("p-1"), stripe_session_key("p-2"));
  EXPECT_NE(stripe_session_key("k"), stripe_refund_key("k"));
  EXPECT_NE(stripe_session_key("p-1").find("p-1"), std::string::npos);
  EXPECT_NE(stripe_refund_key("r-1").find("r-1"), std::string::npos);
}

}  // namespace
}  // namespace checkout::payment

namespace checkout::payment {
namespace {

TEST(StripeExpiryCandidates, AFreshAttemptTriesOneValue) {
  auto c = stripe_expiry_candidates(t0 + 30 * minute, t0, t0);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], stripe_expires_at(t0 + 30 * minute, t0));
}

TEST(StripeExpiryCandidates, ALongWindowNeedsNoSteps) {
  auto c = stripe_expiry_candidates(t0 + 3 * 60 * minute, t0, t0 + 20 * minute);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (t0 + 3 * 60 * minute) / 1000000);
}

TEST(StripeExpiryCandidates, ALateResumeStepsFromTheStartUntilValid) {
  // 20 minutes after the start of a 30-minute window: start+35m and start+45m
  // are too early now, start+55m (now+35m) is valid.
  auto now = t0 + 20 * minute;
  auto c = stripe_expiry_candidates(t0 + 30 * minute, t0, now);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0], (t0 + 35 * minute) / 1000000);
  EXPECT_EQ(c[1], (t0 + 45 * minute) / 1000000);
  EXPECT_EQ(c[2], (t0 + 55 * minute) / 1000000);
  // The values do not depend on the exact second of a resume: a later one
  // tries the same values first (and maybe one more).
  auto later = stripe_expiry_candidates(t0 + 30 * minute, t0, now + 59 * 1000000);
  ASSERT_GE(later.size(), c.size());
  EXPECT_TRUE(std::equal(c.begin(), c.end(), later.begin()));
  EXPECT_LT(c.back() * 1000000, now + 24 * 60 * minute);
}

TEST(StripeExpiryCandidates, AtMostSixteen) {
  auto c = stripe_expiry_candidates(t0, t0, t0 + 48 * 60 * minute);
  EXPECT_EQ(c.size(), 16u);
  for (std::size_t i = 1; i < c.size(); ++i) EXPECT_GT(c[i], c[i - 1]);
}

}  // namespace
}  // namespace checkout::payment
