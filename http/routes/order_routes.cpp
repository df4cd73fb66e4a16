// Orders (CONTRACT §7): placing one, a new payment attempt, reading one, the
// caller's list, and an operator's refund. Placement and retries run under an
// Idempotency-Key kept by the order directory.
#include "actors/catalog/catalog_cursor.hpp"
#include "actors/invoice/invoice_link.hpp"
#include "actors/order/order_timing.hpp"
#include "actors/payment/payment_messages.hpp"
#include "http/routes/html_page.hpp"
#include "http/routes/idempotency_support.hpp"
#include "http/routes/invoice_page.hpp"
#include "http/routes/render.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

bool allowed_redirect(const config::settings& cfg, const std::string& url) {
  for (auto& origin : cfg.allowed_redirect_origins)
    if (url.rfind(origin, 0) == 0 &&
        (url.size() == origin.size() || url[origin.size()] == '/' || url[origin.size()] == '?'))
      return true;
  return false;
}

std::chrono::milliseconds order_wait(const api_ptr& api) {
  return order_timing::request_wait(*api->actors.cfg, api->actors.db_timeout);
}

// An order as every order route shows it: its fields, and the link to its
// printable invoice once it has one (CONTRACT §16).
struct order_writer {
  std::string base;
  std::string secret;
  explicit order_writer(const api_ptr& api)
      : base(api->actors.cfg->public_base_url), secret(api->actors.cfg->jwt_secret) {}

  void fields(json_writer& w, const order_record& o) const {
    write_order(w, o);
    w.Key("invoice_url");
    if (invoice::invoiced(o))
      w.String(invoice::link(base, secret, o.token));
    else
      w.Null();
  }
  // {"order": {...}}
  void operator()(json_writer& w, const order_record& o) const {
    w.Key("order");
    w.StartObject();
    fields(w, o);
    w.EndObject();
  }
};

std::string created_body(const order_writer& render, const order_record& o,
                         const std::string& correlation_id) {
  return success_body(
      201, [&](json_writer& w) { render(w, o); }, correlation_id);
}

// Answers a keyed order request: a replay as stored, a new order rendered and
// stored under the key, an error stored too (a 5xx releases the key instead).
// `msg`: a placement or a payment retry, as a std::tuple.
template <class Msg>
void answer_keyed(const api_ptr& api, const keyed_request& k, const request& req, Msg msg,
                  responder out) {
  auto corr = req.correlation_id;
  ask<place_order_reply>(
      *api->sys, api->actors.orders, order_wait(api), std::move(msg),
      [=](place_order_reply& r) {
        if (r.replay) {
          out.send(replayed(r.status, std::move(r.body)));
          return;
        }
        response res;
        res.status = 201;
        if (r.stored) {
          // Stored under the key with the order's last step (render_created).
          res.body = std::move(r.body);
          out.send(std::move(res));
          return;
        }
        res.body = created_body(order_writer(api), r.order, corr);
        finish_keyed(api, api->actors.orders, k, out, std::move(res));
      },
      [=](const caf::error& err) {
        finish_keyed_error(api, api->actors.orders, k, out, err, corr);
      });
}

// The key from the header, or from the body's `idempotency_key`; 400 6000 without one.
bool read_key(const request& req, fields& f, responder& out, std::string& key) {
  auto body_key = f.opt_str("idempotency_key", 255);
  key = idempotency_key_of(req, f);
  if (key.empty() && body_key) key = *body_key;
  if (key.empty() && f.ok()) {
    answer_error(req, out, make_error(errc::idempotency_key_missing));
    return false;
  }
  return true;
}

void place_order(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  place_order_request pr;
  pr.user_id = user->user_id;
  pr.buyer_email = user->email;
  pr.correlation_id = req.correlation_id;
  pr.cart_token = f.str("cart_token", 64);
  pr.gateway = f.opt_str("gateway", 32).value_or("");
  pr.success_url = f.opt_str("success_url", 2048).value_or("");
  pr.cancel_url = f.opt_str("cancel_url", 2048).value_or("");
  auto& cfg = *api->actors.cfg;
  if (!pr.success_url.empty() && !allowed_redirect(cfg, pr.success_url))
    f.add_problem("success_url must start with an allowed redirect origin");
  if (!pr.cancel_url.empty() && !allowed_redirect(cfg, pr.cancel_url))
    f.add_problem("cancel_url must start with an allowed redirect origin");
  if (!read_key(req, f, out, pr.idempotency_key)) return;
  if (!f.ok()) return answer_error(req, out, f.error());
  pr.request_hash = request_hash("POST /orders", *doc);
  pr.render_created = [corr = req.correlation_id, render = order_writer(api)](
                          const order_record& o) { return created_body(render, o, corr); };
  keyed_request k{{pr.user_id, "orders", pr.idempotency_key}, pr.request_hash};
  answer_keyed(api, k, req, std::make_tuple(place_atom::value, pr), std::move(out));
}

void retry_payment(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  auto doc = req.body.empty() ? std::make_shared<rapidjson::Document>() : parse_body(req, out);
  if (!doc) return;
  if (req.body.empty()) doc->SetObject();
  fields f(*doc);
  payment_retry_request rr;
  rr.order_token = req.params.at("order_token");
  rr.user_id = user->user_id;
  rr.correlation_id = req.correlation_id;
  rr.gateway = f.opt_str("gateway", 32).value_or("");
  if (!read_key(req, f, out, rr.idempotency_key)) return;
  if (!f.ok()) return answer_error(req, out, f.error());
  // The order is part of the request: one key cannot retry two orders.
  rr.request_hash = request_hash("POST /orders/" + rr.order_token + "/payments", *doc);
  keyed_request k{{rr.user_id, "payments", rr.idempotency_key}, rr.request_hash};
  answer_keyed(api, k, req, std::make_tuple(retry_atom::value, rr), std::move(out));
}

void get_order(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  auto token = req.params.at("order_token");
  ask_and_render<order_record>(
      api, api->actors.orders,
      std::make_tuple(token, get_atom::value, order_query{token, user->user_id}), req, out, 200,
      order_writer(api));
}

// GET /api/v1/orders?status=&limit=&cursor=
void list_orders(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  order_list_query q;
  q.user_id = user->user_id;
  std::vector<std::string> problems;
  q.status = query_param(req, "status");
  if (!q.status.empty() && !parse_order_status(q.status))
    problems.push_back(
        "status must be one of awaiting_payment, paid, completed, failed, expired, refunded");
  auto limit = query_param(req, "limit");
  if (!limit.empty()) {
    if (auto n = catalog_cursor::parse_limit(limit))
      q.limit = *n;
    else
      problems.push_back("limit must be an integer from 1 to " +
                         std::to_string(catalog_cursor::max_limit));
  }
  q.cursor = query_param(req, "cursor");
  if (q.cursor.size() > catalog_cursor::max_cursor_length)
    problems.push_back("cursor must be the next_cursor of an earlier page");
  if (!problems.empty())
    return answer_error(req, out, make_error(errc::invalid_field, std::move(problems)));
  ask_and_render<order_list>(api, api->actors.orders, std::make_tuple(list_atom::value, q), req,
                             out, 200,
                             [render = order_writer(api)](json_writer& w, const order_list& l) {
                               w.Key("orders");
                               w.StartArray();
                               for (auto& o : l.orders) {
                                 w.StartObject();
                                 render.fields(w, o);
                                 w.EndObject();
                               }
                               w.EndArray();
                               w.Key("next_cursor");
                               if (l.next_cursor.empty())
                                 w.Null();
                               else
                                 w.String(l.next_cursor);
                             });
}

void refund_order(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  auto doc = req.body.empty() ? std::make_shared<rapidjson::Document>() : parse_body(req, out);
  if (!doc) return;
  if (req.body.empty()) doc->SetObject();
  fields f(*doc);
  refund_order_request rr;
  rr.reason = f.opt_str("reason", 500).value_or("");
  rr.correlation_id = req.correlation_id;
  rr.admin = admin->user_id;
  if (!f.ok()) return answer_error(req, out, f.error());
  auto token = req.params.at("order_token");
  // The gateway's refund call is part of the wait.
  ask_and_render_within<order_record>(
      api, order_wait(api), api->actors.orders, std::make_tuple(token, refund_atom::value, rr), req,
      out, [](const order_record&) { return 200; }, order_writer(api));
}

// GET /orders/{t}/invoice (CONTRACT §16): the owner or an admin with a
// Bearer token, or anyone holding the link's key (a browser following the
// email's link sends no token); a printable page for Accept: text/html.
void get_invoice(const api_ptr& api, request&& req, responder out) {
  invoice_lookup q;
  q.order_token = req.params.at("order_token");
  auto key = query_param(req, "key");
  if (!key.empty()) {
    // A wrong key names nothing, as an order of someone else's.
    if (!invoice::valid_access_key(api->actors.cfg->jwt_secret, q.order_token, key))
      return answer_error(req, out, make_error(errc::order_not_found));
    q.any_reader = true;
  } else {
    std::optional<auth_user> user;
    if (!authenticate(api, req, out, true, user)) return;
    q.user_id = user->user_id;
    q.any_reader = user->has_role("admin");
  }
  bool html = req.header("Accept").find("text/html") != std::string::npos;
  if (!html)
    return ask_and_render<invoice::document>(api, api->actors.orders,
                                             std::make_tuple(get_atom::value, q), req, out, 200,
                                             [](json_writer& w, const invoice::document& d) {
                                               w.Key("invoice");
                                               w.StartObject();
                                               write_invoice(w, d);
                                               w.EndObject();
                                             });
  ask<invoice::document>(
      *api->sys, api->actors.orders, api->actors.db_timeout * 3,
      std::make_tuple(get_atom::value, q),
      [out](invoice::document& d) { out.send(invoice_page(d)); },
      [out](const caf::error& err) {
        auto v = describe(err);
        out.send(html_page(v.status, "Invoice", "<p>" + escape_html(v.message) + "</p>"));
      });
}

}  // namespace

void add_order_routes(router& r, const api_ptr& api) {
  auto place = [api](request&& req, responder out) { place_order(api, std::move(req), out); };
  r.add("POST", "/api/v1/orders", place);
  r.add("POST", "/api/v1/order", place);
  r.add("GET", "/api/v1/orders",
        [api](request&& req, responder out) { list_orders(api, std::move(req), out); });
  auto get = [api](request&& req, responder out) { get_order(api, std::move(req), out); };
  r.add("GET", "/api/v1/orders/{order_token}", get);
  r.add("GET", "/api/v1/order/{order_token}", get);  // seed 003's alias (CONTRACT §16)
  r.add("GET", "/api/v1/orders/{order_token}/invoice",
        [api](request&& req, responder out) { get_invoice(api, std::move(req), out); });
  r.add("POST", "/api/v1/orders/{order_token}/payments",
        [api](request&& req, responder out) { retry_payment(api, std::move(req), out); });
  r.add("POST", "/api/v1/admin/orders/{order_token}/refund",
        [api](request&& req, responder out) { refund_order(api, std::move(req), out); });
}

}  // namespace checkout::http
