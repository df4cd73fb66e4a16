#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/routes/render.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

// The same request is the same JSON value, whatever its white space.
std::string request_hash(const std::string& route, const rapidjson::Value& body) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  body.Accept(w);
  std::string text = route + "\n" + std::string(buf.GetString(), buf.GetSize());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0x0f]);
  }
  return out;
}

bool allowed_redirect(const config::settings& cfg, const std::string& url) {
  for (auto& origin : cfg.allowed_redirect_origins)
    if (url.rfind(origin, 0) == 0 &&
        (url.size() == origin.size() || url[origin.size()] == '/' || url[origin.size()] == '?'))
      return true;
  return false;
}

bool is_key_conflict(const caf::error& err) {
  if (err.category() != checkout_error_category) return false;
  auto c = static_cast<errc>(err.code());
  return c == errc::idempotency_key_mismatch || c == errc::idempotency_in_progress;
}

// Stores the first answer under the key (a 5xx releases it instead), then sends it.
void finish(const api_ptr& api, const place_order_request& pr, responder out, response res) {
  idempotent_response stored{pr.user_id, "orders", pr.idempotency_key,
                             res.status >= 500 ? 0 : res.status, res.body};
  auto shared = std::make_shared<response>(std::move(res));
  ask<ack_reply>(
      *api->sys, api->actors.orders, api->actors.db_timeout,
      caf::make_message(store_atom::value, std::move(stored)),
      [=](ack_reply&) { out.send(*shared); }, [=](const caf::error&) { out.send(*shared); });
}

void place_order(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  place_order_request pr;
  pr.user_id = user->user_id;
  pr.correlation_id = req.correlation_id;
  pr.cart_token = f.str("cart_token", 64);
  pr.gateway = f.opt_str("gateway", 32).value_or("");
  pr.success_url = f.opt_str("success_url", 2048).value_or("");
  pr.cancel_url = f.opt_str("cancel_url", 2048).value_or("");
  auto body_key = f.opt_str("idempotency_key", 255);
  auto& cfg = *api->actors.cfg;
  if (!pr.success_url.empty() && !allowed_redirect(cfg, pr.success_url))
    f.add_problem("success_url must start with an allowed redirect origin");
  if (!pr.cancel_url.empty() && !allowed_redirect(cfg, pr.cancel_url))
    f.add_problem("cancel_url must start with an allowed redirect origin");
  pr.idempotency_key = req.header("Idempotency-Key");
  if (pr.idempotency_key.empty() && body_key) pr.idempotency_key = *body_key;
  if (pr.idempotency_key.empty())
    return answer_error(req, out, make_error(errc::idempotency_key_missing));
  if (pr.idempotency_key.size() > 255) f.add_problem("Idempotency-Key must be 1 to 255 characters");
  if (!f.ok()) return answer_error(req, out, f.error());
  pr.request_hash = request_hash("POST /orders", *doc);

  auto corr = req.correlation_id;
  ask<place_order_reply>(
      *api->sys, api->actors.orders, api->actors.db_timeout * 4,
      caf::make_message(place_atom::value, pr),
      [=](place_order_reply& r) {
        response res;
        if (r.replay) {
          res.status = r.status;
          res.body = r.body;
          res.headers.emplace_back("Idempotent-Replayed", "true");
          out.send(std::move(res));
          return;
        }
        res.status = 201;
        res.body = success_body(
            201,
            [&](json_writer& w) {
              w.Key("order");
              w.StartObject();
              write_order(w, r.order);
              w.EndObject();
            },
            corr);
        finish(api, pr, out, std::move(res));
      },
      [=](const caf::error& err) {
        response res;
        auto view = describe(err);
        res.status = view.status;
        res.body = error_body(view, corr);
        // A conflict on the key itself must not touch what the key holds.
        if (is_key_conflict(err))
          out.send(std::move(res));
        else
          finish(api, pr, out, std::move(res));
      });
}

void get_order(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  auto token = req.params.at("order_token");
  ask_and_render<order_record>(
      api, api->actors.orders,
      caf::make_message(token,
                        caf::make_message(get_atom::value, order_query{token, user->user_id})),
      req, out, 200, [](json_writer& w, const order_record& o) {
        w.Key("order");
        w.StartObject();
        write_order(w, o);
        w.EndObject();
      });
}

}  // namespace

void add_order_routes(router& r, const api_ptr& api) {
  auto place = [api](request&& req, responder out) { place_order(api, std::move(req), out); };
  r.add("POST", "/api/v1/orders", place);
  r.add("POST", "/api/v1/order", place);
  r.add("GET", "/api/v1/orders/{order_token}",
        [api](request&& req, responder out) { get_order(api, std::move(req), out); });
}

}  // namespace checkout::http
