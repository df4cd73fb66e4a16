#include "actors/webhook/razorpay_webhook.hpp"

#include <rapidjson/document.h>

#include <initializer_list>

#include "actors/common/ascii_case.hpp"
#include "actors/errors.hpp"
#include "actors/webhook/webhook_payload.hpp"

namespace checkout::razorpay_webhook {

using rapidjson::Value;
using webhook_payload::equal_constant_time;
using webhook_payload::hmac_sha256_hex;
using webhook_payload::member;
using webhook_payload::money;
using webhook_payload::object_member;
using webhook_payload::seconds_to_micros;
using webhook_payload::str;

namespace {

// The entity under payload.<name>.entity, when it is an object.
const Value* entity(const Value& root, const char* name) {
  return object_member(object_member(object_member(&root, "payload"), name), "entity");
}

std::string first_non_empty(std::initializer_list<std::string> values) {
  for (const auto& v : values)
    if (!v.empty()) return v;
  return {};
}

// A refund settles the order only when it gives back the whole payment; a
// partial one is recorded but leaves the order paid.
bool refunds_whole_payment(const Value* refund, const Value* payment) {
  auto refunded_now = money(refund, "amount");
  auto paid = money(payment, "amount");
  auto refunded_total = money(payment, "amount_refunded");
  if (paid && *paid > 0) {
    if (refunded_now && *refunded_now == *paid) return true;
    if (refunded_total && *refunded_total >= *paid) return true;
  }
  return str(payment, "refund_status") == "full";
}

}  // namespace

std::string sign(const std::string& secret, const std::string& raw_body) {
  return hmac_sha256_hex(secret, raw_body);
}

bool verify_signature(const std::vector<std::string>& secrets, const std::string& raw_body,
                      const std::string& signature_hex) {
  const auto given = ascii_lower(signature_hex);
  bool matched = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    if (equal_constant_time(given, sign(secret, raw_body))) matched = true;
  }
  return matched;
}

caf::expected<gateway_event> parse_event(const std::string& raw_body,
                                         const std::string& event_id_header) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(raw_body.c_str(), raw_body.size());  // no recursion
  if (d.HasParseError() || !d.IsObject())
    return make_error(errc::bad_webhook, "body is not a JSON object");
  gateway_event ev;
  ev.gateway = "razorpay";
  ev.type = str(&d, "event");
  if (ev.type.empty()) return make_error(errc::bad_webhook, "event is missing");
  ev.occurred_at = seconds_to_micros(member(&d, "created_at"));

  const auto* payment = entity(d, "payment");
  const auto* order = entity(d, "order");
  const auto* refund = entity(d, "refund");
  ev.gateway_order_id = first_non_empty({str(payment, "order_id"), str(order, "id")});
  ev.payment_id = first_non_empty({str(payment, "id"), str(refund, "payment_id")});
  ev.currency = ascii_upper(
      first_non_empty({str(payment, "currency"), str(refund, "currency"), str(order, "currency")}));
  ev.amount = money(payment, "amount").value_or(0);

  const bool is_refund = ev.type == "refund.processed";
  if (!event_id_header.empty()) {
    ev.event_id = event_id_header;
  } else {
    auto subject = is_refund ? first_non_empty({str(refund, "id"), ev.payment_id}) : ev.payment_id;
    ev.event_id = ev.type + ":" + (subject.empty() ? ev.gateway_order_id : subject);
  }

  if (ev.type == "payment.captured") {
    ev.kind = gateway_event_kind::captured;
  } else if (ev.type == "order.paid") {
    ev.kind = gateway_event_kind::captured;
    if (auto paid = money(order, "amount_paid")) ev.amount = *paid;
  } else if (ev.type == "payment.failed") {
    ev.kind = gateway_event_kind::failed;
    ev.reason = first_non_empty({str(payment, "error_description"), str(payment, "error_reason"),
                                 str(payment, "error_code")});
  } else if (ev.type == "payment.authorized") {
    ev.note = "authorized; waiting for the capture";
  } else if (is_refund) {
    // Without the refund's own amount, the payment's refunded total is the
    // best figure Razorpay gives.
    ev.amount = money(refund, "amount").value_or(money(payment, "amount_refunded").value_or(0));
    if (refunds_whole_payment(refund, payment))
      ev.kind = gateway_event_kind::refunded;
    else
      ev.note = "partial refund of " + std::to_string(ev.amount);
  } else {
    ev.note = "ignored type";
  }
  return ev;
}

}  // namespace checkout::razorpay_webhook
