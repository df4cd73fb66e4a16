#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/common/ascii_case.hpp"
#include "actors/common/text.hpp"
#include "http/routes/idempotency_support.hpp"
#include "http/routes/render.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

// The caller of a cart route: a signed-in user, or a guest (empty id). An
// invalid token has been answered 401 when this returns nothing.
std::optional<cart_caller> caller_of(const api_ptr& api, const request& req, const responder& out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, false, user)) return std::nullopt;
  return cart_caller{user ? user->user_id : ""};
}

std::optional<cart_product> read_product(fields& f, const rapidjson::Value& v,
                                         const std::string& name) {
  if (!v.IsObject()) {
    f.add_problem(name + " must be an object");
    return std::nullopt;
  }
  auto pf = f.nested(v, name);
  cart_product p;
  p.internship_id = pf.str("internship_id", 64);
  p.quantity = static_cast<int>(pf.opt_integer("quantity", 1, max_quantity).value_or(1));
  if (auto per = pf.any("period"); per && !per->IsNull())
    p.plan_period = read_period(f, *per, name + ".period");
  if (!pf.ok()) return std::nullopt;
  return p;
}

std::string raw_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

auto cart_renderer(const api_ptr& api) {
  return [cfg = api->actors.cfg](json_writer& w, const cart_view& v) {
    w.Key("cart");
    w.StartObject();
    write_cart(w, v, *cfg);
    w.EndObject();
  };
}

void create_cart(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, false, user)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  cart_create_request cr;
  if (user) cr.user_id = user->user_id;
  if (auto products = f.array("products", true)) {
    if (products->Empty()) f.add_problem("products must not be empty");
    if (products->Size() > 50) f.add_problem("products must have at most 50 entries");
    for (rapidjson::SizeType i = 0; i < products->Size() && i < 50; ++i)
      if (auto p = read_product(f, (*products)[i], "products[" + std::to_string(i) + "]"))
        cr.products.push_back(std::move(*p));
  }
  cr.sale_slug = f.opt_str("sale_slug", 100).value_or("");
  cr.currency = f.opt_str("currency", 3).value_or("");
  cr.device_id = f.opt_str("device_id", 200).value_or("");
  if (auto a = f.any("analytics_data"); a && !a->IsNull()) {
    if (!a->IsObject())
      f.add_problem("analytics_data must be an object");
    else
      cr.analytics_json = raw_json(*a);
  }
  auto key = idempotency_key_of(req, f);
  if (!f.ok()) return answer_error(req, out, f.error());
  // 201 for a new cart; 200 when a signed-in user's products merged into their cart.
  auto status_of = [](const cart_view& v) { return v.created ? 201 : 200; };
  cr.idempotency_key = key;
  auto msg = std::make_tuple(create_atom::value, std::move(cr));
  if (key.empty())
    return ask_and_render_as<cart_view>(api, api->actors.carts, std::move(msg), req, out, status_of,
                                        cart_renderer(api));
  // A signed-in user's keys are theirs. Guests have no identity to scope a key
  // by, so all guests share one scope, the empty user id (no token has an
  // empty sub): a guest's repeat is recognised by key and identical body, and
  // a replay hands over the first guest's cart token. A key is a random value
  // the client made, as hard to guess as that token, so this shows nothing a
  // guest could not already reach; a different body under the key is 6001.
  keyed_request k{{user ? user->user_id : std::string(), "cart", key},
                  request_hash("POST /cart", *doc)};
  ask_keyed<cart_view>(api, api->actors.carts, k, api->actors.carts, std::move(msg), req, out,
                       status_of, cart_renderer(api));
}

// Every other cart route: a cart request (a std::tuple), with the cart's
// token in front, to the cart directory.
template <class Request, class Render>
void ask_cart(const api_ptr& api, const request& req, responder out, const std::string& token,
              Request inner, Render render) {
  ask_and_render<cart_view>(api, api->actors.carts,
                            std::tuple_cat(std::make_tuple(token), std::move(inner)), req, out, 200,
                            render);
}

void get_cart(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  ask_cart(api, req, out, req.params.at("token"), std::make_tuple(get_atom::value, caller),
           cart_renderer(api));
}

void add_item(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  cart_product p;
  p.internship_id = f.str("internship_id", 64);
  p.quantity = static_cast<int>(f.integer("quantity", 1, max_quantity));
  if (auto per = f.any("period"); per && !per->IsNull())
    p.plan_period = read_period(f, *per, "period");
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_cart(api, req, out, req.params.at("token"), std::make_tuple(add_atom::value, caller, p),
           cart_renderer(api));
}

void estimate(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  auto token = f.str("cart_token", 64);
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_cart(api, req, out, token, std::make_tuple(estimate_atom::value, caller),
           [](json_writer& w, const cart_view& v) { write_estimate(w, v.totals); });
}

// A line id that is not text is in no cart; said without echoing the bytes.
bool check_line_id(const request& req, const responder& out) {
  if (valid_text(req.params.at("internship_id"))) return true;
  answer_error(req, out,
               make_error(errc::internship_unknown, "that internship is not in the cart"));
  return false;
}

void patch_item(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  if (!check_line_id(req, out)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  auto quantity = static_cast<int>(f.integer("quantity", 0, max_quantity));
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_cart(api, req, out, req.params.at("token"),
           std::make_tuple(patch_atom::value, caller, req.params.at("internship_id"), quantity),
           cart_renderer(api));
}

void delete_item(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  if (!check_line_id(req, out)) return;
  ask_cart(api, req, out, req.params.at("token"),
           std::make_tuple(remove_atom::value, caller, req.params.at("internship_id")),
           cart_renderer(api));
}

// Seed 003's plan id names a period: "3-month", "1-year".
std::optional<period> plan_period_of(const std::string& plan_id) {
  auto dash = plan_id.find('-');
  if (dash == 0 || dash == std::string::npos || dash > 3) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < dash; ++i) {
    if (plan_id[i] < '0' || plan_id[i] > '9') return std::nullopt;
    value = value * 10 + (plan_id[i] - '0');
  }
  auto unit = plan_id.substr(dash + 1);
  if (value < 1 || !valid_period_unit(unit)) return std::nullopt;
  return period{value, unit};
}

// PUT /cart/{token}/plan/{plan_id}, with an optional body {internship_id}
// naming the line when the cart holds several internships.
void put_plan(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto p = plan_period_of(req.params.at("plan_id"));
  if (!p)
    return answer_error(
        req, out,
        make_error(errc::invalid_field, "plan_id must name a period, as 3-month or 1-year"));
  std::string id;
  if (!req.body.empty()) {
    auto doc = parse_body(req, out);
    if (!doc) return;
    fields f(*doc);
    id = f.opt_str("internship_id", 64).value_or("");
    if (!f.ok()) return answer_error(req, out, f.error());
  }
  ask_cart(api, req, out, req.params.at("token"), std::make_tuple(plan_atom::value, caller, id, *p),
           cart_renderer(api));
}

void put_billing(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  billing_info billing;
  billing.country = f.str("country", 2);
  billing.state = f.opt_str("state", 64).value_or("");
  billing.name = f.opt_str("name", 200).value_or("");
  // A GSTIN is read as typed, in any case; set_billing checks it.
  billing.gstin = ascii_upper(f.opt_str("gstin", 64).value_or(""));
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_cart(api, req, out, req.params.at("token"),
           std::make_tuple(billing_atom::value, caller, billing), cart_renderer(api));
}

// Who is asking, and whether the cart is theirs. No token: a guest. An
// invalid token is 401, as everywhere (CONTRACT §2).
void auth_check(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, false, user)) return;
  auto user_id = user ? user->user_id : std::string();
  ask_cart(api, req, out, req.params.at("token"),
           std::make_tuple(get_atom::value, cart_caller{user_id}),
           [user_id](json_writer& w, const cart_view& v) {
             w.Key("authenticated");
             w.Bool(!user_id.empty());
             w.Key("user_id");
             if (user_id.empty())
               w.Null();
             else
               w.String(user_id);
             w.Key("owns_cart");
             w.Bool(!user_id.empty() && v.cart.user_id == user_id);
           });
}

void auth_login(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  ask_and_render<cart_view>(
      api, api->actors.carts,
      std::make_tuple(login_atom::value, req.params.at("token"), user->user_id), req, out, 200,
      cart_renderer(api));
}

// `field`: "coupon" on POST /cart/{token}/coupon, "code" on seed 002's routes.
void apply_coupon(const api_ptr& api, request&& req, responder out, const char* field) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  auto code = f.str(field, 64);
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_cart(api, req, out, req.params.at("token"), std::make_tuple(coupon_atom::value, caller, code),
           [cfg = api->actors.cfg](json_writer& w, const cart_view& v) {
             w.Key("coupon_applied");
             w.Bool(true);
             w.Key("discount_amount");
             w.Int64(v.discounts.empty() ? 0 : v.discounts.back().amount);
             w.Key("new_total");
             w.Int64(v.totals.total);
             w.Key("cart");
             w.StartObject();
             write_cart(w, v, *cfg);
             w.EndObject();
           });
}

// The code to remove: `?code=`, or a body's `code` (seed 002 sends `{code}`
// with DELETE /cart/discount); neither removes the cart's only coupon.
std::optional<std::string> removal_code(const request& req, const responder& out) {
  if (req.query.count("code") || req.body.empty()) return query_param(req, "code");
  auto doc = parse_body(req, out);
  if (!doc) return std::nullopt;
  fields f(*doc);
  auto code = f.opt_str("code", 64).value_or("");
  if (!f.ok()) {
    answer_error(req, out, f.error());
    return std::nullopt;
  }
  return code;
}

void remove_coupon(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto removal = removal_code(req, out);
  if (!removal) return;
  auto code = *removal;
  if (!valid_text(code) || code.size() > 64)
    return answer_error(req, out, make_error(errc::invalid_field, "code must be a coupon code"));
  ask_cart(api, req, out, req.params.at("token"),
           std::make_tuple(uncoupon_atom::value, caller, code), cart_renderer(api));
}

void validate_discount(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  auto token = f.str("cart_token", 64);
  auto code = f.str("coupon", 64);
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render<coupon_check>(api, api->actors.carts,
                               std::make_tuple(token, validate_atom::value, caller, code), req, out,
                               200, [](json_writer& w, const coupon_check& c) {
                                 w.Key("valid");
                                 w.Bool(c.valid);
                                 w.Key("discount_amount");
                                 w.Int64(c.discount_amount);
                                 w.Key("reasons");
                                 w.StartArray();
                                 for (auto& r : c.reasons) w.String(r);
                                 w.EndArray();
                               });
}

void list_discounts(const api_ptr& api, request&& req, responder out) {
  auto who = caller_of(api, req, out);
  if (!who) return;
  const auto& caller = *who;
  ask_cart(api, req, out, req.params.at("token"), std::make_tuple(get_atom::value, caller),
           [](json_writer& w, const cart_view& v) {
             w.Key("discounts");
             write_discounts(w, v.discounts);
             w.Key("discount_amount");
             w.Int64(v.totals.discount_amount);
           });
}

// Seed 002's token-less routes act on the signed-in user's active cart: the
// token is found first, then the route with a token answers (401 for a guest,
// 404 code 1001 for a user without an active cart).
handler on_active_cart(const api_ptr& api, std::function<void(request&&, responder)> with_token) {
  return [api, with_token](request&& req, responder out) {
    std::optional<auth_user> user;
    if (!authenticate(api, req, out, true, user)) return;
    auto shared = std::make_shared<request>(std::move(req));
    ask<std::string>(
        *api->sys, api->actors.carts, api->actors.db_timeout * 3,
        std::make_tuple(active_atom::value, user->user_id),
        [shared, out, with_token](std::string& token) {
          shared->params["token"] = token;
          with_token(std::move(*shared), out);
        },
        [shared, out](const caf::error& err) { answer_error(*shared, out, err); });
  };
}

// Seed 002's and 003's own paths over the same carts (CONTRACT §16).
void add_seed_cart_routes(router& r, const api_ptr& api) {
  // Seed 002: the signed-in user's active cart, without its token (CONTRACT §16).
  auto mine = [&](std::function<void(request&&, responder)> with_token) {
    return on_active_cart(api, std::move(with_token));
  };
  r.add("GET", "/api/v1/cart",
        mine([api](request&& req, responder out) { get_cart(api, std::move(req), out); }));
  r.add("PATCH", "/api/v1/cart/items/{internship_id}",
        mine([api](request&& req, responder out) { patch_item(api, std::move(req), out); }));
  r.add("DELETE", "/api/v1/cart/items/{internship_id}",
        mine([api](request&& req, responder out) { delete_item(api, std::move(req), out); }));
  auto apply =
      mine([api](request&& req, responder out) { apply_coupon(api, std::move(req), out, "code"); });
  r.add("POST", "/api/v1/cart/discount", apply);
  r.add("POST", "/api/v1/cart/discount/apply", apply);
  r.add("DELETE", "/api/v1/cart/discount",
        mine([api](request&& req, responder out) { remove_coupon(api, std::move(req), out); }));
  // Seed 003: a plan named by its period, and "item" for "items".
  r.add("PUT", "/api/v1/cart/{token}/plan/{plan_id}",
        [api](request&& req, responder out) { put_plan(api, std::move(req), out); });
  r.add("DELETE", "/api/v1/cart/{token}/item/{internship_id}",
        [api](request&& req, responder out) { delete_item(api, std::move(req), out); });
}

}  // namespace

void add_cart_routes(router& r, const api_ptr& api) {
  auto create = [api](request&& req, responder out) { create_cart(api, std::move(req), out); };
  r.add("POST", "/api/v1/cart", create);
  r.add("POST", "/api-proxy/api/cart", create);
  r.add("POST", "/api/v1/cart/estimate",
        [api](request&& req, responder out) { estimate(api, std::move(req), out); });
  r.add("GET", "/api/v1/cart/{token}",
        [api](request&& req, responder out) { get_cart(api, std::move(req), out); });
  r.add("POST", "/api/v1/cart/{token}/items",
        [api](request&& req, responder out) { add_item(api, std::move(req), out); });
  r.add("PATCH", "/api/v1/cart/{token}/items/{internship_id}",
        [api](request&& req, responder out) { patch_item(api, std::move(req), out); });
  r.add("DELETE", "/api/v1/cart/{token}/items/{internship_id}",
        [api](request&& req, responder out) { delete_item(api, std::move(req), out); });
  r.add("PUT", "/api/v1/cart/{token}/billing",
        [api](request&& req, responder out) { put_billing(api, std::move(req), out); });
  r.add("POST", "/api/v1/cart/{token}/coupon",
        [api](request&& req, responder out) { apply_coupon(api, std::move(req), out, "coupon"); });
  r.add("DELETE", "/api/v1/cart/{token}/coupon",
        [api](request&& req, responder out) { remove_coupon(api, std::move(req), out); });
  r.add("POST", "/api/v1/cart/discount/validate",
        [api](request&& req, responder out) { validate_discount(api, std::move(req), out); });
  r.add("GET", "/api/v1/cart/{token}/discounts",
        [api](request&& req, responder out) { list_discounts(api, std::move(req), out); });
  r.add("POST", "/api/v1/cart/{token}/auth/check",
        [api](request&& req, responder out) { auth_check(api, std::move(req), out); });
  r.add("POST", "/api/v1/cart/{token}/auth/login",
        [api](request&& req, responder out) { auth_login(api, std::move(req), out); });

  add_seed_cart_routes(r, api);
}

}  // namespace checkout::http
