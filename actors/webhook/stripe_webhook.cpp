#include "actors/webhook/stripe_webhook.hpp"

#include <rapidjson/document.h>

#include <optional>

#include "actors/common/ascii_case.hpp"
#include "actors/errors.hpp"
#include "actors/webhook/webhook_payload.hpp"

namespace checkout::stripe_webhook {

using webhook_payload::equal_constant_time;
using webhook_payload::hmac_sha256_hex;
using webhook_payload::member;
using webhook_payload::money;
using webhook_payload::object_member;
using webhook_payload::seconds_to_micros;
using webhook_payload::str;

namespace {

// ---- signature ---------------------------------------------------------------

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  auto end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

struct parsed_header {
  std::string t;  // as sent: the signed payload starts with these exact characters
  std::int64_t t_seconds = 0;
  std::vector<std::string> v1;  // lower-cased
};

// Unix seconds: plain digits, at most 18 of them so the value cannot overflow.
std::optional<std::int64_t> unix_seconds(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<parsed_header> parse_header(const std::string& header) {
  parsed_header out;
  bool have_t = false;
  std::size_t start = 0;
  while (start <= header.size()) {
    auto comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    auto element = trim(header.substr(start, comma - start));
    start = comma + 1;
    if (element.empty()) continue;  // a stray comma carries nothing
    auto eq = element.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    auto key = element.substr(0, eq);
    auto value = element.substr(eq + 1);
    if (key == "t") {
      auto seconds = unix_seconds(value);
      if (have_t || !seconds) return std::nullopt;
      have_t = true;
      out.t = value;
      out.t_seconds = *seconds;
    } else if (key == "v1") {
      if (!value.empty()) out.v1.push_back(ascii_lower(value));
    }
    // v0 (test-mode legacy scheme) and unknown schemes are not ours to check.
  }
  if (!have_t || out.v1.empty()) return std::nullopt;
  return out;
}

bool within(std::int64_t now, std::int64_t t, std::int64_t tolerance) {
  if (tolerance < 0) return false;
  // Unsigned, so |now - t| is exact for any now: t is at most 18 digits, so
  // the true distance is below 2^64.
  auto distance = now >= t ? static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(t)
                           : static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(now);
  return distance <= static_cast<std::uint64_t>(tolerance);
}

// ---- JSON fields -------------------------------------------------------------

using value = rapidjson::Value;

// An id field Stripe may expand into the object it names.
std::string id_or_expanded(const value* v, const char* name) {
  auto m = member(v, name);
  if (m && m->IsString()) return std::string(m->GetString(), m->GetStringLength());
  return str(m, "id");
}

// ---- event types ----------------------------------------------------------------

// Ours travel in the session's metadata (client_reference_id holds the order
// token too, for sessions created before metadata was set).
void read_session(const value* session, gateway_event& ev) {
  auto metadata = object_member(session, "metadata");
  ev.gateway_order_id = str(session, "id");
  ev.payment_id = id_or_expanded(session, "payment_intent");
  ev.order_token = str(metadata, "order_token");
  if (ev.order_token.empty()) ev.order_token = str(session, "client_reference_id");
  ev.payment_token = str(metadata, "payment_token");
  ev.amount = money(session, "amount_total").value_or(0);
}

void session_paid_or_pending(const value* session, gateway_event& ev) {
  auto status = str(session, "payment_status");
  if (status == "paid") {
    ev.kind = gateway_event_kind::captured;
  } else {
    ev.note = "session completed, payment " + (status.empty() ? std::string("unknown") : status);
  }
}

void read_tokens(const value* object, gateway_event& ev) {
  auto metadata = object_member(object, "metadata");
  ev.order_token = str(metadata, "order_token");
  ev.payment_token = str(metadata, "payment_token");
}

void payment_intent_failed(const value* intent, gateway_event& ev) {
  ev.kind = gateway_event_kind::failed;
  ev.payment_id = str(intent, "id");
  ev.amount = money(intent, "amount").value_or(0);
  read_tokens(intent, ev);
  auto error = object_member(intent, "last_payment_error");
  ev.reason = str(error, "message");
  if (ev.reason.empty()) ev.reason = str(error, "code");
}

// Only a refund of the whole charge undoes the order; a partial one is recorded.
void charge_refunded(const value* charge, gateway_event& ev) {
  ev.payment_id = id_or_expanded(charge, "payment_intent");
  read_tokens(charge, ev);
  auto refunded = money(charge, "amount_refunded");
  auto charged = money(charge, "amount");
  ev.amount = refunded.value_or(0);
  auto flag = member(charge, "refunded");
  bool whole = (flag && flag->IsBool() && flag->GetBool()) ||
               (refunded && charged && *charged > 0 && *refunded >= *charged);
  if (whole)
    ev.kind = gateway_event_kind::refunded;
  else
    ev.note = "partial refund of " + std::to_string(ev.amount);
}

}  // namespace

const char* to_string(signature_check c) {
  switch (c) {
    case signature_check::ok:
      return "ok";
    case signature_check::missing:
      return "missing";
    case signature_check::malformed:
      return "malformed";
    case signature_check::mismatch:
      return "mismatch";
    case signature_check::stale:
      return "stale";
  }
  return "unknown";
}

signature_check verify_signature(const std::vector<std::string>& secrets, const std::string& header,
                                 const std::string& raw_body, std::int64_t now_seconds,
                                 std::int64_t tolerance_seconds) {
  if (trim(header).empty()) return signature_check::missing;
  auto parsed = parse_header(header);
  if (!parsed) return signature_check::malformed;
  const auto signed_payload = parsed->t + "." + raw_body;
  bool matched = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    const auto expected = hmac_sha256_hex(secret, signed_payload);
    for (const auto& given : parsed->v1) {
      if (equal_constant_time(given, expected)) matched = true;
    }
  }
  if (!matched) return signature_check::mismatch;
  if (!within(now_seconds, parsed->t_seconds, tolerance_seconds)) return signature_check::stale;
  return signature_check::ok;
}

std::string signature_header(const std::string& secret, std::int64_t t,
                             const std::string& raw_body) {
  const auto ts = std::to_string(t);
  return "t=" + ts + ",v1=" + hmac_sha256_hex(secret, ts + "." + raw_body);
}

caf::expected<gateway_event> parse_event(const std::string& raw_body) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(raw_body.c_str(), raw_body.size());  // no recursion
  if (d.HasParseError() || !d.IsObject())
    return make_error(errc::bad_webhook, "body is not a JSON object");
  gateway_event ev;
  ev.gateway = "stripe";
  ev.event_id = str(&d, "id");
  if (ev.event_id.empty()) return make_error(errc::bad_webhook, "id is missing");
  ev.type = str(&d, "type");
  if (ev.type.empty()) return make_error(errc::bad_webhook, "type is missing");
  const value* object = object_member(object_member(&d, "data"), "object");
  if (!object) return make_error(errc::bad_webhook, "data.object is missing");
  ev.occurred_at = seconds_to_micros(member(&d, "created"));
  ev.currency = ascii_upper(str(object, "currency"));

  if (ev.type == "checkout.session.completed" ||
      ev.type == "checkout.session.async_payment_succeeded") {
    read_session(object, ev);
    session_paid_or_pending(object, ev);
  } else if (ev.type == "checkout.session.async_payment_failed") {
    read_session(object, ev);
    ev.kind = gateway_event_kind::failed;
    ev.reason = "asynchronous payment failed";
  } else if (ev.type == "checkout.session.expired") {
    read_session(object, ev);
    ev.kind = gateway_event_kind::failed;
    ev.reason = "checkout session expired";
  } else if (ev.type == "payment_intent.payment_failed") {
    payment_intent_failed(object, ev);
  } else if (ev.type == "charge.refunded") {
    charge_refunded(object, ev);
  } else {
    ev.note = "ignored type";
  }
  return ev;
}

}  // namespace checkout::stripe_webhook
