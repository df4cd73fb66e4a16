// Bad input on every catalog, coupon and cart route (CONTRACT §1–§6) through
// the real binary: malformed and non-object bodies, wrong types, out-of-range
// numbers, unknown ids and tokens, someone else's cart, bad tokens on admin
// routes, oversized bodies, and unknown fields (which must be ignored).
// Every error must be the contract's envelope, and a rejected mutation must
// leave the cart exactly as it was, both as served and as stored.
//
// The tests under "bugs once seen" guard bugs found here and fixed since: a
// regression fails them.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>

#include "actors/common/ids.hpp"
#include "e2e_jwt.hpp"
#include "e2e_shop.hpp"
#include "http/auth.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using headers = std::vector<std::pair<std::string, std::string>>;

// The JWT secret e2e::server gives checkoutd (see e2e_support.cpp). The control
// case of admin_routes_refuse_missing_bad_and_non_admin_tokens fails loudly if
// the two ever drift apart, so no bad-token case can pass for the wrong reason.
const std::string jwt_secret = "e2e-jwt-secret-0123456789";

// ---------------------------------------------------------------- JSON ----

using json_expect::kind;

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

bool valid_utf8_json(const std::string& body) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str(), body.size());
  return !d.HasParseError();
}

// ----------------------------------------------------------------- JWT ----

using e2e::base64url;
using e2e::jwt;
using e2e::now_seconds;

std::string claims(const std::string& sub, const std::string& roles, bool with_exp = true) {
  return R"({"sub":")" + sub + "\"" +
         (with_exp ? ",\"exp\":" + std::to_string(now_seconds() + 3600) : std::string()) +
         R"(,"roles":)" + roles + "}";
}

const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

// ------------------------------------------------------------ database ----

using test_services::database_url;

// A cart's row as stored: any write (even one changing nothing) bumps version and updated_at.
std::string stored_cart(const std::string& token) {
  pqxx::connection c(database_url());
  pqxx::read_transaction t(c);
  auto r = t.exec_params(
      "SELECT version::text || ' ' || status || ' ' || COALESCE(user_id, '-') || ' ' || "
      "state::text || ' ' || updated_at::text || ' ' || expires_at::text "
      "FROM carts WHERE token = $1::uuid",
      token);
  return r.empty() ? std::string("<no row>") : r[0][0].as<std::string>();
}

// The quantity of an internship in a cart as stored (0 when not there).
long long stored_quantity(const std::string& token, const std::string& internship_id) {
  pqxx::connection c(database_url());
  pqxx::read_transaction t(c);
  return t
      .exec_params(
          "SELECT COALESCE(SUM((l->>'quantity')::bigint), 0) FROM carts, "
          "jsonb_array_elements(state->'lines') AS l "
          "WHERE token = $1::uuid AND l->>'internship_id' = $2",
          token, internship_id)[0][0]
      .as<long long>();
}

long long carts_of(const std::string& user_id) {
  pqxx::connection c(database_url());
  pqxx::read_transaction t(c);
  return t.exec_params("SELECT count(*) FROM carts WHERE user_id = $1", user_id)[0][0]
      .as<long long>();
}

// -------------------------------------------------------------- routes ----

struct route {
  std::string method;
  std::string target;
  std::string body;
  bool admin = false;  // send the admin token (otherwise the caller's headers)
};

std::string label(const route& r) {
  auto body = r.body.size() > 120 ? r.body.substr(0, 120) + "..." : r.body;
  return r.method + " " + r.target + (body.empty() ? std::string() : " " + body);
}

std::string json_string(const std::string& s) {
  return "\"" + s + "\"";
}

class bad_input_e2e : public e2e::shared_server<bad_input_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }

  headers admin{{"Authorization", "Bearer " + e2e::token_for(e2e::unique("bi-admin"), true)}};

  static headers user(const std::string& id) {
    return {{"Authorization", "Bearer " + e2e::token_for(id)}};
  }

  e2e::reply send(const route& r, const headers& caller = {}) {
    return call(port(), r.method, r.target, r.body, r.admin ? admin : caller);
  }

  e2e::shop shop{srv->port()};

  // Unlimited seats; `more` is further members (`,"plans":[...]`).
  std::string internship(long long price = 1000, const std::string& more = {}) {
    return shop.internship(price, "null", "bad-input", more, "bi-intern");
  }

  // An internship as GET /internships/{id} serves it: a change to any field
  // (title, price, active, ...) changes this.
  std::string served_internship(const std::string& id) {
    auto r = call(port(), "GET", "/api/v1/internships/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    auto item = json_expect::find(d, "data.internship");
    return item && item->IsObject() ? to_json(*item) : r.body;
  }

  // `fields` is the JSON after "code" (starting with a comma).
  std::string coupon(const std::string& fields) {
    auto code = e2e::unique("BI");
    auto r = call(port(), "POST", "/api/v1/admin/coupons",
                  R"({"code":")" + code + "\"" + fields + "}", admin);
    EXPECT_EQ(r.status, 201) << r.body;
    return code;
  }

  std::string cart(const std::vector<std::string>& ids, const headers& h = {}) {
    std::string products;
    for (auto& id : ids)
      products += (products.empty() ? "" : ",") + std::string(R"({"internship_id":")") + id + "\"}";
    auto r = call(port(), "POST", "/api/v1/cart", R"({"products":[)" + products + "]}", h);
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }

  // The cart as its owner is served it, and its row as stored.
  std::string snapshot(const std::string& token, const headers& owner) {
    auto r = call(port(), "GET", "/api/v1/cart/" + token, {}, owner);
    EXPECT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    auto c = json_expect::find(d, "data.cart");
    return (c && c->IsObject() ? to_json(*c) : r.body) + "\nstored: " + stored_cart(token);
  }

  // Every cart route, with a body that would succeed on a visible cart holding
  // internship `id` and coupon `code`.
  static std::vector<route> cart_routes(const std::string& token, const std::string& id,
                                        const std::string& code) {
    auto c = "/api/v1/cart/" + token;
    return {
        {"GET", c, ""},
        {"POST", c + "/items", R"({"internship_id":")" + id + R"(","quantity":1})"},
        {"PATCH", c + "/items/" + id, R"({"quantity":2})"},
        {"DELETE", c + "/items/" + id, ""},
        {"PUT", c + "/billing", R"({"country":"US"})"},
        {"POST", c + "/coupon", R"({"coupon":")" + code + "\"}"},
        {"DELETE", c + "/coupon?code=" + code, ""},
        {"GET", c + "/discounts", ""},
        {"POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}"},
        {"POST", "/api/v1/cart/discount/validate",
         R"({"cart_token":")" + token + R"(","coupon":")" + code + "\"}"},
        {"POST", c + "/auth/check", ""},
        {"POST", c + "/auth/login", ""},
    };
  }

  // Every route that reads a JSON body.
  static std::vector<route> body_routes(const std::string& token, const std::string& id,
                                        const std::string& code) {
    auto c = "/api/v1/cart/" + token;
    return {
        {"POST", "/api/v1/admin/internships",
         R"({"title":"T","category":"c","price":1,"currency":"INR","seats":null})", true},
        {"PATCH", "/api/v1/admin/internships/" + id, R"({"price":1000})", true},
        {"POST", "/api/v1/admin/coupons", R"({"code":"X","type":"percentage","value":5})", true},
        {"PATCH", "/api/v1/admin/coupons/" + code, R"({"active":true})", true},
        {"POST", "/api/v1/cart", R"({"products":[{"internship_id":")" + id + "\"}]}"},
        {"POST", "/api-proxy/api/cart", R"({"products":[{"internship_id":")" + id + "\"}]}"},
        {"POST", c + "/items", R"({"internship_id":")" + id + R"(","quantity":1})"},
        {"PATCH", c + "/items/" + id, R"({"quantity":2})"},
        {"PUT", c + "/billing", R"({"country":"US"})"},
        {"POST", c + "/coupon", R"({"coupon":")" + code + "\"}"},
        {"POST", "/api/v1/cart/discount/validate",
         R"({"cart_token":")" + token + R"(","coupon":")" + code + "\"}"},
        {"POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}"},
    };
  }

  // The contract's error envelope (§1) with the status and, unless 0, the
  // code, under `what`; besides what error_envelope checks, the members every
  // error of §1 has here (validation_messages, retryable) and the correlation
  // id echoed in the X-Correlation-Id header.
  static void expect_error(const e2e::reply& r, int status, int code, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, status, code));
    auto d = r.json();
    EXPECT_TRUE(json_expect::is(d, "error.validation_messages", kind::array));
    EXPECT_TRUE(json_expect::is(d, "error.retryable", kind::boolean));
    auto header = r.headers.find("x-correlation-id");
    ASSERT_NE(header, r.headers.end()) << r.body;
    EXPECT_TRUE(json_expect::at(d, "error.correlation_id", header->second));
  }

  static void expect_success(const e2e::reply& r, int status, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(r.status, status) << r.body;
    auto d = r.json();
    EXPECT_TRUE(json_expect::at(d, "success", true));
    EXPECT_TRUE(json_expect::at(d, "status", r.status));
  }

  // A validation message whose subject is `field` ("quantity must be ...",
  // "products[0].quantity is required", "plans[0].period must ...").
  static bool names(const e2e::reply& r, const std::string& field) {
    auto d = r.json();
    auto messages = json_expect::find(d, "error.validation_messages");
    if (!messages || !messages->IsArray()) return false;
    for (auto& m : messages->GetArray()) {
      if (!m.IsString()) continue;
      std::string s(m.GetString(), m.GetStringLength());
      if (s.compare(0, field.size(), field) != 0) continue;
      if (s.size() == field.size() || s[field.size()] == ' ' || s[field.size()] == '.' ||
          s[field.size()] == '[')
        return true;
    }
    return false;
  }

  // 422 code 1000 with a validation message naming each of `fields`.
  static void expect_invalid(const e2e::reply& r, const std::vector<std::string>& fields,
                             const std::string& what) {
    expect_error(r, 422, 1000, what);
    for (auto& f : fields) EXPECT_TRUE(names(r, f)) << what << "\nfield " << f << "\n" << r.body;
  }
};

// ------------------------------------------------------------------------

TEST_F(bad_input_e2e, malformed_json_and_bodies_that_are_not_objects_are_400_1000) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto owner_id = e2e::unique("bi-owner");
  auto owner = user(owner_id);
  auto token = cart({id}, owner);
  auto before = snapshot(token, owner);

  const std::vector<std::string> bad_bodies = {
      "{not json",
      R"({"quantity":1,})",
      R"({"quantity":1)",
      "[]",
      R"("x")",
      "42",
      "null",
      "true",
      "",
      "{\"coupon\":\"\xff\xfe\"}",                                      // not UTF-8
      "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}",  // nested too deep
  };
  for (auto& r : body_routes(token, id, code)) {
    for (auto& body : bad_bodies) {
      route bad = r;
      bad.body = body;
      expect_error(send(bad, owner), 400, 1000, label(bad));
    }
  }
  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(carts_of(owner_id), 1);
}

TEST_F(bad_input_e2e, wrong_types_are_422_1000_naming_each_field) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto owner_id = e2e::unique("bi-owner");
  auto owner = user(owner_id);
  auto token = cart({id}, owner);
  auto before = snapshot(token, owner);
  auto internship_before = served_internship(id);
  auto c = "/api/v1/cart/" + token;

  struct wrong {
    route r;
    std::vector<std::string> fields;
  };
  const std::vector<wrong> cases = {
      // Catalog.
      {{"POST", "/api/v1/admin/internships",
        R"({"id":5,"title":5,"category":[],"price":"1","currency":1,"seats":"x","plans":{},"active":"y"})",
        true},
       {"id", "title", "category", "price", "currency", "seats", "plans", "active"}},
      {{"POST", "/api/v1/admin/internships",
        R"({"title":null,"category":"c","price":1.5,"currency":"INR","seats":true})", true},
       {"title", "price", "seats"}},
      {{"POST", "/api/v1/admin/internships",
        R"({"title":"T","category":"c","price":1,"currency":"INR","seats":null,"plans":[5,{"period":"m","price":"1"}]})",
        true},
       {"plans[0]", "plans[1].period", "plans[1].price"}},
      {{"POST", "/api/v1/admin/internships",
        R"({"title":"T","category":"c","price":1,"currency":"INR","seats":null,"plans":[{"period":{"value":"1","unit":1},"price":1}]})",
        true},
       {"plans[0].period.value", "plans[0].period.unit"}},
      {{"PATCH", "/api/v1/admin/internships/" + id,
        R"({"price":"1","seats":"x","active":1,"title":5})", true},
       {"price", "seats", "active", "title"}},
      // Coupons.
      {{"POST", "/api/v1/admin/coupons",
        R"({"code":5,"type":1,"value":"10","currency":5,"tiers":{},"max_discount":"1","min_order_value":"1","valid_from":1,"valid_until":1,"usage_limit_total":"1","usage_limit_per_user":"1","internship_ids":"a","categories":"b","combinable":"yes","first_order_only":1,"sale_slug":5,"active":"x"})",
        true},
       {"code", "type", "value", "currency", "tiers", "max_discount", "min_order_value",
        "valid_from", "valid_until", "usage_limit_total", "usage_limit_per_user", "internship_ids",
        "categories", "combinable", "first_order_only", "sale_slug", "active"}},
      {{"POST", "/api/v1/admin/coupons",
        R"({"code":"X","type":"tiered","tiers":[5,{"min_quantity":"2","percentage":true}],"internship_ids":[5],"categories":[null]})",
        true},
       {"tiers[0]", "tiers[1].min_quantity", "tiers[1].percentage", "internship_ids[0]",
        "categories[0]"}},
      {{"POST", "/api/v1/admin/coupons", R"({"type":"percentage","value":5})", true}, {"code"}},
      {{"PATCH", "/api/v1/admin/coupons/" + code,
        R"({"active":"no","valid_until":5,"usage_limit_total":"x"})", true},
       {"active", "valid_until", "usage_limit_total"}},
      // Cart creation, both paths.
      {{"POST", "/api/v1/cart",
        R"({"products":"x","sale_slug":5,"analytics_data":"x","currency":5,"device_id":5})"},
       {"products", "sale_slug", "analytics_data", "currency", "device_id"}},
      {{"POST", "/api-proxy/api/cart",
        R"({"products":"x","sale_slug":5,"analytics_data":"x","currency":5,"device_id":5})"},
       {"products", "sale_slug", "analytics_data", "currency", "device_id"}},
      {{"POST", "/api/v1/cart", R"({"products":[{"internship_id":5,"quantity":"2","period":5}]})"},
       {"products[0].internship_id", "products[0].quantity", "products[0].period"}},
      {{"POST", "/api-proxy/api/cart", R"({"products":[5,{"quantity":true}]})"},
       {"products[0]", "products[1].internship_id", "products[1].quantity"}},
      {{"POST", "/api/v1/cart", R"({"sale_slug":"s"})"}, {"products"}},
      // Items.
      {{"POST", c + "/items", R"({"internship_id":5,"quantity":"1","period":5})"},
       {"internship_id", "quantity", "period"}},
      {{"POST", c + "/items",
        R"({"internship_id":")" + id + R"(","quantity":1,"period":{"value":1.5,"unit":[]}})"},
       {"period.value", "period.unit"}},
      {{"POST", c + "/items", R"({"internship_id":[")" + id + R"("],"quantity":{}})"},
       {"internship_id", "quantity"}},
      {{"POST", c + "/items", R"({})"}, {"internship_id", "quantity"}},
      {{"PATCH", c + "/items/" + id, R"({"quantity":"1"})"}, {"quantity"}},
      {{"PATCH", c + "/items/" + id, R"({"quantity":true})"}, {"quantity"}},
      {{"PATCH", c + "/items/" + id, R"({"quantity":1.5})"}, {"quantity"}},
      {{"PATCH", c + "/items/" + id, R"({"quantity":null})"}, {"quantity"}},
      {{"PATCH", c + "/items/" + id, R"({"qty":1})"}, {"quantity"}},
      // Billing, coupons, validate, estimate.
      {{"PUT", c + "/billing", R"({"country":5,"state":5})"}, {"country", "state"}},
      {{"PUT", c + "/billing", R"({"state":"KA"})"}, {"country"}},
      {{"POST", c + "/coupon", R"({"coupon":5})"}, {"coupon"}},
      {{"POST", c + "/coupon", R"({"coupon":["X"]})"}, {"coupon"}},
      {{"POST", c + "/coupon", R"({"code":")" + code + "\"}"}, {"coupon"}},
      {{"POST", "/api/v1/cart/discount/validate", R"({"cart_token":5,"coupon":5})"},
       {"cart_token", "coupon"}},
      {{"POST", "/api/v1/cart/discount/validate", R"({})"}, {"cart_token", "coupon"}},
      {{"POST", "/api/v1/cart/estimate", R"({"cart_token":5})"}, {"cart_token"}},
      {{"POST", "/api/v1/cart/estimate", R"({"cart_token":null})"}, {"cart_token"}},
  };
  for (auto& w : cases) expect_invalid(send(w.r, owner), w.fields, label(w.r));

  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(carts_of(owner_id), 1);
  // The internship and the coupon are as they were.
  EXPECT_EQ(served_internship(id), internship_before);
  expect_success(call(port(), "POST", c + "/coupon", R"({"coupon":")" + code + "\"}", owner), 200,
                 "the coupon is still active");
}

TEST_F(bad_input_e2e, out_of_range_numbers_are_422_1000) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10)");
  auto owner = user(e2e::unique("bi-owner"));
  auto token = cart({id}, owner);
  auto before = snapshot(token, owner);
  auto internship_before = served_internship(id);
  auto c = "/api/v1/cart/" + token;
  auto product = [&](const std::string& quantity) {
    return R"({"products":[{"internship_id":")" + id + R"(","quantity":)" + quantity + "}]}";
  };
  auto create = [&](const std::string& fields) {
    return R"({"id":")" + e2e::unique("bi-range") +
           R"(","title":"T","category":"c","currency":"INR")" + fields + "}";
  };
  auto new_coupon = [&](const std::string& fields) {
    return R"({"code":")" + e2e::unique("BI") + "\"" + fields + "}";
  };

  struct out_of_range {
    route r;
    std::string field;
    bool guest = false;  // as a guest (a new cart) rather than as the owner (a merge)
  };
  std::vector<out_of_range> cases;
  for (auto q : {"0", "101", "-1", "1000000000000", "1e2", "1.0"}) {
    cases.push_back({{"POST", "/api/v1/cart", product(q)}, "products[0].quantity"});
    cases.push_back({{"POST", "/api-proxy/api/cart", product(q)}, "products[0].quantity", true});
    cases.push_back(
        {{"POST", c + "/items", R"({"internship_id":")" + id + R"(","quantity":)" + q + "}"},
         "quantity"});
  }
  for (auto q : {"101", "-1", "9223372036854775808"})
    cases.push_back(
        {{"PATCH", c + "/items/" + id, R"({"quantity":)" + std::string(q) + "}"}, "quantity"});
  const std::vector<out_of_range> more = {
      {{"POST", c + "/items",
        R"({"internship_id":")" + id + R"(","quantity":1,"period":{"value":0,"unit":"month"}})"},
       "period.value"},
      {{"POST", "/api/v1/admin/internships", create(R"(,"price":-1,"seats":null)"), true}, "price"},
      {{"POST", "/api/v1/admin/internships", create(R"(,"price":100,"seats":-1)"), true}, "seats"},
      {{"POST", "/api/v1/admin/internships",
        create(
            R"(,"price":100,"seats":null,"plans":[{"period":{"value":1,"unit":"month"},"price":-1}])"),
        true},
       "plans[0].price"},
      {{"POST", "/api/v1/admin/internships",
        create(
            R"(,"price":100,"seats":null,"plans":[{"period":{"value":0,"unit":"month"},"price":1}])"),
        true},
       "plans[0].period.value"},
      {{"PATCH", "/api/v1/admin/internships/" + id, R"({"price":-1})", true}, "price"},
      {{"PATCH", "/api/v1/admin/internships/" + id, R"({"seats":-1})", true}, "seats"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"(,"type":"percentage","value":0)"), true},
       "value"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"(,"type":"percentage","value":101)"), true},
       "value"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"(,"type":"percentage","value":-5)"), true},
       "value"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"fixed","value":0,"currency":"INR")"), true},
       "value"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"tiered","tiers":[{"min_quantity":2,"percentage":0}])"), true},
       "tiers[0].percentage"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"tiered","tiers":[{"min_quantity":2,"percentage":101}])"), true},
       "tiers[0].percentage"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"tiered","tiers":[{"min_quantity":0,"percentage":10}])"), true},
       "tiers[0].min_quantity"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"percentage","value":5,"usage_limit_total":0)"), true},
       "usage_limit_total"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"percentage","value":5,"usage_limit_per_user":-1)"), true},
       "usage_limit_per_user"},
      {{"POST", "/api/v1/admin/coupons",
        new_coupon(R"(,"type":"percentage","value":5,"max_discount":0)"), true},
       "max_discount"},
      {{"PATCH", "/api/v1/admin/coupons/" + code, R"({"usage_limit_total":0})", true},
       "usage_limit_total"},
      {{"PUT", c + "/billing", R"({"country":"IN","state":")" + std::string(65, 'K') + "\"}"},
       "state"},
      {{"PUT", c + "/billing", R"({"country":"IND"})"}, "country"},
      {{"GET", "/api/v1/internships?limit=0", ""}, "limit"},
      {{"GET", "/api/v1/internships?limit=101", ""}, "limit"},
      {{"GET", "/api/v1/internships?limit=-1", ""}, "limit"},
      {{"GET", "/api/v1/internships?limit=abc", ""}, "limit"},
      {{"GET", "/api/v1/internships?limit=99999999999999999999", ""}, "limit"},
      {{"GET", "/api/v1/internships?cursor=not-a-cursor", ""}, "cursor"},
      {{"GET", "/api/v1/internships?category=" + std::string(101, 'c'), ""}, "category"},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  for (auto& o : cases)
    expect_invalid(send(o.r, o.guest ? headers{} : owner), {o.field}, label(o.r));

  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(served_internship(id), internship_before);
  // The coupon's limit was not set to 0: it still applies.
  expect_success(call(port(), "POST", c + "/coupon", R"({"coupon":")" + code + "\"}", owner), 200,
                 "the coupon is still usable");
}

TEST_F(bad_input_e2e, unknown_internships_coupons_and_ids) {
  auto id = internship();
  auto elsewhere = internship();  // exists, but not in the cart
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto missing = e2e::unique("bi-missing");
  auto owner_id = e2e::unique("bi-owner");
  auto owner = user(owner_id);
  auto token = cart({id}, owner);
  ASSERT_EQ(call(port(), "POST", "/api/v1/cart/" + token + "/coupon",
                 R"({"coupon":")" + code + "\"}", owner)
                .status,
            200);
  auto before = snapshot(token, owner);
  auto c = "/api/v1/cart/" + token;

  // Unknown internships: 422 1101, and nothing added, not even the known one.
  for (auto path : {"/api/v1/cart", "/api-proxy/api/cart"}) {
    auto both = R"({"products":[{"internship_id":")" + elsewhere + R"("},{"internship_id":")" +
                missing + R"("}]})";
    expect_error(call(port(), "POST", path, both, owner), 422, 1101, std::string(path) + " owner");
    expect_error(call(port(), "POST", path, both), 422, 1101, std::string(path) + " guest");
    auto newcomer = e2e::unique("bi-newcomer");
    expect_error(call(port(), "POST", path, both, user(newcomer)), 422, 1101,
                 std::string(path) + " new user");
    EXPECT_EQ(carts_of(newcomer), 0) << "a rejected cart was stored";
  }
  expect_error(call(port(), "POST", c + "/items",
                    R"({"internship_id":")" + missing + R"(","quantity":1})", owner),
               422, 1101, "add unknown");
  for (auto& other : {missing, elsewhere}) {
    expect_error(call(port(), "PATCH", c + "/items/" + other, R"({"quantity":1})", owner), 422,
                 1101, "patch " + other);
    expect_error(call(port(), "PATCH", c + "/items/" + other, R"({"quantity":0})", owner), 422,
                 1101, "patch to 0 " + other);
    expect_error(call(port(), "DELETE", c + "/items/" + other, {}, owner), 422, 1101,
                 "delete " + other);
  }
  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(carts_of(owner_id), 1);

  // Unknown coupons: 422 2004 with a reason; validate answers valid:false.
  for (auto bad : {e2e::unique("NOPE"), std::string("bad code!"), std::string(64, 'Z')}) {
    auto r = call(port(), "POST", c + "/coupon", R"({"coupon":")" + bad + "\"}", owner);
    expect_error(r, 422, 2004, "apply " + bad);
    EXPECT_TRUE(json_expect::is(r.json(), "error.validation_messages[0]", kind::string));
    auto v = call(port(), "POST", "/api/v1/cart/discount/validate",
                  R"({"cart_token":")" + token + R"(","coupon":")" + bad + "\"}", owner);
    expect_success(v, 200, "validate " + bad);
    auto d = v.json();
    EXPECT_TRUE(json_expect::at(d, "data.valid", false)) << bad;
    EXPECT_TRUE(json_expect::at(d, "data.discount_amount", 0)) << bad;
    EXPECT_TRUE(json_expect::is(d, "data.reasons[0]", kind::string)) << bad;
  }
  // Removing a coupon that is not on the cart.
  auto not_on = call(port(), "DELETE", c + "/coupon?code=" + e2e::unique("NOPE"), {}, owner);
  expect_error(not_on, 422, 0, "remove a coupon not on the cart");
  EXPECT_LT(not_on.status, 500);
  EXPECT_EQ(snapshot(token, owner), before);

  // Unknown catalog ids.
  expect_error(call(port(), "GET", "/api/v1/internships/" + missing), 404, 1104, "get unknown");
  expect_error(
      call(port(), "PATCH", "/api/v1/admin/internships/" + missing, R"({"price":5})", admin), 404,
      1104, "patch unknown internship");
  expect_error(call(port(), "GET", "/api/v1/internships/" + missing), 404, 1104,
               "a patch does not create");
  // The contract names no code for an unknown coupon on the admin route; any 4xx envelope.
  auto unknown_coupon = call(port(), "PATCH", "/api/v1/admin/coupons/" + e2e::unique("NOPE"),
                             R"({"active":false})", admin);
  EXPECT_TRUE(unknown_coupon.status == 404 || unknown_coupon.status == 422) << unknown_coupon.body;
  expect_error(unknown_coupon, unknown_coupon.status, 0, "patch unknown coupon");
}

TEST_F(bad_input_e2e, unknown_or_malformed_cart_tokens_are_404_1001_on_every_cart_route) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10)");
  auto someone = user(e2e::unique("bi-someone"));
  const headers nobody;
  auto real = cart({id});  // a real guest cart, to build near-miss tokens from
  auto before = snapshot(real, {});
  auto bare = real;
  bare.erase(std::remove(bare.begin(), bare.end(), '-'), bare.end());
  const std::vector<std::string> tokens = {
      checkout::new_uuid(),                                   // well-formed, never issued
      checkout::new_uuid(),                                   // another one
      "00000000-0000-0000-0000-000000000000",                 // nil
      real.substr(0, 35) + (real.back() == '0' ? "1" : "0"),  // one character off
      real + "0",                                             // one character too many
      real.substr(1),                                         // one too few
      bare,                                                   // without dashes
      "zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz",
      "not-a-token",
      "12345",
      std::string(300, 'a'),
  };
  for (auto& t : tokens) {
    for (auto& r : cart_routes(t, id, code)) {
      bool login =
          r.target.size() > 11 && r.target.compare(r.target.size() - 11, 11, "/auth/login") == 0;
      // In a body, a token longer than the field allows (64) may instead be
      // refused as an invalid field; either way no cart is revealed.
      bool long_in_body = t.size() > 64 && r.body.find("cart_token") != std::string::npos;
      for (const headers* caller : std::vector<const headers*>{&someone, &nobody}) {
        auto who = std::string(caller == &someone ? "signed in: " : "guest: ") + label(r);
        auto reply = send(r, *caller);
        if (login && caller == &nobody)
          expect_error(reply, 401, 1401, who);  // signing in needs a user, whatever the token
        else if (long_in_body && reply.status == 422)
          expect_invalid(reply, {"cart_token"}, who);
        else
          expect_error(reply, 404, 1001, who);
      }
    }
  }
  EXPECT_EQ(snapshot(real, {}), before);
}

TEST_F(bad_input_e2e, someone_elses_cart_is_404_1001_on_every_cart_route) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto a_id = e2e::unique("bi-user-a");
  auto b_id = e2e::unique("bi-user-b");
  auto a = user(a_id);
  auto b = user(b_id);
  auto token = cart({id}, a);
  // With the coupon on it, every route below would succeed for its owner.
  ASSERT_EQ(
      call(port(), "POST", "/api/v1/cart/" + token + "/coupon", R"({"coupon":")" + code + "\"}", a)
          .status,
      200);
  auto before = snapshot(token, a);

  // A cart attached through sign-in is protected the same way.
  auto attached = cart({id});
  auto c_id = e2e::unique("bi-user-c");
  auto c = user(c_id);
  ASSERT_EQ(call(port(), "POST", "/api/v1/cart/" + attached + "/auth/login", {}, c).status, 200);
  auto attached_before = snapshot(attached, c);

  for (auto& [owned, label_prefix] : std::vector<std::pair<std::string, std::string>>{
           {token, "A's cart"}, {attached, "C's attached cart"}}) {
    for (auto& r : cart_routes(owned, id, code)) {
      bool login =
          r.target.size() > 11 && r.target.compare(r.target.size() - 11, 11, "/auth/login") == 0;
      expect_error(send(r, b), 404, 1001, label_prefix + ", user B: " + label(r));
      if (login)
        expect_error(send(r), 401, 1401, label_prefix + ", guest: " + label(r));
      else
        expect_error(send(r), 404, 1001, label_prefix + ", guest: " + label(r));
      // Any other signed-in user, too.
      expect_error(send(r, {{"Authorization", "Bearer " + e2e::token_for(b_id + "x")}}), 404, 1001,
                   label_prefix + ", user Bx: " + label(r));
    }
  }
  EXPECT_EQ(snapshot(token, a), before);
  EXPECT_EQ(snapshot(attached, c), attached_before);
  EXPECT_EQ(carts_of(b_id), 0) << "user B got a cart out of someone else's";
  EXPECT_EQ(carts_of(a_id), 1);
  EXPECT_EQ(carts_of(c_id), 1);
}

TEST_F(bad_input_e2e, admin_routes_refuse_missing_bad_and_non_admin_tokens) {
  auto id = internship();
  auto internship_before = served_internship(id);
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto new_id = e2e::unique("bi-never");
  auto new_code = e2e::unique("BINEVER");
  const std::vector<route> routes = {
      {"POST", "/api/v1/admin/internships",
       R"({"id":")" + new_id +
           R"(","title":"T","category":"c","price":1,"currency":"INR","seats":null})"},
      {"PATCH", "/api/v1/admin/internships/" + id, R"({"price":7,"active":false,"title":"X"})"},
      {"POST", "/api/v1/admin/coupons",
       R"({"code":")" + new_code + R"(","type":"percentage","value":5})"},
      {"PATCH", "/api/v1/admin/coupons/" + code, R"({"active":false})"},
      {"GET", "/api/v1/internships?include_inactive=true", ""},
  };
  auto sub = e2e::unique("bi-admin");
  auto admin_claims = claims(sub, R"(["admin"])");
  auto user_token = e2e::token_for(e2e::unique("bi-user"));
  auto dot = user_token.find('.');
  auto sig = user_token.rfind('.');
  const std::vector<std::pair<std::string, std::string>> unauthenticated = {
      {"no header", ""},
      {"other secret", "Bearer " + checkout::http::issue_token("another-secret-0123456789", sub,
                                                               {"admin"}, std::chrono::hours(1))},
      {"alg none", "Bearer " + jwt(R"({"alg":"none","typ":"JWT"})", admin_claims, nullptr, "")},
      {"alg none, no dot",
       "Bearer " + base64url(R"({"alg":"none"})") + "." + base64url(admin_claims)},
      {"expired", "Bearer " + checkout::http::issue_token(jwt_secret, sub, {"admin"},
                                                          std::chrono::seconds(-120))},
      {"HS512 with the same secret",
       "Bearer " + jwt(R"({"alg":"HS512","typ":"JWT"})", admin_claims, EVP_sha512(), jwt_secret)},
      {"HS384 with the same secret",
       "Bearer " + jwt(R"({"alg":"HS384","typ":"JWT"})", admin_claims, EVP_sha384(), jwt_secret)},
      {"no exp",
       "Bearer " + jwt(hs256, claims(sub, R"(["admin"])", false), EVP_sha256(), jwt_secret)},
      {"not yet valid",
       "Bearer " +
           jwt(hs256,
               R"({"sub":")" + sub + R"(","exp":)" + std::to_string(now_seconds() + 3600) +
                   R"(,"nbf":)" + std::to_string(now_seconds() + 600) + R"(,"roles":["admin"]})",
               EVP_sha256(), jwt_secret)},
      {"no sub", "Bearer " + jwt(hs256,
                                 R"({"exp":)" + std::to_string(now_seconds() + 3600) +
                                     R"(,"roles":["admin"]})",
                                 EVP_sha256(), jwt_secret)},
      {"a user's token with admin claims pasted in", "Bearer " + user_token.substr(0, dot) + "." +
                                                         base64url(admin_claims) +
                                                         user_token.substr(sig)},
      {"garbage", "Bearer not.a.jwt"},
      {"bare word", "Bearer"},
      {"empty", ""},
      {"Basic", "Basic YWRtaW46YWRtaW4="},
  };
  for (auto& r : routes) {
    for (auto& [name, value] : unauthenticated) {
      headers h;
      if (name != "no header") h.push_back({"Authorization", value});
      expect_error(send(r, h), 401, 1401, name + ": " + label(r));
    }
    for (auto& roles : {std::string("[]"), std::string(R"(["Admin"])"),
                        std::string(R"(["administrator","user"])"), std::string(R"("admin")")}) {
      auto t = jwt(hs256, claims(e2e::unique("bi-user"), roles), EVP_sha256(), jwt_secret);
      auto reply = send(r, {{"Authorization", "Bearer " + t}});
      // roles that is not an array is a malformed token (401); otherwise 403.
      if (roles == R"("admin")")
        expect_error(reply, 401, 1401, "roles " + roles + ": " + label(r));
      else
        expect_error(reply, 403, 1403, "roles " + roles + ": " + label(r));
    }
    expect_error(send(r, {{"Authorization", "Bearer " + user_token}}), 403, 1403,
                 "user token: " + label(r));
  }

  // Nothing was created or changed.
  expect_error(call(port(), "GET", "/api/v1/internships/" + new_id), 404, 1104, "not created");
  EXPECT_EQ(served_internship(id), internship_before);
  auto guest = cart({id});
  expect_success(
      call(port(), "POST", "/api/v1/cart/" + guest + "/coupon", R"({"coupon":")" + code + "\"}"),
      200, "the coupon is still active");

  // Control: a token signed here with the server's secret is accepted, so
  // every refusal above was for the one thing that was wrong with the token.
  auto good = "Bearer " + jwt(hs256, admin_claims, EVP_sha256(), jwt_secret);
  expect_success(send(routes[2], {{"Authorization", good}}), 201, "control: coupon created");
  expect_success(send(routes[0], {{"Authorization", good}}), 201, "control: internship created");
}

TEST_F(bad_input_e2e, bad_tokens_on_cart_routes_are_401_1401) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto token = cart({id});
  auto before = snapshot(token, {});
  auto sub = e2e::unique("bi-user");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"other secret",
       checkout::http::issue_token("another-secret-0123456789", sub, {}, std::chrono::hours(1))},
      {"alg none", jwt(R"({"alg":"none","typ":"JWT"})", claims(sub, "[]"), nullptr, "")},
      {"expired", checkout::http::issue_token(jwt_secret, sub, {}, std::chrono::seconds(-120))},
  };
  for (auto& [name, t] : bad) {
    headers h{{"Authorization", "Bearer " + t}};
    expect_error(call(port(), "POST", "/api/v1/cart",
                      R"({"products":[{"internship_id":")" + id + "\"}]}", h),
                 401, 1401, name + ": create");
    expect_error(call(port(), "POST", "/api-proxy/api/cart",
                      R"({"products":[{"internship_id":")" + id + "\"}]}", h),
                 401, 1401, name + ": create (seed path)");
    for (auto& r : cart_routes(token, id, code)) {
      if (r.target.find("/auth/check") != std::string::npos) continue;  // see its own test
      expect_error(send(r, h), 401, 1401, name + ": " + label(r));
    }
  }
  EXPECT_EQ(snapshot(token, {}), before);
  EXPECT_EQ(carts_of(sub), 0);
}

TEST_F(bad_input_e2e, oversized_bodies_are_413) {
  auto id = internship();
  auto code = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto owner_id = e2e::unique("bi-owner");
  auto owner = user(owner_id);
  auto token = cart({id}, owner);
  auto before = snapshot(token, owner);
  // Valid JSON an otherwise acceptable route would take: only its size is wrong.
  auto big = R"({"pad":")" + std::string(70 * 1024, 'a') + R"("})";

  auto routes = body_routes(token, id, code);
  for (auto& r : cart_routes(token, id, code))
    if (r.body.empty()) routes.push_back(r);
  routes.push_back({"GET", "/api/v1/internships", ""});
  routes.push_back({"GET", "/api/v1/internships/" + id, ""});
  for (auto& r : routes) {
    route bad = r;
    bad.body = big;
    auto reply = send(bad, owner);
    expect_error(reply, 413, 0, "70 KiB: " + label(r));
  }
  EXPECT_EQ(snapshot(token, owner), before);

  // The limit is 64 KiB: exactly that much is taken, one byte more is not.
  auto body = R"({"products":[{"internship_id":")" + id + R"("}]})";
  auto at_limit = body + std::string(64 * 1024 - body.size(), ' ');
  expect_success(call(port(), "POST", "/api/v1/cart", at_limit), 201, "exactly 64 KiB");
  expect_error(call(port(), "POST", "/api/v1/cart", at_limit + " "), 413, 0, "64 KiB + 1");
  EXPECT_EQ(snapshot(token, owner), before);
}

TEST_F(bad_input_e2e, unknown_fields_are_ignored) {
  const std::string extra = R"("unexpected":{"nested":[1,{"deep":null}]},"x-also":true)";
  auto id = e2e::unique("bi-extra");
  expect_success(
      call(port(), "POST", "/api/v1/admin/internships",
           R"({"id":")" + id +
               R"(","title":"T","category":"c","price":1000,"currency":"INR","seats":null,)" +
               extra + "}",
           admin),
      201, "create internship");
  auto patched = call(port(), "PATCH", "/api/v1/admin/internships/" + id,
                      R"({"price":1500,)" + extra + "}", admin);
  expect_success(patched, 200, "patch internship");
  EXPECT_TRUE(json_expect::at(patched.json(), "data.internship.price", 1500));
  auto other = internship(2000);

  auto code = e2e::unique("BI");
  expect_success(
      call(port(), "POST", "/api/v1/admin/coupons",
           R"({"code":")" + code + R"(","type":"percentage","value":10,)" + extra + "}", admin),
      201, "create coupon");
  expect_success(call(port(), "PATCH", "/api/v1/admin/coupons/" + code,
                      R"({"active":true,)" + extra + "}", admin),
                 200, "patch coupon");

  auto product = R"({"products":[{"internship_id":")" + id + R"(",)" + extra + "}]," + extra + "}";
  auto seed = call(port(), "POST", "/api-proxy/api/cart", product);
  expect_success(seed, 201, "create cart (seed path)");
  auto created = call(port(), "POST", "/api/v1/cart", product);
  expect_success(created, 201, "create cart");
  auto token = json_expect::string_at(created.json(), "data.cart.token");
  auto c = "/api/v1/cart/" + token;

  auto added = call(port(), "POST", c + "/items",
                    R"({"internship_id":")" + other + R"(","quantity":1,)" + extra + "}");
  expect_success(added, 200, "add item");
  EXPECT_TRUE(json_expect::has_size(added.json(), "data.cart.items", 2));
  auto qty = call(port(), "PATCH", c + "/items/" + other, R"({"quantity":3,)" + extra + "}");
  expect_success(qty, 200, "patch item");
  expect_success(
      call(port(), "PUT", c + "/billing", R"({"country":"IN","state":"MH",)" + extra + "}"), 200,
      "billing");
  expect_success(
      call(port(), "POST", "/api/v1/cart/discount/validate",
           R"({"cart_token":")" + token + R"(","coupon":")" + code + R"(",)" + extra + "}"),
      200, "validate");
  auto applied =
      call(port(), "POST", c + "/coupon", R"({"coupon":")" + code + R"(",)" + extra + "}");
  expect_success(applied, 200, "apply coupon");
  auto est = call(port(), "POST", "/api/v1/cart/estimate",
                  R"({"cart_token":")" + token + R"(",)" + extra + "}");
  expect_success(est, 200, "estimate");
  // 1500 + 3 × 2000 = 7500, 10% off = 6750; IGST 18% per line: 243 + 972 = 1215.
  auto e = est.json();
  EXPECT_TRUE(json_expect::at(e, "data.sub_total", 6750));
  EXPECT_TRUE(json_expect::at(e, "data.total", 6750 + 1215));
}

TEST_F(bad_input_e2e, rejected_changes_leave_the_cart_as_it_was) {
  auto id = internship();
  auto inactive = internship(500);
  ASSERT_EQ(
      call(port(), "PATCH", "/api/v1/admin/internships/" + inactive, R"({"active":false})", admin)
          .status,
      200);
  auto sold_out = internship(500);
  ASSERT_EQ(call(port(), "PATCH", "/api/v1/admin/internships/" + sold_out, R"({"seats":0})", admin)
                .status,
            200);
  auto plans = internship(900, R"(,"plans":[{"period":{"value":1,"unit":"month"},"price":500}])");
  auto first = coupon(R"(,"type":"percentage","value":10)");
  auto second = coupon(R"(,"type":"percentage","value":20)");
  auto owner_id = e2e::unique("bi-owner");
  auto owner = user(owner_id);
  auto token = cart({id}, owner);
  auto c = "/api/v1/cart/" + token;
  ASSERT_EQ(call(port(), "PATCH", c + "/items/" + id, R"({"quantity":60})", owner).status, 200);
  ASSERT_EQ(call(port(), "PUT", c + "/billing", R"({"country":"IN","state":"MH"})", owner).status,
            200);
  ASSERT_EQ(call(port(), "POST", c + "/coupon", R"({"coupon":")" + first + "\"}", owner).status,
            200);
  auto before = snapshot(token, owner);

  auto add = [&](const std::string& item, int quantity, const std::string& extra = {}) {
    return call(port(), "POST", c + "/items",
                R"({"internship_id":")" + item + R"(","quantity":)" + std::to_string(quantity) +
                    extra + "}",
                owner);
  };
  expect_error(add(id, 41), 422, 1000, "60 + 41 is over 100");
  expect_error(add(inactive, 1), 409, 1102, "inactive internship");
  expect_error(add(sold_out, 1), 409, 1102, "sold out");
  expect_error(add(plans, 1), 422, 1000, "a plan internship without a period");
  expect_error(add(plans, 1, R"(,"period":{"value":2,"unit":"month"})"), 422, 1000,
               "a period not offered");
  expect_error(add(plans, 1, R"(,"period":{"value":1,"unit":"fortnight"})"), 422, 1000,
               "an unknown unit");
  expect_error(add(id, 1, R"(,"period":{"value":1,"unit":"month"})"), 422, 1000,
               "a period on an internship without plans");
  // Merging into the signed-in user's cart is all or nothing.
  expect_error(
      call(port(), "POST", "/api/v1/cart",
           R"({"products":[{"internship_id":")" + plans +
               R"(","period":{"value":1,"unit":"month"}},{"internship_id":")" + inactive + "\"}]}",
           owner),
      409, 1102, "merge with an inactive internship");
  expect_error(call(port(), "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":")" + id + R"(","quantity":41}]})", owner),
               422, 1000, "merge over 100");
  expect_error(call(port(), "POST", c + "/coupon", R"({"coupon":")" + second + "\"}", owner), 422,
               2004, "a second non-combinable coupon");
  expect_error(call(port(), "POST", c + "/coupon", R"({"coupon":")" + first + "\"}", owner), 422,
               2004, "the same coupon again");
  expect_error(call(port(), "PUT", c + "/billing", R"({"country":"india"})", owner), 422, 1000,
               "country not ISO");
  expect_error(call(port(), "PUT", c + "/billing", R"({"country":"in"})", owner), 422, 1000,
               "country lower case");
  expect_error(call(port(), "DELETE", c + "/coupon?code=" + second, {}, owner), 422, 0,
               "remove a coupon not on the cart");
  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(carts_of(owner_id), 1);
}

TEST_F(bad_input_e2e, an_empty_title_never_blanks_an_internship) {
  auto id = internship();
  auto title_of = [&] {
    auto got = call(port(), "GET", "/api/v1/internships/" + id);
    EXPECT_EQ(got.status, 200) << got.body;
    return json_expect::string_at(got.json(), "data.internship.title");
  };
  auto title = title_of();
  ASSERT_FALSE(title.empty());
  auto r = call(port(), "PATCH", "/api/v1/admin/internships/" + id, R"({"title":""})", admin);
  // The contract leaves this open: either refused naming the field, or ignored.
  if (r.status == 422)
    expect_invalid(r, {"title"}, "empty title");
  else
    expect_success(r, 200, "empty title");
  EXPECT_EQ(title_of(), title);
}

// ------------------------------------------------------- bugs once seen ----
// Each test below found a bug that is fixed now; a regression fails it.

TEST_F(bad_input_e2e, a_nul_character_in_a_string_is_422_never_5xx_or_truncated) {
  auto id = internship();
  auto internship_before = served_internship(id);
  auto owner = user(e2e::unique("bi-owner"));
  auto token = cart({id}, owner);
  auto before = snapshot(token, owner);
  auto c = "/api/v1/cart/" + token;
  // A unique string with U+0000 inside, as JSON text: what is before the NUL is
  // unique too, so a truncated copy can never collide with an earlier one.
  auto nul = [] { return e2e::unique("bi-n") + "\\u0000b"; };
  // An internship body with `field` set to `value` (raw JSON) and the rest valid.
  auto create = [&](const std::string& field, const std::string& value) {
    std::vector<std::pair<std::string, std::string>> f = {
        {"id", json_string(e2e::unique("bi-nul"))},
        {"title", "\"T\""},
        {"category", "\"c\""},
        {"price", "1"},
        {"currency", "\"INR\""},
        {"seats", "null"}};
    std::string out;
    for (auto& [k, v] : f)
      out += (out.empty() ? "{" : ",") + json_string(k) + ":" + (k == field ? value : v);
    return out + "}";
  };
  auto new_coupon = [&](const std::string& fields) {
    return R"({"code":")" + e2e::unique("BI") + R"(","type":"percentage","value":5,)" + fields +
           "}";
  };
  auto product = R"({"products":[{"internship_id":")" + id + R"("}],)";
  struct nul_case {
    route r;
    std::string field;
  };
  const std::vector<nul_case> cases = {
      {{"POST", "/api/v1/admin/internships",
        create("id", json_string(e2e::unique("bi-nul") + "\\u0000x")), true},
       "id"},
      {{"POST", "/api/v1/admin/internships", create("title", json_string(nul())), true}, "title"},
      {{"POST", "/api/v1/admin/internships", create("category", json_string(nul())), true},
       "category"},
      {{"PATCH", "/api/v1/admin/internships/" + id, R"({"title":")" + nul() + "\"}", true},
       "title"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"("sale_slug":")" + nul() + "\""), true},
       "sale_slug"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"("internship_ids":[")" + nul() + "\"]"),
        true},
       "internship_ids[0]"},
      {{"POST", "/api/v1/admin/coupons", new_coupon(R"("categories":[")" + nul() + "\"]"), true},
       "categories[0]"},
      {{"POST", "/api/v1/cart", R"({"products":[{"internship_id":")" + nul() + "\"}]}"},
       "products[0].internship_id"},
      {{"POST", "/api/v1/cart", product + R"("sale_slug":")" + nul() + "\"}"}, "sale_slug"},
      {{"POST", "/api/v1/cart", product + R"("device_id":")" + nul() + "\"}"}, "device_id"},
      {{"POST", "/api/v1/cart", product + R"("analytics_data":{"k":")" + nul() + "\"}}"},
       "analytics_data"},
      {{"POST", c + "/items", R"({"internship_id":")" + nul() + R"(","quantity":1})"},
       "internship_id"},
      {{"PUT", c + "/billing", R"({"country":"IN","state":")" + nul() + "\"}"}, "state"},
  };
  for (auto& n : cases) {
    // Cart creation as a guest (a new cart each time); the rest as the owner.
    // A 2xx here stored the string (whole or cut at the NUL); its body says how.
    bool guest_create = n.r.target == "/api/v1/cart";
    expect_invalid(send(n.r, guest_create ? headers{} : owner), {n.field}, label(n.r));
  }
  EXPECT_EQ(snapshot(token, owner), before);
  EXPECT_EQ(served_internship(id), internship_before) << "the PATCH of a title with a NUL wrote";
}

TEST_F(bad_input_e2e, a_path_id_that_is_not_utf8_is_not_found_never_5xx) {
  struct path_case {
    route r;
    std::vector<int> statuses;  // acceptable
    int code;
  };
  const std::vector<path_case> cases = {
      {{"GET", "/api/v1/internships/%FF", ""}, {404}, 1104},
      {{"GET", "/api/v1/internships/%C3%28", ""}, {404}, 1104},
      {{"PATCH", "/api/v1/admin/internships/%FF", R"({"price":1})", true}, {404}, 1104},
      // The contract names no code for an unknown coupon on the admin route.
      {{"PATCH", "/api/v1/admin/coupons/%FF", R"({"active":true})", true}, {404, 422}, 0},
  };
  for (auto& p : cases) {
    auto r = send(p.r);
    EXPECT_NE(std::find(p.statuses.begin(), p.statuses.end(), r.status), p.statuses.end())
        << label(p.r) << "\n"
        << r.body;
    expect_error(r, r.status, p.code, label(p.r));
  }
}

TEST_F(bad_input_e2e, error_bodies_are_utf8_even_when_the_path_is_not) {
  auto id = internship();
  auto token = cart({id});
  auto before = snapshot(token, {});
  auto c = "/api/v1/cart/" + token;
  struct utf8_case {
    route r;
    int status;
    int code;
  };
  const std::vector<utf8_case> cases = {
      {{"PATCH", c + "/items/%FF", R"({"quantity":1})"}, 422, 1101},
      {{"DELETE", c + "/items/%FF", ""}, 422, 1101},
      {{"DELETE", c + "/coupon?code=%FF", ""}, 422, 0},
      {{"GET", "/api/v1/internships?category=%FF", ""}, 422, 1000},
      {{"GET", "/api/v1/internships?cursor=%FF", ""}, 422, 1000},
  };
  for (auto& u : cases) {
    auto r = send(u.r);
    auto raw = r.body.find('\xff');
    EXPECT_TRUE(valid_utf8_json(r.body))
        << label(u.r) << " -> " << r.status << " with a body that is not UTF-8"
        << (raw == std::string::npos
                ? std::string()
                : " (raw byte 0xFF echoed at offset " + std::to_string(raw) + ")");
    expect_error(r, u.status, u.code, label(u.r));
  }
  EXPECT_EQ(snapshot(token, {}), before);
}

// An id with a slash, once taken, could never be read, patched or deleted by
// id (nor a cart line of it): GET /internships/a%2Fx does not reach it.
TEST_F(bad_input_e2e, an_internship_id_must_be_usable_in_a_path) {
  auto id = e2e::unique("bi-slash") + "/x";
  auto r = call(
      port(), "POST", "/api/v1/admin/internships",
      R"({"id":")" + id +
          R"(","title":"T","category":"bad-input-slash","price":1,"currency":"INR","seats":null,"active":false})",
      admin);
  expect_invalid(r, {"id"}, "an id with a slash");
}

TEST_F(bad_input_e2e, create_cart_honours_the_idempotency_key) {
  auto id = internship();
  auto other = internship();
  auto user_id = e2e::unique("bi-idem");
  auto key = e2e::unique("bi-key");
  headers h = user(user_id);
  h.push_back({"Idempotency-Key", key});
  auto body = R"({"products":[{"internship_id":")" + id + "\"}]}";
  auto first = call(port(), "POST", "/api/v1/cart", body, h);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.headers.count("idempotent-replayed"), 0u);
  auto token = json_expect::string_at(first.json(), "data.cart.token");

  auto again = call(port(), "POST", "/api/v1/cart", body, h);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body) << "the first response, byte for byte";
  auto replayed = again.headers.find("idempotent-replayed");
  ASSERT_NE(replayed, again.headers.end());
  EXPECT_EQ(replayed->second, "true");
  // Read from the database: the repeat was not applied as a second add.
  EXPECT_EQ(stored_quantity(token, id), 1);

  auto before = snapshot(token, user(user_id));
  auto different = call(port(), "POST", "/api/v1/cart",
                        R"({"products":[{"internship_id":")" + other + "\"}]}", h);
  expect_error(different, 422, 6001, "same key, different body");
  EXPECT_EQ(snapshot(token, user(user_id)), before) << "the other internship was merged in";

  // A key that is not 1-255 characters of text is bad input, and nothing is made.
  auto carts_before = carts_of(user_id);
  for (auto& bad : {std::string(256, 'k'), std::string("k\xff")}) {
    headers hb = user(user_id);
    hb.push_back({"Idempotency-Key", bad});
    expect_invalid(call(port(), "POST", "/api/v1/cart", body, hb), {"Idempotency-Key"},
                   "Idempotency-Key of " + std::to_string(bad.size()) + " bytes");
  }
  EXPECT_EQ(carts_of(user_id), carts_before);
  EXPECT_EQ(snapshot(token, user(user_id)), before);
}

TEST_F(bad_input_e2e, auth_check_with_a_bad_token_is_401) {
  auto id = internship();
  auto token = cart({id});
  auto sub = e2e::unique("bi-user");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"other secret",
       checkout::http::issue_token("another-secret-0123456789", sub, {}, std::chrono::hours(1))},
      {"alg none", jwt(R"({"alg":"none","typ":"JWT"})", claims(sub, "[]"), nullptr, "")},
      {"expired", checkout::http::issue_token(jwt_secret, sub, {}, std::chrono::seconds(-120))},
  };
  // CONTRACT §2: a token that is there but bad is 401 code 1401, never read as
  // "not signed in" (200 {authenticated:false}).
  for (auto& [name, t] : bad) {
    auto r = call(port(), "POST", "/api/v1/cart/" + token + "/auth/check", {},
                  {{"Authorization", "Bearer " + t}});
    expect_error(r, 401, 1401, name);
  }
}

// Not bad input, but seen here: a signed-in user's second POST /cart merges
// into their active cart (CONTRACT §6) and answers the merged cart; a GET of
// that cart right after must show what was merged and stored, not a stale
// copy held by the cart's home shard.
TEST_F(bad_input_e2e, a_merge_into_the_users_cart_is_what_get_serves_next) {
  auto id = internship();
  auto user_id = e2e::unique("bi-merge");
  auto h = user(user_id);
  auto body = R"({"products":[{"internship_id":")" + id + "\"}]}";
  auto first = call(port(), "POST", "/api/v1/cart", body, h);
  ASSERT_EQ(first.status, 201) << first.body;
  auto token = json_expect::string_at(first.json(), "data.cart.token");
  auto merged = call(port(), "POST", "/api/v1/cart", body, h);
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto m = merged.json();
  ASSERT_TRUE(json_expect::at(m, "data.cart.token", token));
  ASSERT_TRUE(json_expect::has_size(m, "data.cart.items", 1));
  EXPECT_TRUE(json_expect::at(m, "data.cart.items[0].quantity", 2));
  EXPECT_EQ(stored_quantity(token, id), 2);
  auto got = call(port(), "GET", "/api/v1/cart/" + token, {}, h);
  ASSERT_EQ(got.status, 200) << got.body;
  ASSERT_TRUE(json_expect::has_size(got.json(), "data.cart.items", 1));
  EXPECT_TRUE(json_expect::at(got.json(), "data.cart.items[0].quantity", 2))
      << "GET after the merge serves another quantity than it answered and stored";
}

// Not bad input, but seen here. In the seller's state each of CGST and SGST is
// 9% of the line rounded half-up on its own (issue 3: "half-up of 18% (or 9% +
// 9%)"), as each stands on its own on a GST invoice; so a line of 1350 pays
// 122 + 122 there against IGST 243 elsewhere. Whether §5 wants one rounding of
// 18% split in two instead is an open question recorded in the issue notes.
TEST_F(bad_input_e2e, same_state_gst_rounds_each_half_on_its_own) {
  auto token = cart({internship(1350)});
  auto c = "/api/v1/cart/" + token;
  auto estimate = [&](const std::string& state) {
    EXPECT_EQ(
        call(port(), "PUT", c + "/billing", R"({"country":"IN","state":")" + state + "\"}").status,
        200);
    auto r = call(port(), "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  auto other = estimate("MH");  // IGST 18%: 1350 × 0.18 = 243
  EXPECT_TRUE(json_expect::at(other, "data.tax_total", 243));
  auto same = estimate("KA");  // the seller's state: 121.5 -> 122, twice
  ASSERT_TRUE(json_expect::has_size(same, "data.tax_breakdown", 2));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[0].name", "CGST"));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[0].amount", 122));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[1].name", "SGST"));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[1].amount", 122));
  EXPECT_TRUE(json_expect::at(same, "data.tax_total", 244));
  EXPECT_TRUE(json_expect::at(same, "data.total", 1350 + 244));
}

}  // namespace
