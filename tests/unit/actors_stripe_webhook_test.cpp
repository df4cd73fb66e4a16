// Stripe webhooks (CONTRACT §8): the Stripe-Signature check (rotation,
// tolerance, several v1, malformed headers) and the reduction of each event type.
// The expected signatures were computed with
//   printf '%s' "T.BODY" | openssl dgst -sha256 -hmac SECRET
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "actors/errors.hpp"
#include "actors/webhook/stripe_webhook.hpp"

namespace checkout::stripe_webhook {

// Readable failures: "mismatch" rather than a byte dump.
void PrintTo(signature_check c, std::ostream* os) {
  *os << to_string(c);
}

namespace {

const std::int64_t t0 = 1700000000;
const std::string session_body =
    R"({"id":"evt_1SessionDone","object":"event","type":"checkout.session.completed",)"
    R"("created":1700000000,"data":{"object":{"id":"cs_test_a1","object":"checkout.session",)"
    R"("amount_total":19796,"currency":"usd","payment_status":"paid","payment_intent":"pi_3Abc",)"
    R"("client_reference_id":"ord_tok_client","metadata":{"order_token":"ord_tok_meta",)"
    R"("payment_token":"pay_tok_1"}}}})";
// HMAC-SHA256 of "1700000000." + session_body with each secret.
const std::string sig_current = "775ebae9fe8db9d995a46a883120ed0b301b057a0a493e374e73f441be204ca9";
const std::string sig_previous = "30c0054180a85b1ea9dcb67cf4c60d58a211ec9318af585d2d429c2fbcddf036";
const std::string sig_other = "7a33ca5600115c5e5c18fb7a05243fd1d3caf42fe21b4c7e6ae03b25617f044b";
const std::vector<std::string> rotating{"whsec_current", "whsec_previous"};
const std::int64_t tolerance = 300;

std::string header_with(const std::string& sig, std::int64_t t = t0) {
  return "t=" + std::to_string(t) + ",v1=" + sig;
}

signature_check check(const std::string& header, std::int64_t now = t0,
                      const std::vector<std::string>& secrets = rotating,
                      const std::string& body = session_body) {
  return verify_signature(secrets, header, body, now, tolerance);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// ---- signature ----------------------------------------------------------------------

TEST(StripeSignature, KnownAnswers) {
  EXPECT_EQ(signature_header("whsec_current", t0, session_body), header_with(sig_current));
  EXPECT_EQ(signature_header("whsec_previous", t0, session_body), header_with(sig_previous));
  EXPECT_EQ(signature_header("whsec_other", t0, session_body), header_with(sig_other));
  EXPECT_EQ(signature_header("whsec_current", t0, "{}"),
            "t=1700000000,v1=f6f73697ce109fa4dd61f505995eb3d3e625ff9bfc0e0795b6d93b45b613c3cc");
}

TEST(StripeSignature, CurrentAndPreviousSecretsVerify) {
  EXPECT_EQ(check(header_with(sig_current)), signature_check::ok);
  EXPECT_EQ(check(header_with(sig_previous)), signature_check::ok);
  const std::vector<std::string> reversed{"whsec_previous", "whsec_current"};
  EXPECT_EQ(check(header_with(sig_current), t0, reversed), signature_check::ok);
}

TEST(StripeSignature, AThirdSecretIsAMismatch) {
  EXPECT_EQ(check(header_with(sig_other)), signature_check::mismatch);
  const std::vector<std::string> only_current{"whsec_current"};
  EXPECT_EQ(check(header_with(sig_previous), t0, only_current), signature_check::mismatch);
}

TEST(StripeSignature, EmptySecretsNeverVerify) {
  const auto empty_key = signature_header("", t0, session_body);
  EXPECT_EQ(check(empty_key, t0, {}), signature_check::mismatch);
  EXPECT_EQ(check(empty_key, t0, {"", ""}), signature_check::mismatch);
  EXPECT_EQ(check(header_with(sig_current), t0, {"", ""}), signature_check::mismatch);
  EXPECT_EQ(check(empty_key, t0, {"whsec_current", ""}), signature_check::mismatch);
  EXPECT_EQ(check(header_with(sig_current), t0, {"", "whsec_current"}), signature_check::ok);
}

TEST(StripeSignature, ToleranceEdges) {
  const auto h = header_with(sig_current);
  EXPECT_EQ(check(h, t0 + 300), signature_check::ok);
  EXPECT_EQ(check(h, t0 + 301), signature_check::stale);
  EXPECT_EQ(check(h, t0 - 300), signature_check::ok);  // a sender clock ahead of ours
  EXPECT_EQ(check(h, t0 - 301), signature_check::stale);
  EXPECT_EQ(check(h, t0 + 86400), signature_check::stale);
  EXPECT_EQ(verify_signature(rotating, h, session_body, t0, 0), signature_check::ok);
  EXPECT_EQ(verify_signature(rotating, h, session_body, t0 + 1, 0), signature_check::stale);
  EXPECT_EQ(verify_signature(rotating, h, session_body, t0, -1), signature_check::stale);
}

TEST(StripeSignature, ExtremeClocksAreStaleNotUndefined) {
  const auto h = header_with(sig_current);
  EXPECT_EQ(check(h, std::numeric_limits<std::int64_t>::max()), signature_check::stale);
  EXPECT_EQ(check(h, std::numeric_limits<std::int64_t>::min()), signature_check::stale);
  EXPECT_EQ(
      verify_signature(rotating, h, session_body, t0, std::numeric_limits<std::int64_t>::max()),
      signature_check::ok);
}

TEST(StripeSignature, ForgedOldHeaderIsAMismatchNotStale) {
  EXPECT_EQ(check(header_with(sig_other), t0 + 100000), signature_check::mismatch);
  // A fresh t on an old signature: t is signed, so it no longer matches.
  EXPECT_EQ(check(header_with(sig_current, t0 + 1), t0 + 1), signature_check::mismatch);
}

TEST(StripeSignature, AnyOfSeveralV1Entries) {
  EXPECT_EQ(check("t=1700000000,v1=" + sig_other + ",v1=" + sig_current), signature_check::ok);
  EXPECT_EQ(check("t=1700000000,v1=" + sig_previous + ",v1=" + sig_other), signature_check::ok);
  EXPECT_EQ(check("t=1700000000,v1=" + sig_other + ",v1=" + std::string(64, '0')),
            signature_check::mismatch);
  // v0 and unknown schemes are ignored, wherever they stand.
  EXPECT_EQ(check("v0=" + sig_other + ",t=1700000000,v1=" + sig_current + ",v9=x"),
            signature_check::ok);
  // The right HMAC under v0 is not a v1.
  EXPECT_EQ(check("t=1700000000,v0=" + sig_current + ",v1=" + sig_other),
            signature_check::mismatch);
}

TEST(StripeSignature, ToleratesCaseAndSpaces) {
  EXPECT_EQ(check(header_with(upper(sig_current))), signature_check::ok);
  EXPECT_EQ(check(" t=1700000000, v1=" + sig_current + " "), signature_check::ok);
}

TEST(StripeSignature, TheBodyIsSigned) {
  auto spaced = session_body;
  spaced.insert(1, " ");
  EXPECT_EQ(check(header_with(sig_current), t0, rotating, spaced), signature_check::mismatch);
  auto changed = session_body;
  changed.replace(changed.find("19796"), 5, "19797");
  EXPECT_EQ(check(header_with(sig_current), t0, rotating, changed), signature_check::mismatch);
}

TEST(StripeSignature, EveryOneCharacterChangeIsAMismatch) {
  for (size_t i = 0; i < sig_current.size(); ++i) {
    auto bad = sig_current;
    bad[i] = bad[i] == 'a' ? 'b' : 'a';
    EXPECT_EQ(check(header_with(bad)), signature_check::mismatch) << i;
  }
  EXPECT_EQ(check(header_with(sig_current.substr(0, 63))), signature_check::mismatch);
  EXPECT_EQ(check(header_with(sig_current + "0")), signature_check::mismatch);
  EXPECT_EQ(check(header_with("zz")), signature_check::mismatch);
}

TEST(StripeSignature, MissingHeader) {
  EXPECT_EQ(check(""), signature_check::missing);
  EXPECT_EQ(check("   "), signature_check::missing);
}

TEST(StripeSignature, MalformedHeaders) {
  const std::string v1 = "v1=" + sig_current;
  for (const std::string& header : std::vector<std::string>{
           std::string("garbage"), v1, "t=1700000000", "t=1700000000,v1=", "t=," + v1,
           "t=abc," + v1, "t=-5," + v1, "t=17e8," + v1, "t=1700000000.5," + v1,
           "t=1700000000,t=1700000000," + v1, "t=1700000000;" + v1, "=x,t=1700000000," + v1,
           "t=1700000000,junk," + v1, "t=1700000000,v0=" + sig_current,
           "t=12345678901234567890," + v1, "T=1700000000," + v1}) {
    EXPECT_EQ(check(header), signature_check::malformed) << header;
  }
}

TEST(StripeSignature, AgreesWithSignatureHeader) {
  for (auto body : {std::string(), std::string("{}"), std::string(5000, 'x'), session_body}) {
    const std::vector<std::string> secrets{"whsec_x"};
    auto h = signature_header("whsec_x", 1234567890, body);
    EXPECT_EQ(verify_signature(secrets, h, body, 1234567890, 300), signature_check::ok);
    EXPECT_EQ(verify_signature(secrets, signature_header("whsec_X", 1234567890, body), body,
                               1234567890, 300),
              signature_check::mismatch);
  }
}

// ---- parse_event ---------------------------------------------------------------------

gateway_event parsed(const std::string& body) {
  auto ev = parse_event(body);
  EXPECT_TRUE(ev) << body << ": " << (ev ? "" : to_string(ev.error()));
  return ev ? *ev : gateway_event{};
}

std::string event_body(const std::string& type, const std::string& object,
                       const std::string& id = "evt_1") {
  return R"({"id":")" + id + R"(","object":"event","type":")" + type +
         R"(","created":1700000123,"livemode":false,"data":{"object":)" + object + "}}";
}

TEST(StripeParseEvent, SessionCompletedPaid) {
  auto ev = parsed(session_body);
  EXPECT_EQ(ev.gateway, "stripe");
  EXPECT_EQ(ev.event_id, "evt_1SessionDone");
  EXPECT_EQ(ev.type, "checkout.session.completed");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.note, "");
  EXPECT_EQ(ev.gateway_order_id, "cs_test_a1");
  EXPECT_EQ(ev.payment_id, "pi_3Abc");
  EXPECT_EQ(ev.order_token, "ord_tok_meta");
  EXPECT_EQ(ev.payment_token, "pay_tok_1");
  EXPECT_EQ(ev.amount, 19796);
  EXPECT_EQ(ev.currency, "USD");
  EXPECT_EQ(ev.reason, "");
  EXPECT_EQ(ev.occurred_at, 1700000000LL * 1000000);
}

TEST(StripeParseEvent, SessionOrderTokenFallsBackToClientReference) {
  auto no_metadata = parsed(
      event_body("checkout.session.completed",
                 R"({"id":"cs_2","amount_total":500,"currency":"eur","payment_status":"paid",)"
                 R"("payment_intent":"pi_2","client_reference_id":"ord_ref"})"));
  EXPECT_EQ(no_metadata.order_token, "ord_ref");
  EXPECT_EQ(no_metadata.payment_token, "");
  EXPECT_EQ(no_metadata.currency, "EUR");
  EXPECT_EQ(no_metadata.occurred_at, 1700000123LL * 1000000);

  auto wrong_types =
      parsed(event_body("checkout.session.completed",
                        R"({"id":"cs_3","payment_status":"paid","client_reference_id":"ord_ref",)"
                        R"("metadata":{"order_token":12,"payment_token":["p"]}})"));
  EXPECT_EQ(wrong_types.order_token, "ord_ref");
  EXPECT_EQ(wrong_types.payment_token, "");

  auto metadata_not_object = parsed(event_body(
      "checkout.session.completed",
      R"({"id":"cs_4","payment_status":"paid","client_reference_id":"ord_ref","metadata":"x"})"));
  EXPECT_EQ(metadata_not_object.order_token, "ord_ref");
}

TEST(StripeParseEvent, SessionExpandedPaymentIntent) {
  auto ev = parsed(event_body(
      "checkout.session.completed",
      R"({"id":"cs_5","payment_status":"paid","amount_total":100,)"
      R"("payment_intent":{"id":"pi_expanded","object":"payment_intent","amount":100}})"));
  EXPECT_EQ(ev.payment_id, "pi_expanded");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
}

TEST(StripeParseEvent, SessionCompletedWithoutPayment) {
  for (std::string status : {"unpaid", "no_payment_required"}) {
    auto ev = parsed(event_body("checkout.session.completed",
                                R"({"id":"cs_6","amount_total":900,"payment_status":")" + status +
                                    R"(","payment_intent":null})"));
    EXPECT_EQ(ev.kind, gateway_event_kind::none) << status;
    EXPECT_EQ(ev.note, "session completed, payment " + status);
    EXPECT_EQ(ev.gateway_order_id, "cs_6");
    EXPECT_EQ(ev.payment_id, "");
    EXPECT_EQ(ev.amount, 900);
  }
  auto absent = parsed(event_body("checkout.session.completed", R"({"id":"cs_7"})"));
  EXPECT_EQ(absent.kind, gateway_event_kind::none);
  EXPECT_EQ(absent.note, "session completed, payment unknown");
  auto wrong_type =
      parsed(event_body("checkout.session.completed", R"({"id":"cs_8","payment_status":true})"));
  EXPECT_EQ(wrong_type.kind, gateway_event_kind::none);
}

TEST(StripeParseEvent, AsyncPaymentSucceededAndFailed) {
  const std::string session =
      R"({"id":"cs_9","amount_total":4200,"currency":"inr","payment_status":"paid",)"
      R"("payment_intent":"pi_9","metadata":{"order_token":"ord_9","payment_token":"pt_9"}})";
  auto ok = parsed(event_body("checkout.session.async_payment_succeeded", session));
  EXPECT_EQ(ok.kind, gateway_event_kind::captured);
  EXPECT_EQ(ok.amount, 4200);
  EXPECT_EQ(ok.currency, "INR");
  EXPECT_EQ(ok.order_token, "ord_9");
  EXPECT_EQ(ok.payment_token, "pt_9");

  auto unpaid = parsed(event_body("checkout.session.async_payment_succeeded",
                                  R"({"id":"cs_9","payment_status":"unpaid"})"));
  EXPECT_EQ(unpaid.kind, gateway_event_kind::none);

  auto failed =
      parsed(event_body("checkout.session.async_payment_failed",
                        R"({"id":"cs_9","payment_status":"unpaid","payment_intent":"pi_9",)"
                        R"("metadata":{"order_token":"ord_9","payment_token":"pt_9"}})"));
  EXPECT_EQ(failed.kind, gateway_event_kind::failed);
  EXPECT_FALSE(failed.reason.empty());
  EXPECT_EQ(failed.gateway_order_id, "cs_9");
  EXPECT_EQ(failed.payment_id, "pi_9");
  EXPECT_EQ(failed.order_token, "ord_9");
  EXPECT_EQ(failed.payment_token, "pt_9");
}

TEST(StripeParseEvent, SessionExpired) {
  auto ev = parsed(event_body(
      "checkout.session.expired",
      R"({"id":"cs_10","object":"checkout.session","status":"expired","payment_status":"unpaid",)"
      R"("amount_total":1500,"currency":"usd","payment_intent":null,)"
      R"("client_reference_id":"ord_10","metadata":{"payment_token":"pt_10"}})",
      "evt_expired"));
  EXPECT_EQ(ev.event_id, "evt_expired");
  EXPECT_EQ(ev.kind, gateway_event_kind::failed);
  EXPECT_EQ(ev.reason, "checkout session expired");
  EXPECT_EQ(ev.gateway_order_id, "cs_10");
  EXPECT_EQ(ev.payment_id, "");
  EXPECT_EQ(ev.order_token, "ord_10");
  EXPECT_EQ(ev.payment_token, "pt_10");
}

TEST(StripeParseEvent, PaymentIntentFailed) {
  auto ev = parsed(event_body(
      "payment_intent.payment_failed",
      R"({"id":"pi_F","object":"payment_intent","amount":2500,"currency":"gbp",)"
      R"("status":"requires_payment_method","metadata":{"order_token":"ord_F",)"
      R"("payment_token":"pt_F"},"last_payment_error":{"code":"card_declined",)"
      R"("decline_code":"insufficient_funds","message":"Your card has insufficient funds.",)"
      R"("type":"card_error"}})"));
  EXPECT_EQ(ev.kind, gateway_event_kind::failed);
  EXPECT_EQ(ev.payment_id, "pi_F");
  EXPECT_EQ(ev.gateway_order_id, "");
  EXPECT_EQ(ev.amount, 2500);
  EXPECT_EQ(ev.currency, "GBP");
  EXPECT_EQ(ev.order_token, "ord_F");
  EXPECT_EQ(ev.payment_token, "pt_F");
  EXPECT_EQ(ev.reason, "Your card has insufficient funds.");

  auto code_only = parsed(
      event_body("payment_intent.payment_failed",
                 R"({"id":"pi_G","amount":"2500","last_payment_error":{"code":"expired_card"}})"));
  EXPECT_EQ(code_only.reason, "expired_card");
  EXPECT_EQ(code_only.amount, 0);
  auto no_error = parsed(
      event_body("payment_intent.payment_failed", R"({"id":"pi_H","last_payment_error":null})"));
  EXPECT_EQ(no_error.kind, gateway_event_kind::failed);
  EXPECT_EQ(no_error.reason, "");
}

std::string charge(const std::string& fields) {
  return R"({"id":"ch_1","object":"charge","currency":"usd","payment_intent":"pi_R",)" + fields +
         "}";
}

TEST(StripeParseEvent, ChargeFullyRefunded) {
  auto ev = parsed(event_body(
      "charge.refunded", charge(R"("amount":19796,"amount_refunded":19796,"refunded":true,)"
                                R"("metadata":{"order_token":"ord_R","payment_token":"pt_R"})")));
  EXPECT_EQ(ev.kind, gateway_event_kind::refunded);
  EXPECT_EQ(ev.note, "");
  EXPECT_EQ(ev.amount, 19796);
  EXPECT_EQ(ev.payment_id, "pi_R");
  EXPECT_EQ(ev.currency, "USD");
  EXPECT_EQ(ev.order_token, "ord_R");
  EXPECT_EQ(ev.payment_token, "pt_R");
  EXPECT_EQ(ev.gateway_order_id, "");
}

TEST(StripeParseEvent, EachSignOfAFullChargeRefundSuffices) {
  auto by_flag = parsed(event_body("charge.refunded", charge(R"("refunded":true)")));
  EXPECT_EQ(by_flag.kind, gateway_event_kind::refunded);
  auto by_amount = parsed(
      event_body("charge.refunded", charge(R"("amount":700,"amount_refunded":700,"metadata":{})")));
  EXPECT_EQ(by_amount.kind, gateway_event_kind::refunded);
  EXPECT_EQ(by_amount.order_token, "");
  auto expanded = parsed(
      event_body("charge.refunded",
                 R"({"id":"ch_2","payment_intent":{"id":"pi_X"},"amount":1,"amount_refunded":1})"));
  EXPECT_EQ(expanded.payment_id, "pi_X");
  EXPECT_EQ(expanded.kind, gateway_event_kind::refunded);
}

TEST(StripeParseEvent, PartialChargeRefundIsOnlyRecorded) {
  auto ev = parsed(event_body("charge.refunded",
                              charge(R"("amount":5000,"amount_refunded":2000,"refunded":false,)"
                                     R"("metadata":{"order_token":"ord_P"})")));
  EXPECT_EQ(ev.kind, gateway_event_kind::none);
  EXPECT_EQ(ev.note, "partial refund of 2000");
  EXPECT_EQ(ev.amount, 2000);
  EXPECT_EQ(ev.payment_id, "pi_R");
  EXPECT_EQ(ev.order_token, "ord_P");
}

TEST(StripeParseEvent, WrongTypedChargeFieldsNeverMakeAFullRefund) {
  for (std::string fields :
       {R"("amount":5000,"amount_refunded":2000,"refunded":"true")",
        R"("amount":"2000","amount_refunded":2000)", R"("amount":0,"amount_refunded":0)",
        R"("amount_refunded":2000)", R"("amount":5000,"amount_refunded":"5000")",
        R"("amount":5000,"amount_refunded":5000.0)", R"("refunded":1)"}) {
    auto ev = parsed(event_body("charge.refunded", charge(fields)));
    EXPECT_EQ(ev.kind, gateway_event_kind::none) << fields;
    EXPECT_EQ(ev.note.rfind("partial refund of ", 0), 0u) << fields;
  }
}

TEST(StripeParseEvent, WrongTypedFieldsCountAsAbsent) {
  auto ev =
      parsed(R"({"id":"evt_W","type":"checkout.session.completed","created":"1700000000",)"
             R"("data":{"object":{"id":17,"amount_total":"19796","currency":840,)"
             R"("payment_status":"paid","payment_intent":["pi_1"],"client_reference_id":{}}}})");
  EXPECT_EQ(ev.kind, gateway_event_kind::captured);
  EXPECT_EQ(ev.occurred_at, 0);
  EXPECT_EQ(ev.gateway_order_id, "");
  EXPECT_EQ(ev.amount, 0);
  EXPECT_EQ(ev.currency, "");
  EXPECT_EQ(ev.payment_id, "");
  EXPECT_EQ(ev.order_token, "");
  for (std::string created : {"-1", "1.5", "9223372036854775807", "null"}) {
    auto odd =
        parsed(R"({"id":"evt_C","type":"x","created":)" + created + R"(,"data":{"object":{}}})");
    EXPECT_EQ(odd.occurred_at, 0) << created;
  }
}

TEST(StripeParseEvent, OtherTypesAreIgnored) {
  for (std::string type : {"payment_intent.succeeded", "charge.succeeded", "customer.created",
                           "charge.refund.updated", "checkout.session.Completed"}) {
    auto ev =
        parsed(event_body(type, R"({"id":"pi_1","amount":5,"metadata":{"order_token":"o"}})"));
    EXPECT_EQ(ev.type, type);
    EXPECT_EQ(ev.kind, gateway_event_kind::none) << type;
    EXPECT_EQ(ev.note, "ignored type") << type;
    EXPECT_EQ(ev.event_id, "evt_1");
  }
}

TEST(StripeParseEvent, MalformedIsBadWebhook) {
  const std::string data = R"("data":{"object":{"id":"cs_1"}})";
  for (std::string body :
       {std::string(""), std::string("not json"), std::string("[]"), std::string("null"),
        std::string("{}"), R"({"type":"checkout.session.completed",)" + data + "}",
        R"({"id":"","type":"checkout.session.completed",)" + data + "}",
        R"({"id":5,"type":"checkout.session.completed",)" + data + "}",
        R"({"id":"evt_1",)" + data + "}", R"({"id":"evt_1","type":7,)" + data + "}",
        std::string(R"({"id":"evt_1","type":"checkout.session.completed"})"),
        std::string(R"({"id":"evt_1","type":"checkout.session.completed","data":{}})"),
        std::string(R"({"id":"evt_1","type":"checkout.session.completed","data":[]})"),
        std::string(R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":"x"}})"),
        std::string(R"({"id":"evt_1","type":"charge.refunded","data":{"object":[]}})"),
        std::string(R"({"id":"evt_1","type":"charge.refunded","data":{"object":)")}) {
    auto ev = parse_event(body);
    ASSERT_FALSE(ev) << body;
    EXPECT_EQ(ev.error().category(), checkout_error_category) << body;
    EXPECT_EQ(static_cast<errc>(ev.error().code()), errc::bad_webhook) << body;
    auto v = describe(ev.error());
    EXPECT_EQ(v.status, 400) << body;
    EXPECT_EQ(v.code, 7003) << body;
  }
}

}  // namespace
}  // namespace checkout::stripe_webhook
