// Razorpay webhooks (CONTRACT §8): sign, verify_signature (with a secret
// rotation) and parse_event, including the dedupe key.
// The expected signatures were computed with
//   printf '%s' BODY | openssl dgst -sha256 -hmac SECRET
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

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

// The same body signed with each of three secrets (openssl, as above).
const std::string rzp_current_signature =
    "e9e1f20888deed01b5bfa8556db4cfe1fe89a09c76404b4db3dbf3607b21d99a";
const std::string rzp_previous_signature =
    "0125cccfb74d6e724f6b795eadab7eefd77629a07a90631ddd7cb1b8d7da69e4";
const std::string rzp_other_signature =
    "cf44062d5dc2cf4d9b1bb87e7498588d4150ab0d78808ab1d74fe62639100a97";
const std::vector<std::string> rotating{"rzp_current", "rzp_previous"};

bool verify_with(const std::string& secret, const std::string& body, const std::string& sig) {
  return verify_signature(std::vector<std::string>{secret}, body, sig);
}

// ---- signature --------------------------------------------------------------

TEST(RazorpaySign, KnownAnswers) {
  EXPECT_EQ(sign(captured_secret, captured_body), captured_signature);
  EXPECT_EQ(sign(failed_secret, failed_body), failed_signature);
  EXPECT_EQ(sign("rzp_current", captured_body), rzp_current_signature);
  EXPECT_EQ(sign("rzp_previous", captured_body), rzp_previous_signature);
  EXPECT_EQ(sign("rzp_other", captured_body), rzp_other_signature);
  EXPECT_EQ(sign("key", "hello"),
            "9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b");
  EXPECT_EQ(sign("secret", ""), "f9e66e179b6747ae54108f82f8ade8b3c25d76fd30afde6c395822c530196169");
}

TEST(RazorpayVerify, AcceptsTheRightSignature) {
  EXPECT_TRUE(verify_with(captured_secret, captured_body, captured_signature));
  EXPECT_TRUE(verify_with(failed_secret, failed_body, failed_signature));
}

TEST(RazorpayVerify, CurrentAndPreviousBothVerify) {
  EXPECT_TRUE(verify_signature(rotating, captured_body, rzp_current_signature));
  EXPECT_TRUE(verify_signature(rotating, captured_body, rzp_previous_signature));
  // The order of the secrets does not matter.
  const std::vector<std::string> reversed{"rzp_previous", "rzp_current"};
  EXPECT_TRUE(verify_signature(reversed, captured_body, rzp_current_signature));
  EXPECT_TRUE(verify_signature(reversed, captured_body, rzp_previous_signature));
}

TEST(RazorpayVerify, RejectsWrongSecret) {
  EXPECT_FALSE(verify_signature(rotating, captured_body, rzp_other_signature));
  const std::vector<std::string> only_current{"rzp_current"};
  EXPECT_TRUE(verify_signature(only_current, captured_body, rzp_current_signature));
  EXPECT_FALSE(verify_signature(only_current, captured_body, rzp_previous_signature));
  EXPECT_FALSE(verify_with("another-secret", captured_body, captured_signature));
  EXPECT_FALSE(verify_with(failed_secret, captured_body, captured_signature));
}

TEST(RazorpayVerify, AcceptsUppercaseHex) {
  EXPECT_TRUE(verify_with(captured_secret, captured_body, upper(captured_signature)));
  EXPECT_TRUE(verify_signature(rotating, captured_body, upper(rzp_previous_signature)));
}

TEST(RazorpayVerify, EmptySecretsNeverVerify) {
  const std::vector<std::string> none;
  const std::vector<std::string> blanks{"", ""};
  // A body signed with the empty key: an unset secret must not make it valid.
  const auto empty_key_signature = sign("", captured_body);
  EXPECT_FALSE(verify_signature(none, captured_body, empty_key_signature));
  EXPECT_FALSE(verify_signature(blanks, captured_body, empty_key_signature));
  EXPECT_FALSE(verify_signature(blanks, captured_body, rzp_current_signature));
  EXPECT_FALSE(verify_with("", captured_body, captured_signature));
  const std::vector<std::string> current_and_unset{"rzp_current", ""};
  EXPECT_TRUE(verify_signature(current_and_unset, captured_body, rzp_current_signature));
  EXPECT_FALSE(verify_signature(current_and_unset, captured_body, empty_key_signature));
}

TEST(RazorpayVerify, RejectsAnotherBody) {
  // The raw bytes are signed: one space or one digit more is another body.
  auto spaced = captured_body;
  spaced.insert(1, " ");
  EXPECT_FALSE(verify_with(captured_secret, spaced, captured_signature));
  auto changed = captured_body;
  changed.replace(changed.find("19796"), 5, "19797");
  EXPECT_FALSE(verify_with(captured_secret, changed, captured_signature));
  EXPECT_FALSE(verify_with(captured_secret, failed_body, captured_signature));
  EXPECT_FALSE(verify_signature(rotating, failed_body, rzp_current_signature));
}

TEST(RazorpayVerify, RejectsTruncatedOrExtended) {
  for (const auto& bad : {rzp_current_signature.substr(0, rzp_current_signature.size() - 1),
                          rzp_current_signature.substr(0, 32), rzp_current_signature + "0",
                          rzp_current_signature + " ", " " + rzp_current_signature}) {
    EXPECT_FALSE(verify_signature(rotating, captured_body, bad)) << bad;
  }
}

TEST(RazorpayVerify, RejectsEmptyAndGarbage) {
  for (const auto& bad : {std::string(), std::string(64, '0'), std::string(64, 'z')}) {
    EXPECT_FALSE(verify_signature(rotating, captured_body, bad)) << bad;
    EXPECT_FALSE(verify_with(captured_secret, captured_body, bad)) << bad;
  }
}

TEST(RazorpayVerify, RejectsEveryOneCharacterChange) {
  for (size_t i = 0; i < rzp_previous_signature.size(); ++i) {
    auto bad = rzp_previous_signature;
    bad[i] = bad[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(verify_signature(rotating, captured_body, bad)) << i;
  }
}

TEST(RazorpayVerify, AgreesWithSign) {
  for (auto body : {std::string(), std::string("{}"), std::string(5000, 'x'), failed_body}) {
    EXPECT_TRUE(verify_with("s3cr3t", body, sign("s3cr3t", body)));
    EXPECT_FALSE(verify_with("s3cr3t", body, sign("s3cr3T", body)));
  }
}

// ---- parse_event ---------------------------------------------------------------------

gateway_event parsed(const std::string& body, const std::string& header = "") {
  auto ev = parse_event(body, header);
  EXPECT_TRUE(ev) << body << ": " << (ev ? "" : to_string(ev.error()));
  return ev ? *ev : gateway_event{};
}

TEST(RazorpayParseEvent, PaymentCaptured) {
  auto ev = parsed(captured_body, "evt_H1");
  EXPECT_EQ(ev.gateway, "razorpay");
  EXPECT_EQ(ev.event_id, "evt_H1");
  EXPECT_EQ(ev.type, "payment.captured");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.note, "");
  EXPECT_EQ(ev.payment_id, "pay_29QQoUBi66xm2f");
  EXPECT_EQ(ev.gateway_order_id, "order_9A33XWu170gUtm");
  EXPECT_EQ(ev.amount, 19796);
  EXPECT_EQ(ev.currency, "INR");
  EXPECT_EQ(ev.reason, "");
  EXPECT_EQ(ev.occurred_at, 0);  // no created_at
  EXPECT_EQ(ev.order_token, "");
  EXPECT_EQ(ev.payment_token, "");
}

TEST(RazorpayParseEvent, CreatedAtAndLowercaseCurrency) {
  auto ev = parsed(
      R"({"entity":"event","account_id":"acc_1","event":"payment.captured","contains":["payment"],)"
      R"("payload":{"payment":{"entity":{"id":"pay_S","entity":"payment","amount":100,)"
      R"("currency":"sgd","status":"captured","order_id":"order_S","error_code":"",)"
      R"("error_description":"","notes":[],"created_at":1567674797}}},"created_at":1691735748})");
  EXPECT_EQ(ev.occurred_at, 1691735748LL * 1000000);
  EXPECT_EQ(ev.currency, "SGD");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.amount, 100);
}

TEST(RazorpayParseEvent, EventIdFallbacks) {
  EXPECT_EQ(parsed(captured_body).event_id, "payment.captured:pay_29QQoUBi66xm2f");
  EXPECT_EQ(parsed(failed_body).event_id, "payment.failed:pay_F1");
  // No payment id: the order's.
  EXPECT_EQ(parsed(R"({"event":"order.paid","payload":{"order":{"entity":{"id":"order_Q",)"
                   R"("amount_paid":700,"currency":"usd"}}}})")
                .event_id,
            "order.paid:order_Q");
  EXPECT_EQ(parsed(R"({"event":"payment.captured","payload":{"payment":{"entity":{)"
                   R"("order_id":"order_O","amount":5}}}})")
                .event_id,
            "payment.captured:order_O");
  // The header wins whatever the body holds.
  EXPECT_EQ(parsed(failed_body, "evt_Z").event_id, "evt_Z");
}

TEST(RazorpayParseEvent, DedupeKeyWithoutHeader) {
  // The same event delivered twice dedupes; another event or payment does not.
  auto body = [](const std::string& type, const std::string& payment) {
    return R"({"event":")" + type + R"(","payload":{"payment":{"entity":{"id":")" + payment +
           R"(","order_id":"order_1","amount":100}}}})";
  };
  const auto id = parsed(body("payment.captured", "pay_1")).event_id;
  EXPECT_EQ(parsed(body("payment.captured", "pay_1")).event_id, id);
  EXPECT_NE(parsed(body("payment.failed", "pay_1")).event_id, id);
  EXPECT_NE(parsed(body("payment.captured", "pay_2")).event_id, id);
  // Without a payment, the order tells events apart.
  auto order_paid = [](const std::string& order) {
    return R"({"event":"order.paid","payload":{"order":{"entity":{"id":")" + order +
           R"(","amount_paid":100}}}})";
  };
  EXPECT_NE(parsed(order_paid("order_A")).event_id, parsed(order_paid("order_B")).event_id);
}

TEST(RazorpayParseEvent, OrderPaidTakesAmountPaid) {
  auto ev = parsed(
      R"({"entity":"event","event":"order.paid","payload":{)"
      R"("payment":{"entity":{"id":"pay_P","amount":240000,"currency":"INR","order_id":"order_O"}},)"
      R"("order":{"entity":{"id":"order_O","amount":250000,"amount_paid":250000,"currency":"INR",)"
      R"("status":"paid"}}},"created_at":1700000001})");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.amount, 250000);
  EXPECT_EQ(ev.payment_id, "pay_P");
  EXPECT_EQ(ev.gateway_order_id, "order_O");
  EXPECT_EQ(ev.event_id, "order.paid:pay_P");
  EXPECT_EQ(ev.currency, "INR");
  EXPECT_EQ(ev.occurred_at, 1700000001LL * 1000000);
}

TEST(RazorpayParseEvent, OrderPaidWithoutAmountPaidFallsBackToThePayment) {
  auto ev = parsed(
      R"({"event":"order.paid","payload":{)"
      R"("payment":{"entity":{"id":"pay_P","amount":240000,"currency":"INR","order_id":"order_O"}},)"
      R"("order":{"entity":{"id":"order_O","amount":250000,"amount_paid":"250000"}}}})");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.amount, 240000);
}

TEST(RazorpayParseEvent, OrderPaidWithOrderOnly) {
  auto ev = parsed(R"({"event":"order.paid","payload":{"order":{"entity":{"id":"order_Q",)"
                   R"("amount":700,"amount_paid":700,"currency":"usd"}}}})");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.gateway_order_id, "order_Q");
  EXPECT_EQ(ev.payment_id, "");
  EXPECT_EQ(ev.amount, 700);
  EXPECT_EQ(ev.currency, "USD");
}

TEST(RazorpayParseEvent, LargeAmount) {
  auto ev = parsed(
      R"({"event":"payment.captured","payload":{"payment":{"entity":{"id":"p","amount":5000000000,)"
      R"("currency":"INR","order_id":"o"}}}})");
  EXPECT_EQ(ev.amount, 5000000000);
}

TEST(RazorpayParseEvent, PaymentFailedReasons) {
  auto ev = parsed(failed_body);
  EXPECT_EQ(ev.kind, gateway_event_kind::failed);
  EXPECT_EQ(ev.reason, "Payment was declined by the bank");
  EXPECT_EQ(ev.payment_id, "pay_F1");
  EXPECT_EQ(ev.gateway_order_id, "order_F1");
  EXPECT_EQ(ev.amount, 5000);
  EXPECT_EQ(ev.currency, "INR");

  auto by_reason =
      parsed(R"({"event":"payment.failed","payload":{"payment":{"entity":{"id":"pay_F2",)"
             R"("order_id":"order_F2","error_code":"BAD_REQUEST_ERROR","error_description":"",)"
             R"("error_reason":"payment_cancelled"}}}})");
  EXPECT_EQ(by_reason.kind, gateway_event_kind::failed);
  EXPECT_EQ(by_reason.reason, "payment_cancelled");

  auto by_code =
      parsed(R"({"event":"payment.failed","payload":{"payment":{"entity":{"id":"pay_F3",)"
             R"("error_code":"GATEWAY_ERROR","error_description":null,"error_reason":7}}}})");
  EXPECT_EQ(by_code.reason, "GATEWAY_ERROR");

  auto none = parsed(R"({"event":"payment.failed","payload":{"payment":{"entity":{"id":"p"}}}})");
  EXPECT_EQ(none.kind, gateway_event_kind::failed);
  EXPECT_EQ(none.reason, "");
}

TEST(RazorpayParseEvent, AuthorizedIsNotActedOn) {
  auto ev = parsed(
      R"({"event":"payment.authorized","entity":"event","contains":["payment"],"payload":{)"
      R"("payment":{"entity":{"id":"pay_A","amount":50000,"currency":"INR","status":"authorized",)"
      R"("order_id":"order_A","captured":false}}},"created_at":1400826760})");
  EXPECT_EQ(ev.kind, gateway_event_kind::none);
  EXPECT_EQ(ev.note, "authorized; waiting for the capture");
  EXPECT_EQ(ev.payment_id, "pay_A");
  EXPECT_EQ(ev.gateway_order_id, "order_A");
  EXPECT_EQ(ev.event_id, "payment.authorized:pay_A");
  // Still parsed without a payload, so the intake can answer 200.
  auto bare = parsed(R"({"event":"payment.authorized","payload":{}})");
  EXPECT_EQ(bare.kind, gateway_event_kind::none);
  EXPECT_EQ(bare.payment_id, "");
  EXPECT_EQ(bare.amount, 0);
}

TEST(RazorpayParseEvent, OtherTypesAreIgnored) {
  for (std::string type : {"refund.created", "refund.failed", "payment.dispute.created",
                           "order.notification.delivered", "PAYMENT.CAPTURED"}) {
    auto ev = parsed(R"({"event":")" + type + R"(","payload":{}})");
    EXPECT_EQ(ev.type, type);
    EXPECT_EQ(ev.kind, gateway_event_kind::none) << type;
    EXPECT_EQ(ev.note, "ignored type") << type;
  }
}

// refund.processed as Razorpay documents it: the refund and the payment after it.
std::string refund_body(const std::string& refund_fields, const std::string& payment_fields) {
  return R"({"entity":"event","account_id":"acc_E7","event":"refund.processed",)"
         R"("contains":["refund","payment"],"payload":{"refund":{"entity":{)" +
         refund_fields + R"(}},"payment":{"entity":{)" + payment_fields +
         R"(}}},"created_at":1597734071})";
}

TEST(RazorpayParseEvent, FullRefund) {
  auto ev = parsed(refund_body(
      R"("id":"rfnd_FS8T","entity":"refund","amount":50000,"currency":"INR",)"
      R"("payment_id":"pay_FPoJ","status":"processed")",
      R"("id":"pay_FPoJ","entity":"payment","amount":50000,"currency":"INR","status":"refunded",)"
      R"("order_id":"order_FPoI","amount_refunded":50000,"refund_status":"full")"));
  EXPECT_EQ(ev.kind, gateway_event_kind::refunded);
  EXPECT_EQ(ev.note, "");
  EXPECT_EQ(ev.amount, 50000);
  EXPECT_EQ(ev.payment_id, "pay_FPoJ");
  EXPECT_EQ(ev.gateway_order_id, "order_FPoI");
  EXPECT_EQ(ev.currency, "INR");
  EXPECT_EQ(ev.event_id, "refund.processed:rfnd_FS8T");
  EXPECT_EQ(ev.occurred_at, 1597734071LL * 1000000);
}

TEST(RazorpayParseEvent, EachSignOfAFullRefundSuffices) {
  // The refund's amount is the payment's.
  auto same_amount = parsed(refund_body(R"("id":"rfnd_1","amount":50000,"payment_id":"pay_1")",
                                        R"("id":"pay_1","amount":50000)"));
  EXPECT_EQ(same_amount.kind, gateway_event_kind::refunded);
  // The last of several partial refunds: amount_refunded reaches the amount.
  auto completes = parsed(refund_body(R"("id":"rfnd_2","amount":20000,"payment_id":"pay_2")",
                                      R"("id":"pay_2","amount":50000,"amount_refunded":50000,)"
                                      R"("refund_status":null)"));
  EXPECT_EQ(completes.kind, gateway_event_kind::refunded);
  EXPECT_EQ(completes.amount, 20000);
  // Razorpay's own verdict.
  auto status_full = parsed(refund_body(R"("id":"rfnd_3","amount":20000,"payment_id":"pay_3")",
                                        R"("id":"pay_3","refund_status":"full")"));
  EXPECT_EQ(status_full.kind, gateway_event_kind::refunded);
}

TEST(RazorpayParseEvent, PartialRefundIsOnlyRecorded) {
  auto ev =
      parsed(refund_body(R"("id":"rfnd_P","amount":20000,"currency":"INR","payment_id":"pay_P")",
                         R"("id":"pay_P","amount":50000,"currency":"INR","order_id":"order_P",)"
                         R"("amount_refunded":20000,"refund_status":"partial")"));
  EXPECT_EQ(ev.kind, gateway_event_kind::none);
  EXPECT_EQ(ev.note, "partial refund of 20000");
  EXPECT_EQ(ev.amount, 20000);
  EXPECT_EQ(ev.payment_id, "pay_P");
  EXPECT_EQ(ev.gateway_order_id, "order_P");
}

TEST(RazorpayParseEvent, RefundWithoutThePaymentEntity) {
  // The payment id comes from the refund; with nothing to compare, not a full refund.
  auto ev =
      parse_event(R"({"event":"refund.processed","payload":{"refund":{"entity":{"id":"rfnd_N",)"
                  R"("amount":300,"currency":"inr","payment_id":"pay_N"}}}})",
                  "");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->payment_id, "pay_N");
  EXPECT_EQ(ev->currency, "INR");
  EXPECT_EQ(ev->kind, gateway_event_kind::none);
  EXPECT_EQ(ev->note, "partial refund of 300");
  EXPECT_EQ(ev->event_id, "refund.processed:rfnd_N");
  // No refund id either: the payment's.
  auto no_id = parsed(R"({"event":"refund.processed","payload":{"refund":{"entity":{)"
                      R"("amount":300,"payment_id":"pay_N"}}}})");
  EXPECT_EQ(no_id.event_id, "refund.processed:pay_N");
}

TEST(RazorpayParseEvent, WrongTypedFieldsCountAsAbsent) {
  auto ev = parsed(
      R"({"event":"payment.captured","created_at":"1691735748","payload":{"payment":{"entity":{)"
      R"("id":42,"amount":"19796","currency":5,"order_id":["order_X"]}},)"
      R"("order":{"entity":{"id":"order_Y","currency":"inr"}}}})");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.payment_id, "");
  EXPECT_EQ(ev.amount, 0);
  EXPECT_EQ(ev.currency, "INR");
  EXPECT_EQ(ev.gateway_order_id, "order_Y");
  EXPECT_EQ(ev.occurred_at, 0);
  EXPECT_EQ(ev.event_id, "payment.captured:order_Y");

  for (std::string amount : {"100.5", "-5", "true", "null", "{}", "18446744073709551616"}) {
    auto odd = parsed(R"({"event":"payment.captured","payload":{"payment":{"entity":{)"
                      R"("id":"pay_W","amount":)" +
                      amount + "}}}}");
    EXPECT_EQ(odd.amount, 0) << amount;
  }
  for (std::string payload : {R"("payload":[])", R"("payload":"x")", R"("payload":{"payment":5})",
                              R"("payload":{"payment":{"entity":"pay_1"}})"}) {
    auto odd = parsed(R"({"event":"payment.captured",)" + payload + "}");
    EXPECT_EQ(odd.kind, gateway_event_kind::captured) << payload;
    EXPECT_EQ(odd.payment_id, "") << payload;
    EXPECT_EQ(odd.event_id, "payment.captured:") << payload;
  }
  for (std::string created : {"-1", "1.5", "9223372036854775807"}) {
    auto odd = parsed(R"({"event":"payment.captured","created_at":)" + created + "}");
    EXPECT_EQ(odd.occurred_at, 0) << created;
  }
}

TEST(RazorpayParseEvent, WrongTypedRefundAmountIsNeverAFullRefund) {
  auto ev = parsed(refund_body(R"("id":"rfnd_W","amount":"50000","payment_id":"pay_W")",
                               R"("id":"pay_W","amount":50000,"refund_status":7)"));
  EXPECT_EQ(ev.kind, gateway_event_kind::none);
  EXPECT_EQ(ev.note, "partial refund of 0");
  // Nothing known on either side is no full refund either.
  auto empty = parsed(refund_body(R"("id":"rfnd_E")", R"("id":"pay_E")"));
  EXPECT_EQ(empty.kind, gateway_event_kind::none);
  auto zero = parsed(refund_body(R"("id":"rfnd_0","amount":0)", R"("id":"pay_0","amount":0)"));
  EXPECT_EQ(zero.kind, gateway_event_kind::none);
}

TEST(RazorpayParseEvent, MalformedIsBadWebhook) {
  for (std::string body :
       {"", "not json", "[]", "42", "null", "\"payment.captured\"", "{}", R"({"event":""})",
        R"({"event":5})", R"({"event":null})", R"({"event":["payment.captured"]})",
        R"({"payload":{"payment":{"entity":{"id":"p"}}}})",
        R"({"event":"payment.captured","payload":)"}) {
    auto ev = parse_event(body, "evt_1");
    ASSERT_FALSE(ev) << body;
    EXPECT_EQ(ev.error().category(), checkout_error_category) << body;
    EXPECT_EQ(static_cast<errc>(ev.error().code()), errc::bad_webhook) << body;
    auto v = describe(ev.error());
    EXPECT_EQ(v.status, 400) << body;
    EXPECT_EQ(v.code, 7003) << body;
  }
}

}  // namespace
}  // namespace checkout::razorpay_webhook
