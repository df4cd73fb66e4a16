// Razorpay webhooks (CONTRACT §8): signature, parsing and the dedupe key.
// The expected signatures were computed with
//   printf '%s' BODY | openssl dgst -sha256 -hmac SECRET
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "actors/errors.hpp"
#include "actors/webhook/razorpay_webhook.hpp"

namespace checkout::razorpay_webhook {
namespace {

const std::string captured_secret = "sandbox-webhook-secret";
const std::string captured_body =
    R"({"event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_29QQoUBi66xm2f",)"
    R"("amount":19796,"currency":"INR","order_id":"order_9A33XWu170gUtm"}}}})";
const std::string captured_signature =
    "9707af92aeb8e19b075c7cb7eb5c853c9a7aa4eb9e4f525adce89a9f509abef3";

const std::string failed_secret = "whsec-2";
const std::string failed_body =
    R"({"entity":"event","account_id":"acc_1","event":"payment.failed","payload":{"payment":)"
    R"({"entity":{"id":"pay_F1","amount":5000,"currency":"INR","status":"failed",)"
    R"("order_id":"order_F1","error_description":"Payment was declined by the bank"}}}})";
const std::string failed_signature =
    "e4e2629f4b527f8b1e044b7158387a2769a7d802dcd7a0e583c6f1d398ac04fd";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// ---- signature --------------------------------------------------------------

TEST(RazorpaySign, KnownAnswers) {
  EXPECT_EQ(sign(captured_secret, captured_body), captured_signature);
  EXPECT_EQ(sign(failed_secret, failed_body), failed_signature);
  EXPECT_EQ(sign("key", "hello"),
            "9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b");
  EXPECT_EQ(sign("secret", ""), "f9e66e179b6747ae54108f82f8ade8b3c25d76fd30afde6c395822c530196169");
}

TEST(RazorpayVerify, AcceptsTheRightSignature) {
  EXPECT_TRUE(verify_signature(captured_secret, captured_body, captured_signature));
  EXPECT_TRUE(verify_signature(failed_secret, failed_body, failed_signature));
}

TEST(RazorpayVerify, AcceptsUppercaseHex) {
  EXPECT_TRUE(verify_signature(captured_secret, captured_body, upper(captured_signature)));
}

TEST(RazorpayVerify, RejectsWrongSecret) {
  EXPECT_FALSE(verify_signature("another-secret", captured_body, captured_signature));
  EXPECT_FALSE(verify_signature(failed_secret, captured_body, captured_signature));
  EXPECT_FALSE(verify_signature("", captured_body, captured_signature));
}

TEST(RazorpayVerify, RejectsAnotherBody) {
  // The raw bytes are signed: one space or one digit more is another body.
  auto spaced = captured_body;
  spaced.insert(1, " ");
  EXPECT_FALSE(verify_signature(captured_secret, spaced, captured_signature));
  auto changed = captured_body;
  changed.replace(changed.find("19796"), 5, "19797");
  EXPECT_FALSE(verify_signature(captured_secret, changed, captured_signature));
  EXPECT_FALSE(verify_signature(captured_secret, failed_body, captured_signature));
}

TEST(RazorpayVerify, RejectsTruncatedOrExtended) {
  EXPECT_FALSE(verify_signature(captured_secret, captured_body,
                                captured_signature.substr(0, captured_signature.size() - 1)));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, captured_signature.substr(0, 32)));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, captured_signature + "0"));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, captured_signature + " "));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, " " + captured_signature));
}

TEST(RazorpayVerify, RejectsEmptyAndGarbage) {
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, ""));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, std::string(64, '0')));
  EXPECT_FALSE(verify_signature(captured_secret, captured_body, std::string(64, 'z')));
}

TEST(RazorpayVerify, RejectsEveryOneCharacterChange) {
  for (size_t i = 0; i < captured_signature.size(); ++i) {
    auto bad = captured_signature;
    bad[i] = bad[i] == '0' ? '1' : '0';
    EXPECT_FALSE(verify_signature(captured_secret, captured_body, bad)) << i;
  }
}

TEST(RazorpayVerify, AgreesWithSign) {
  for (auto body : {std::string(), std::string("{}"), std::string(5000, 'x'), failed_body}) {
    EXPECT_TRUE(verify_signature("s3cr3t", body, sign("s3cr3t", body)));
    EXPECT_FALSE(verify_signature("s3cr3t", body, sign("s3cr3T", body)));
  }
}

// ---- parse -------------------------------------------------------------------

TEST(RazorpayParse, PaymentCaptured) {
  auto ev = parse(captured_body);
  ASSERT_TRUE(ev) << to_string(ev.error());
  EXPECT_EQ(ev->type, "payment.captured");
  EXPECT_EQ(ev->payment_id, "pay_29QQoUBi66xm2f");
  EXPECT_EQ(ev->gateway_order_id, "order_9A33XWu170gUtm");
  EXPECT_EQ(ev->amount, 19796);
  EXPECT_EQ(ev->currency, "INR");
  EXPECT_EQ(ev->error_reason, "");
}

TEST(RazorpayParse, PaymentFailed) {
  auto ev = parse(failed_body);
  ASSERT_TRUE(ev) << to_string(ev.error());
  EXPECT_EQ(ev->type, "payment.failed");
  EXPECT_EQ(ev->payment_id, "pay_F1");
  EXPECT_EQ(ev->gateway_order_id, "order_F1");
  EXPECT_EQ(ev->amount, 5000);
  EXPECT_EQ(ev->currency, "INR");
  EXPECT_EQ(ev->error_reason, "Payment was declined by the bank");
}

TEST(RazorpayParse, OrderPaidWithPaymentAndOrder) {
  // Razorpay's order.paid carries both entities.
  auto ev = parse(
      R"({"entity":"event","event":"order.paid","payload":{)"
      R"("payment":{"entity":{"id":"pay_P","amount":250000,"currency":"INR","order_id":"order_O"}},)"
      R"("order":{"entity":{"id":"order_O","amount":250000,"amount_paid":250000,"currency":"INR",)"
      R"("status":"paid"}}}})");
  ASSERT_TRUE(ev) << to_string(ev.error());
  EXPECT_EQ(ev->type, "order.paid");
  EXPECT_EQ(ev->payment_id, "pay_P");
  EXPECT_EQ(ev->gateway_order_id, "order_O");
  EXPECT_EQ(ev->amount, 250000);
  EXPECT_EQ(ev->currency, "INR");
}

TEST(RazorpayParse, OrderPaidWithOrderOnly) {
  auto ev =
      parse(R"({"event":"order.paid","payload":{"order":{"entity":{"id":"order_Q","amount":700,)"
            R"("amount_paid":700,"currency":"USD"}}}})");
  ASSERT_TRUE(ev) << to_string(ev.error());
  EXPECT_EQ(ev->type, "order.paid");
  EXPECT_EQ(ev->payment_id, "");
  EXPECT_EQ(ev->gateway_order_id, "order_Q");
  EXPECT_EQ(ev->amount, 700);
  EXPECT_EQ(ev->currency, "USD");
}

TEST(RazorpayParse, LargeAmount) {
  auto ev = parse(
      R"({"event":"payment.captured","payload":{"payment":{"entity":{"id":"p","amount":5000000000,)"
      R"("currency":"INR","order_id":"o"}}}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->amount, 5000000000);
}

TEST(RazorpayParse, UnknownEventTypeIsParsed) {
  // Ignored types still parse, so the intake can answer 200.
  auto ev = parse(R"({"event":"payment.authorized","payload":{}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "payment.authorized");
  EXPECT_EQ(ev->payment_id, "");
  EXPECT_EQ(ev->amount, 0);
}

TEST(RazorpayParse, MalformedIsBadWebhook) {
  for (std::string body :
       {"", "not json", "[]", "42", "\"payment.captured\"", "{}", R"({"event":""})",
        R"({"event":5})", R"({"payload":{"payment":{"entity":{"id":"p"}}}})",
        R"({"event":"payment.captured","payload":)"}) {
    auto ev = parse(body);
    ASSERT_FALSE(ev) << body;
    EXPECT_EQ(ev.error().category(), checkout_error_category) << body;
    EXPECT_EQ(static_cast<errc>(ev.error().code()), errc::bad_webhook) << body;
    auto v = describe(ev.error());
    EXPECT_EQ(v.status, 400) << body;
    EXPECT_EQ(v.code, 7003) << body;
  }
}

// ---- event_id ------------------------------------------------------------------

TEST(RazorpayEventId, HeaderWins) {
  auto ev = parse(captured_body);
  ASSERT_TRUE(ev);
  EXPECT_EQ(event_id("evt_ABC123", *ev), "evt_ABC123");
  auto other = parse(failed_body);
  ASSERT_TRUE(other);
  EXPECT_EQ(event_id("evt_ABC123", *other), "evt_ABC123");
}

TEST(RazorpayEventId, FallbackIsEventAndPaymentId) {
  event captured{"payment.captured", "pay_1", "order_1", 100, "INR", ""};
  event captured_again{"payment.captured", "pay_1", "order_1", 100, "INR", ""};
  event failed{"payment.failed", "pay_1", "order_1", 100, "INR", "declined"};
  event other_payment{"payment.captured", "pay_2", "order_1", 100, "INR", ""};
  const auto id = event_id("", captured);
  EXPECT_FALSE(id.empty());
  EXPECT_NE(id.find("payment.captured"), std::string::npos) << id;
  EXPECT_NE(id.find("pay_1"), std::string::npos) << id;
  // The same event delivered twice dedupes; another event or payment does not.
  EXPECT_EQ(event_id("", captured_again), id);
  EXPECT_NE(event_id("", failed), id);
  EXPECT_NE(event_id("", other_payment), id);
}

TEST(RazorpayEventId, FallbackWithoutPaymentUsesTheOrder) {
  event a{"order.paid", "", "order_A", 100, "INR", ""};
  event b{"order.paid", "", "order_B", 100, "INR", ""};
  EXPECT_NE(event_id("", a), event_id("", b));
  EXPECT_NE(event_id("", a).find("order_A"), std::string::npos);
}

}  // namespace
}  // namespace checkout::razorpay_webhook
