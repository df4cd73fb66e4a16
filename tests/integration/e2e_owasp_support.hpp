// Helpers for the OWASP API Top 10 suites (e2e_owasp_*_test.cpp): callers as
// header lists, error envelopes reduced to what two answers must share, JSON
// objects compared without the members that differ by nature (tokens, times).
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace e2e::owasp {

using headers = std::vector<std::pair<std::string, std::string>>;

// Who sends a request: a signed-in user, an admin, or a guest (no header).
inline headers as(const std::string& user_id) {
  return {{"Authorization", shop::bearer(user_id)}};
}
inline headers as_admin(const shop& s) {
  return {{"Authorization", "Bearer " + s.admin}};
}
inline headers as_guest() {
  return {};
}

// A fresh UUIDv4: a cart or order token nobody holds.
inline std::string missing_token() {
  return checkout::new_uuid();
}

inline std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

// `v` (an object) as JSON without the top-level members named in `drop`. Not
// an object (a member that is missing reads as null) is a test failure: two
// answers that both lack it would otherwise compare equal.
inline std::string without(const rapidjson::Value& v, std::initializer_list<const char*> drop) {
  if (!v.IsObject()) {
    ADD_FAILURE() << "expected an object, got " << to_json(v);
    return to_json(v);
  }
  rapidjson::Document copy;
  copy.CopyFrom(v, copy.GetAllocator());
  for (auto key : drop) copy.RemoveMember(key);
  return to_json(copy);
}

// The error code of an error envelope (0 when the body is not one).
inline int code_of(const reply& r) {
  auto d = r.json();
  if (!d.IsObject() || !d.HasMember("error") || !d["error"].IsObject() ||
      !d["error"].HasMember("code") || !d["error"]["code"].IsInt())
    return 0;
  return d["error"]["code"].GetInt();
}

// Status and envelope of an answer without its correlation id: an answer about
// someone else's object must equal the one about an object that does not exist.
inline std::string error_shape(const reply& r) {
  auto d = r.json();
  if (d.HasParseError() || !d.IsObject()) return std::to_string(r.status) + " " + r.body;
  if (d.HasMember("error") && d["error"].IsObject()) d["error"].RemoveMember("correlation_id");
  d.RemoveMember("correlation_id");
  return std::to_string(r.status) + " " + to_json(d);
}

// Replaces every "{t}" in `text` with `token`.
inline std::string fill(std::string text, const std::string& token) {
  for (auto at = text.find("{t}"); at != std::string::npos; at = text.find("{t}", at))
    text.replace(at, 3, token);
  return text;
}

// The "data" member of a success envelope as JSON; "" and a test failure when
// there is none (two answers without data must not compare equal unnoticed).
inline std::string data_of(const reply& r) {
  auto d = r.json();
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("data")) {
    ADD_FAILURE() << "no data in " << r.status << " " << r.body;
    return {};
  }
  return to_json(d["data"]);
}

// An expected refusal: who asks, and the status and code they must get.
struct refusal {
  headers who;
  int status;
  int code;
};

// A guest cart (no Authorization header) holding `quantity` of `internship_id`.
inline std::string guest_cart(unsigned short port, const std::string& internship_id,
                              int quantity = 1) {
  auto r = call(port, "POST", "/api/v1/cart",
                R"({"products":[{"internship_id":")" + internship_id + R"(","quantity":)" +
                    std::to_string(quantity) + "}]}");
  if (r.status != 201) throw std::runtime_error("guest cart: " + r.body);
  return json_expect::string_at(r.json(), "data.cart.token");
}

// A cart as its holder reads it (the "data.cart" object as JSON); "" and a test
// failure when it is not 200 with a cart object.
inline std::string cart_json(unsigned short port, const std::string& token, const headers& who) {
  auto r = call(port, "GET", "/api/v1/cart/" + token, {}, who);
  auto d = r.json();
  auto cart = json_expect::is(d, "data.cart", json_expect::kind::object);
  if (r.status != 200 || !cart) {
    ADD_FAILURE() << "the cart's holder cannot read it: " << r.status << " " << r.body;
    return {};
  }
  return to_json(d["data"]["cart"]);
}

// The priced content of a cart object: items, coupons, discounts, billing,
// totals, currency, status (everything but identity and times).
inline std::string cart_content(const rapidjson::Value& cart) {
  return without(cart, {"token", "cart_url", "user_id", "created_at", "updated_at", "expires_at"});
}

// The priced content of an order object: status, currency, figures and lines
// (not its tokens, payment attempt, history or times).
inline std::string order_content(const rapidjson::Value& order) {
  return without(order, {"order_token", "cart_token", "payment", "history", "created_at",
                         "expires_at", "enrollment_id", "enrollment_ids"});
}

// Whether a route is served at all (an unknown route is 404 code 1404, or 405).
inline bool routed(const reply& r) {
  return !(r.status == 404 && code_of(r) == 1404) && r.status != 405;
}

}  // namespace e2e::owasp
