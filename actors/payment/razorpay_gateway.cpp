#include "actors/payment/razorpay_gateway.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/errors.hpp"
#include "actors/payment/form_encoding.hpp"
#include "actors/payment/gateway_http.hpp"

namespace checkout::payment {
namespace {

// Razorpay sends `notes` as an object, or as [] when there are none.
std::string note(const rapidjson::Value& entity, const char* key) {
  if (!entity.IsObject()) return {};
  auto it = entity.FindMember("notes");
  if (it == entity.MemberEnd()) return {};
  return json_string(it->value, key);
}

const rapidjson::Value* items_of(const rapidjson::Document& doc) {
  auto it = doc.FindMember("items");
  if (it == doc.MemberEnd() || !it->value.IsArray()) return nullptr;
  return &it->value;
}

caf::error malformed(const char* step, const char* what) {
  return make_error(errc::gateway_unavailable,
                    std::string("razorpay ") + step + ": the answer has no " + what);
}

}  // namespace

razorpay_gateway::razorpay_gateway(razorpay_options opts)
    : opts_(std::move(opts)), http_(opts_.http) {}

caf::expected<std::string> razorpay_gateway::call(const char* method, const std::string& path,
                                                  const char* step,
                                                  const std::string& json_body) const {
  http_request req;
  req.method = method;
  req.url = join_url(opts_.api_base, path);
  req.headers = {{"Authorization", basic_auth(opts_.key_id, opts_.key_secret)},
                 {"Accept", "application/json"}};
  if (!json_body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json_body;
  }
  return answer_body(name_, step, http_.send(req));
}

session razorpay_gateway::session_for(const session_request& req,
                                      std::string gateway_order_id) const {
  return session{name_, std::move(gateway_order_id),
                 opts_.public_base_url + "/api/v1/checkout/razorpay/" + req.payment_token};
}

caf::expected<std::optional<session>> razorpay_gateway::find_order(
    const session_request& req) const {
  const char* step = "order lookup";
  auto body = call(
      "GET", "/v1/orders?receipt=" + url_encode_component(req.order_token) + "&count=100", step);
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto items = items_of(*doc);
  if (!items) return malformed(step, "items");
  for (const auto& order : items->GetArray()) {
    if (note(order, "payment_token") != req.payment_token) continue;
    auto id = json_string(order, "id");
    if (id.empty()) return malformed(step, "order id");
    if (json_int(order, "amount", -1) != req.amount ||
        json_string(order, "currency") != req.currency)
      return make_error(errc::gateway_rejected,
                        "razorpay order " + id + " of this attempt has another amount or currency");
    return std::optional<session>(session_for(req, std::move(id)));
  }
  return std::optional<session>();
}

caf::expected<session> razorpay_gateway::create_session(const session_request& req) {
  auto existing = find_order(req);
  if (!existing) return existing.error();
  if (*existing) return std::move(**existing);

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("amount");
  w.Int64(req.amount);
  w.Key("currency");
  w.String(req.currency);
  w.Key("receipt");
  w.String(req.order_token);
  w.Key("notes");
  w.StartObject();
  w.Key("order_token");
  w.String(req.order_token);
  w.Key("payment_token");
  w.String(req.payment_token);
  w.Key("attempt_no");
  w.String(std::to_string(req.attempt_no));
  w.EndObject();
  w.EndObject();

  const char* step = "create order";
  auto body = call("POST", "/v1/orders", step, buf.GetString());
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto id = json_string(*doc, "id");
  if (id.empty()) return malformed(step, "order id");
  return session_for(req, std::move(id));
}

caf::expected<remote_payment> razorpay_gateway::fetch(const std::string& gateway_order_id) {
  const char* step = "order payments";
  auto body =
      call("GET", "/v1/orders/" + url_encode_component(gateway_order_id) + "/payments", step);
  if (!body) return body.error();
  auto doc = parse_object(name_, step, *body);
  if (!doc) return doc.error();
  auto items = items_of(*doc);
  if (!items) return malformed(step, "items");
  for (const auto& payment : items->GetArray()) {
    auto captured_flag = payment.IsObject() && payment.HasMember("captured") &&
                         payment["captured"].IsBool() && payment["captured"].GetBool();
    if (json_string(payment, "status") != "captured" && !captured_flag) continue;
    remote_payment out;
    out.state = remote_state::captured;
    out.payment_id = json_string(payment, "id");
    out.amount = json_int(payment, "amount");
    out.currency = json_string(payment, "currency");
    if (out.payment_id.empty()) return malformed(step, "payment id");
    return out;
  }
  return remote_payment{};
}

caf::error razorpay_gateway::expire(const std::string&) {
  return caf::none;
}

caf::expected<refund_result> razorpay_gateway::refund(const refund_request& req) {
  auto payment_id = req.payment_id;
  if (payment_id.empty()) {
    // The order actor may not know the payment yet (a capture learned late).
    auto remote = fetch(req.gateway_order_id);
    if (!remote) return remote.error();
    if (remote->state != remote_state::captured)
      return make_error(errc::gateway_rejected, "razorpay refund: order " + req.gateway_order_id +
                                                    " has no captured payment");
    payment_id = remote->payment_id;
  }
  auto base = "/v1/payments/" + url_encode_component(payment_id);

  const char* lookup = "refund lookup";
  auto listed = call("GET", base + "/refunds?count=100", lookup);
  if (!listed) return listed.error();
  auto doc = parse_object(name_, lookup, *listed);
  if (!doc) return doc.error();
  auto items = items_of(*doc);
  if (!items) return malformed(lookup, "items");
  for (const auto& r : items->GetArray()) {
    if (note(r, "idempotency_key") != req.idempotency_key) continue;
    auto id = json_string(r, "id");
    if (id.empty()) return malformed(lookup, "refund id");
    return refund_result{std::move(id), json_string(r, "status")};
  }

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("amount");
  w.Int64(req.amount);
  w.Key("notes");
  w.StartObject();
  w.Key("order_token");
  w.String(req.order_token);
  w.Key("idempotency_key");
  w.String(req.idempotency_key);
  w.EndObject();
  w.EndObject();

  const char* step = "refund";
  auto body = call("POST", base + "/refund", step, buf.GetString());
  if (!body) return body.error();
  auto created = parse_object(name_, step, *body);
  if (!created) return created.error();
  auto id = json_string(*created, "id");
  if (id.empty()) return malformed(step, "refund id");
  return refund_result{std::move(id), json_string(*created, "status")};
}

}  // namespace checkout::payment
