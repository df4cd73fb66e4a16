#include "actors/payment/stripe_gateway.hpp"

#include <algorithm>
#include <cctype>

#include "actors/common/ascii_case.hpp"
#include "actors/errors.hpp"
#include "actors/payment/gateway_http.hpp"

namespace checkout::payment {
namespace {

caf::error malformed(const char* step, const char* what) {
  return make_error(errc::gateway_unavailable,
                    std::string("stripe ") + step + ": the answer has no " + what);
}

// payment_intent is an id, or the object when expanded.
std::string payment_intent_of(const rapidjson::Value& s) {
  auto it = s.FindMember("payment_intent");
  if (it == s.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  return json_string(it->value, "id");
}

}  // namespace

std::int64_t stripe_expires_at(micros window_end, micros reference) {
  auto lo = reference + stripe_min_life + stripe_margin;
  auto hi = reference + stripe_max_life - stripe_margin;
  auto at = std::clamp(window_end, lo, hi);
  return (at + 999999) / 1000000;  // rounded up: never under the minimum
}

std::vector<std::int64_t> stripe_expiry_candidates(micros window_end, micros started_at,
                                                   micros now) {
  std::vector<std::int64_t> out;
  auto hi = started_at + stripe_max_life - stripe_margin;
  for (int k = 0; k < 16; ++k) {
    auto lo = started_at + k * stripe_reference_step + stripe_min_life + stripe_margin;
    auto at = (std::clamp(window_end, std::min(lo, hi), hi) + 999999) / 1000000;
    if (out.empty() || out.back() != at) out.push_back(at);
    if (at * 1000000 >= now + stripe_min_life + stripe_margin) break;
  }
  return out;
}

form_fields stripe_session_fields(const session_request& req, std::int64_t expires_at) {
  auto item = [](std::initializer_list<std::string_view> rest) {
    std::string key = "line_items[0]";
    for (auto part : rest) key += "[" + std::string(part) + "]";
    return key;
  };
  auto name = req.description.empty() ? "Order " + req.order_token : req.description;
  return {
      {"mode", "payment"},
      {item({"price_data", "currency"}), ascii_lower(req.currency)},
      {item({"price_data", "unit_amount"}), std::to_string(req.amount)},
      {item({"price_data", "product_data", "name"}), name},
      {item({"quantity"}), "1"},
      {"client_reference_id", req.order_token},
      {form_key({"metadata", "order_token"}), req.order_token},
      {form_key({"metadata", "payment_token"}), req.payment_token},
      // The payment intent carries them too, for events about it (refunds).
      {form_key({"payment_intent_data", "metadata", "order_token"}), req.order_token},
      {form_key({"payment_intent_data", "metadata", "payment_token"}), req.payment_token},
      {"success_url", req.success_url},
      {"cancel_url", req.cancel_url},
      {"expires_at", std::to_string(expires_at)},
  };
}

std::string stripe_session_key(const std::string& payment_token) {
  return "checkout-session-" + payment_token;
}

std::string stripe_refund_key(const std::string& idempotency_key) {
  return "refund-" + idempotency_key;
}

stripe_gateway::stripe_gateway(stripe_options opts) : opts_(std::move(opts)), http_(opts_.http) {}

http_result stripe_gateway::call(const char* method, const std::string& path,
                                 const std::string& form_body,
                                 const std::string& idempotency_key) const {
  http_request req;
  req.method = method;
  req.url = join_url(opts_.api_base, path);
  req.headers = {{"Authorization", "Bearer " + opts_.secret_key}, {"Accept", "application/json"}};
  if (std::string(method) == "POST")
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  if (!idempotency_key.empty()) req.headers.emplace_back("Idempotency-Key", idempotency_key);
  req.body = form_body;
  return http_.send(req);
}

caf::expected<session> stripe_gateway::create_session(const session_request& req) {
  const char* step = "create session";
  auto now = now_micros();
  auto started = req.started_at > 0 ? req.started_at : now;
  auto key = stripe_session_key(req.payment_token);
  http_result result;
  for (auto at : stripe_expiry_candidates(req.expires_at, started, now)) {
    result =
        call("POST", "/v1/checkout/sessions", form_encode(stripe_session_fields(req, at)), key);
    if (!result.answered() || result.response->status != 400) break;
    // Refusals that store nothing under the key: try the next value.
    const auto& refusal = result.response->body;
    if (gateway_error_field(refusal, "type") != "idempotency_error" &&
        gateway_error_field(refusal, "param") != "expires_at")
      break;
  }
  // Stripe answers 409 while another request with this key is still running.
  if (result.answered() && result.response->status == 409)
    return make_error(errc::gateway_unavailable,
                      "stripe create session: the same attempt is being created concurrently");
  auto body = answer_body(name_, step, result);
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto id = json_string(*doc, "id");
  auto url = json_string(*doc, "url");
  if (id.empty()) return malformed(step, "session id");
  if (url.empty()) return malformed(step, "url");
  return session{name_, std::move(id), std::move(url)};
}

caf::expected<remote_payment> stripe_gateway::fetch(const std::string& gateway_order_id) {
  const char* step = "get session";
  auto body = answer_body(
      name_, step,
      call("GET", "/v1/checkout/sessions/" + url_encode_component(gateway_order_id), {}, {}));
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto status = json_string(*doc, "status");
  remote_payment out;
  if (status == "complete" && json_string(*doc, "payment_status") == "paid") {
    out.state = remote_state::captured;
    out.payment_id = payment_intent_of(*doc);
    out.amount = json_int(*doc, "amount_total");
    out.currency = ascii_upper(json_string(*doc, "currency"));
    if (out.payment_id.empty()) return malformed(step, "payment_intent");
  } else if (status == "expired") {
    out.state = remote_state::expired;
  }
  return out;
}

caf::error stripe_gateway::expire(const std::string& gateway_order_id) {
  auto path = "/v1/checkout/sessions/" + url_encode_component(gateway_order_id);
  auto done = answer_body(name_, "expire session", call("POST", path + "/expire", {}, {}));
  if (done) return caf::none;
  auto refused = done.error();
  if (!is_errc(refused, errc::gateway_rejected)) return refused;
  // Stripe refuses to expire a session that is no longer open: ask which.
  auto remote = fetch(gateway_order_id);
  if (!remote) return remote.error();
  if (remote->state == remote_state::expired) return caf::none;
  if (remote->state == remote_state::captured)
    return make_error(errc::gateway_rejected,
                      "stripe expire session: " + gateway_order_id + " is already paid");
  return refused;
}

caf::expected<refund_result> stripe_gateway::refund(const refund_request& req) {
  auto payment_intent = req.payment_id;
  if (payment_intent.empty()) {
    auto remote = fetch(req.gateway_order_id);
    if (!remote) return remote.error();
    if (remote->state != remote_state::captured)
      return make_error(errc::gateway_rejected,
                        "stripe refund: session " + req.gateway_order_id + " is not paid");
    payment_intent = remote->payment_id;
  }
  const char* step = "refund";
  form_fields fields = {{"payment_intent", payment_intent},
                        {"amount", std::to_string(req.amount)},
                        {form_key({"metadata", "order_token"}), req.order_token},
                        {form_key({"metadata", "idempotency_key"}), req.idempotency_key}};
  auto body = answer_body(
      name_, step,
      call("POST", "/v1/refunds", form_encode(fields), stripe_refund_key(req.idempotency_key)));
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto id = json_string(*doc, "id");
  if (id.empty()) return malformed(step, "refund id");
  return refund_result{std::move(id), json_string(*doc, "status")};
}

}  // namespace checkout::payment
