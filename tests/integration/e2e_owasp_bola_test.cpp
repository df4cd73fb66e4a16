// OWASP API Top 10 (2023), API1: broken object level authorization, through the
// real binary (CONTRACT §2, §6, §7, §10). Every route that takes a cart,
// order or payment token (or an admin id) is sent by the owner, by another
// user and by a guest. The owner succeeds; anyone else gets exactly the answer
// a token that does not exist gets (404 with the resource's code, never 403,
// so existence is not revealed), or 401 where a signed-in user is required;
// and the object is left exactly as it was.
//
// Seed aliases (CONTRACT §16) are probed too when the binary serves them.
#include <gtest/gtest.h>

#include <cctype>
#include <iostream>
#include <set>

#include "e2e_owasp_support.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::reply;
using e2e::owasp::as;
using e2e::owasp::as_admin;
using e2e::owasp::as_guest;
using e2e::owasp::error_shape;
using e2e::owasp::fill;
using e2e::owasp::headers;
using e2e::owasp::missing_token;
using e2e::owasp::refusal;
using json_expect::error_envelope;
using json_expect::int_at;
using json_expect::kind;
using json_expect::string_at;

// One route: method, path and body with "{t}" where the object's token goes.
struct probe {
  std::string method, path, body;
  bool needs_user = false;  // 401 for a guest whatever the token
  bool alias = false;       // a seed alias (CONTRACT §16) this binary may not serve yet
  std::string label() const { return method + " " + path; }
};

class OwaspBola : public e2e::shared_server<OwaspBola> {
 protected:
  e2e::shop shop{srv->port()};
  unsigned short port() const { return shop.port; }
  std::string alice = e2e::unique("alice");
  std::string mallory = e2e::unique("mallory");

  // Every route that takes a cart token, with bodies the owner's walk can use
  // in this order: `a` is in the cart, `b` is not yet, `code` applies.
  static std::vector<probe> cart_routes(const std::string& a, const std::string& b,
                                        const std::string& code) {
    return {
        {"GET", "/api/v1/cart/{t}", ""},
        {"POST", "/api/v1/cart/{t}/items", R"({"internship_id":")" + b + R"(","quantity":1})"},
        {"PATCH", "/api/v1/cart/{t}/items/" + a, R"({"quantity":3})"},
        {"PUT", "/api/v1/cart/{t}/billing", R"({"country":"IN","state":"KA"})"},
        {"POST", "/api/v1/cart/{t}/coupon", R"({"coupon":")" + code + R"("})"},
        {"GET", "/api/v1/cart/{t}/discounts", ""},
        {"POST", "/api/v1/cart/estimate", R"({"cart_token":"{t}"})"},
        {"POST", "/api/v1/cart/discount/validate",
         R"({"cart_token":"{t}","coupon":")" + code + R"("})"},
        {"POST", "/api/v1/cart/{t}/auth/check", ""},
        {"POST", "/api/v1/cart/{t}/auth/login", "", true},
        {"DELETE", "/api/v1/cart/{t}/coupon?code=" + code, ""},
        {"DELETE", "/api/v1/cart/{t}/items/" + b, ""},
        // Seed 003's aliases (CONTRACT §16), when served.
        {"DELETE", "/api/v1/cart/{t}/item/" + b, "", false, true},
        {"PUT", "/api/v1/cart/{t}/plan/3-month", "{}", false, true},
    };
  }

  // Seed aliases already reported as not served.
  static std::set<std::string>& noted() {
    static std::set<std::string> n;
    return n;
  }

  // `h` with a fresh Idempotency-Key, so no answer is a replay of another.
  static headers keyed(headers h) {
    h.push_back({"Idempotency-Key", e2e::unique("key")});
    return h;
  }

  // Sends `p` about `token` and about a token that does not exist, as `who`:
  // both must be the same refusal, `status` with `code`, correlation id aside.
  // Answers false when the binary does not serve the route at all.
  // With `with_key`, each request carries a fresh Idempotency-Key.
  bool expect_hidden(const probe& p, const std::string& token, const headers& who,
                     const std::string& who_name, int status, int code, bool with_key = false) {
    auto none = missing_token();
    auto send = [&](const std::string& t) {
      return call(port(), p.method, fill(p.path, t), fill(p.body, t), with_key ? keyed(who) : who);
    };
    auto theirs = send(token);
    auto absent = send(none);
    if (!e2e::owasp::routed(absent)) {
      // Every route of the router must answer; only the seed aliases may be missing.
      if (!p.alias)
        ADD_FAILURE() << p.label() << " is not served: " << absent.body;
      else if (noted().insert(p.method + " " + p.path.substr(0, p.path.rfind('/'))).second)
        std::cout << "[ NOTE     ] not served (yet): " << p.label() << "\n";
      return false;
    }
    auto what = p.label() + " as " + who_name;
    EXPECT_TRUE(error_envelope(theirs.status, theirs.body, status, code)) << what;
    EXPECT_EQ(error_shape(theirs), error_shape(absent)) << what;
    return true;
  }

  // Every cart route refuses `intruder` (a user id, or "" for a guest) about
  // `cart` as if the token did not exist.
  void expect_cart_hidden_from(const std::vector<probe>& routes, const std::string& cart,
                               const std::string& intruder) {
    auto who = intruder.empty() ? as_guest() : as(intruder);
    auto name = intruder.empty() ? std::string("a guest") : "user " + intruder;
    for (auto& p : routes) {
      bool guest_refused = intruder.empty() && p.needs_user;
      expect_hidden(p, cart, who, name, guest_refused ? 401 : 404, guest_refused ? 1401 : 1001);
    }
  }

  // The cart as stored, for "nothing changed" checks.
  static std::string owner_of(const std::string& cart) {
    return e2e::db_value("SELECT COALESCE(user_id, '') FROM carts WHERE token = $1::uuid", cart);
  }
  static std::string version_of(const std::string& cart) {
    return e2e::db_value("SELECT version::text FROM carts WHERE token = $1::uuid", cart);
  }

  std::string place_ok(const std::string& user, const std::string& cart) {
    auto r = shop.place(user, cart, e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    return string_at(r.json(), "data.order.order_token");
  }

  // The `key` of each element of the array at `path` of a 200 answer; a
  // missing array is a failure, not an empty list.
  static std::vector<std::string> listed(const reply& r, const char* path, const char* key) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    auto d = r.json();
    if (r.status != 200 || !json_expect::is(d, path, kind::array)) {
      ADD_FAILURE() << path << " is not an array: " << r.body;
      return out;
    }
    for (auto& item : json_expect::find(d, path)->GetArray()) out.push_back(string_at(item, key));
    return out;
  }

  std::vector<std::string> order_tokens_of(const std::string& user, const std::string& query) {
    return listed(call(port(), "GET", "/api/v1/orders" + query, {}, as(user)), "data.orders",
                  "order_token");
  }

  std::set<std::string> enrollment_orders_of(const std::string& user) {
    auto tokens = listed(call(port(), "GET", "/api/v1/enrollments", {}, as(user)),
                         "data.enrollments", "order_token");
    return {tokens.begin(), tokens.end()};
  }

  // How many entries the order's history has, as its owner reads it.
  std::size_t history_size(const std::string& user, const std::string& order) {
    auto d = shop.order(user, order).json();
    EXPECT_TRUE(json_expect::is(d, "data.order.history", kind::array));
    auto h = json_expect::find(d, "data.order.history");
    return h && h->IsArray() ? h->Size() : 0;
  }
};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST_F(OwaspBola, a_users_cart_is_not_found_for_anyone_else_on_every_cart_route) {
  auto a = shop.internship(10000);
  auto b = shop.internship(5000);
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto cart = shop.cart(alice, a);
  auto routes = cart_routes(a, b, code);
  auto before = e2e::owasp::cart_json(port(), cart, as(alice));
  ASSERT_FALSE(before.empty());

  // Another user without a cart of her own, and a guest holding the token.
  expect_cart_hidden_from(routes, cart, mallory);
  expect_cart_hidden_from(routes, cart, "");

  // Signing in with someone else's cart while having a cart of one's own takes
  // the merge path: not found either, and her own cart is left alone.
  auto own = shop.cart(mallory, b);
  auto own_before = e2e::owasp::cart_json(port(), own, as(mallory));
  expect_hidden({"POST", "/api/v1/cart/{t}/auth/login", ""}, cart, as(mallory), "user " + mallory,
                404, 1001);
  EXPECT_EQ(e2e::owasp::cart_json(port(), own, as(mallory)), own_before);

  // Nothing changed: the same cart, byte for byte, still Alice's.
  EXPECT_EQ(e2e::owasp::cart_json(port(), cart, as(alice)), before);
  EXPECT_EQ(owner_of(cart), alice);
  EXPECT_EQ(version_of(cart), "1");

  // The token's spelling does not matter: upper case is the same cart, still hidden.
  auto upper = cart;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto shouted = call(port(), "GET", "/api/v1/cart/" + upper, {}, as(mallory));
  EXPECT_TRUE(error_envelope(shouted.status, shouted.body, 404, 1001));

  // The owner succeeds on every one of them, with the same bodies.
  for (auto& p : routes) {
    if (p.alias) continue;
    auto r = call(port(), p.method, fill(p.path, cart), fill(p.body, cart), as(alice));
    EXPECT_EQ(r.status, 200) << p.label() << ": " << r.body;
    if (p.path == "/api/v1/cart/{t}/auth/check") {
      EXPECT_TRUE(json_expect::at(r.json(), "data.owns_cart", true));
    }
  }
  EXPECT_EQ(owner_of(cart), alice);
}

TEST_F(OwaspBola, a_guest_cart_token_is_the_capability_until_a_user_claims_it) {
  auto a = shop.internship(10000);
  auto b = shop.internship(5000);
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto cart = e2e::owasp::guest_cart(port(), a);

  // Unclaimed, anyone holding the token may use it (CONTRACT §2).
  EXPECT_EQ(call(port(), "GET", "/api/v1/cart/" + cart).status, 200);
  auto peek = call(port(), "POST", "/api/v1/cart/" + cart + "/auth/check", {}, as(mallory));
  ASSERT_EQ(peek.status, 200) << peek.body;
  EXPECT_TRUE(json_expect::at(peek.json(), "data.owns_cart", false));

  auto claimed = call(port(), "POST", "/api/v1/cart/" + cart + "/auth/login", {}, as(alice));
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_TRUE(json_expect::at(claimed.json(), "data.cart.user_id", alice));
  auto before = e2e::owasp::cart_json(port(), cart, as(alice));

  // Claimed, the old token is worth nothing to the guest who made it, or to
  // anyone else: not even signing in takes it over.
  auto routes = cart_routes(a, b, code);
  expect_cart_hidden_from(routes, cart, "");
  expect_cart_hidden_from(routes, cart, mallory);
  EXPECT_EQ(e2e::owasp::cart_json(port(), cart, as(alice)), before);
  EXPECT_EQ(owner_of(cart), alice);
}

TEST_F(OwaspBola, an_order_cannot_be_placed_with_someone_elses_cart) {
  auto a = shop.internship(10000);
  auto cart = shop.cart(alice, a);

  for (auto path : {"/api/v1/orders", "/api/v1/order"}) {
    // A fresh key each time, so no answer is a replay of another.
    probe p{"POST", path, R"({"cart_token":"{t}"})", true};
    expect_hidden(p, cart, as(mallory), "user " + mallory, 404, 1001, true);
    expect_hidden(p, cart, as_guest(), "a guest", 401, 1401, true);
  }
  // No order was made of it, and it is still Alice's active cart.
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", cart), "0");
  EXPECT_EQ(e2e::cart_status(cart), "active");
  EXPECT_EQ(owner_of(cart), alice);
  EXPECT_TRUE(order_tokens_of(mallory, "").empty());

  // The owner places it; a guest cart is attached to whoever orders it.
  auto mine = place_ok(alice, cart);
  EXPECT_FALSE(mine.empty());
  auto guest_cart = e2e::owasp::guest_cart(port(), a);
  auto hers = place_ok(mallory, guest_cart);
  EXPECT_EQ(owner_of(guest_cart), mallory);
  // Ordered (converted) carts stay private to their owners too.
  auto seen = call(port(), "GET", "/api/v1/cart/" + cart, {}, as(mallory));
  EXPECT_TRUE(error_envelope(seen.status, seen.body, 404, 1001));
  auto not_hers = shop.order(alice, hers);
  EXPECT_TRUE(error_envelope(not_hers.status, not_hers.body, 404, 5001));
}

TEST_F(OwaspBola, an_order_is_found_listed_and_retried_only_by_its_owner) {
  auto cart = shop.cart(alice, shop.internship(10000));
  auto placed = shop.place(alice, cart, e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto pd = placed.json();
  auto order = string_at(pd, "data.order.order_token");
  auto gateway_order = string_at(pd, "data.order.payment.gateway_order_id");
  auto total = int_at(pd, "data.order.total");
  auto before = e2e::owasp::data_of(shop.order(alice, order));

  std::vector<probe> routes = {
      {"GET", "/api/v1/orders/{t}", "", true},
      {"POST", "/api/v1/orders/{t}/payments", "{}", true},
      {"GET", "/api/v1/order/{t}", "", true, true},  // seed 003's alias, when served
  };
  for (auto& p : routes) {
    // Ownership is decided before the order's state: a retry of someone else's
    // unpaid order is 404, not the 409 its owner would get.
    expect_hidden(p, order, as(mallory), "user " + mallory, 404, 5001, true);
    expect_hidden(p, order, as_guest(), "a guest", 401, 1401, true);
  }
  EXPECT_EQ(e2e::owasp::data_of(shop.order(alice, order)), before);

  // Listed for the owner only, whatever the filter.
  for (auto query : {"", "?status=awaiting_payment", "?limit=100"}) {
    EXPECT_TRUE(contains(order_tokens_of(alice, query), order)) << query;
    EXPECT_FALSE(contains(order_tokens_of(mallory, query), order)) << query;
  }
  auto guest_list = call(port(), "GET", "/api/v1/orders");
  EXPECT_TRUE(error_envelope(guest_list.status, guest_list.body, 401, 1401));

  // A failed order: only its owner opens a new payment attempt.
  ASSERT_EQ(shop.razorpay_event("payment.failed", gateway_order, total).status, 200);
  ASSERT_EQ(shop.status_of(alice, order), "failed");
  auto history = history_size(alice, order);
  probe retry{"POST", "/api/v1/orders/{t}/payments", "{}", true};
  expect_hidden(retry, order, as(mallory), "user " + mallory, 404, 5001, true);
  expect_hidden(retry, order, as_guest(), "a guest", 401, 1401, true);
  EXPECT_EQ(shop.status_of(alice, order), "failed");
  EXPECT_EQ(history_size(alice, order), history);

  auto mine = call(port(), "POST", "/api/v1/orders/" + order + "/payments", "{}", keyed(as(alice)));
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_TRUE(json_expect::at(mine.json(), "data.order.status", "awaiting_payment"));
}

TEST_F(OwaspBola, enrollments_invoices_and_refunds_of_a_paid_order_stay_with_their_owner) {
  auto cart = shop.cart(alice, shop.internship(20000));
  auto placed = shop.place(alice, cart, e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto pd = placed.json();
  auto order = string_at(pd, "data.order.order_token");
  ASSERT_EQ(
      shop.razorpay_event("payment.captured", string_at(pd, "data.order.payment.gateway_order_id"),
                          int_at(pd, "data.order.total"))
          .status,
      200);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(alice, order) == "completed"; }, 3s));

  // GET /enrollments is the caller's own list.
  ASSERT_TRUE(e2e::eventually([&] { return enrollment_orders_of(alice).count(order) == 1; }, 3s));
  EXPECT_EQ(enrollment_orders_of(mallory).count(order), 0u);
  auto guest_list = call(port(), "GET", "/api/v1/enrollments");
  EXPECT_TRUE(error_envelope(guest_list.status, guest_list.body, 401, 1401));

  // Reading a paid order (and its invoice, when served) is the owner's.
  for (auto& p : std::vector<probe>{{"GET", "/api/v1/orders/{t}", "", true},
                                    {"GET", "/api/v1/orders/{t}/invoice", "", true, true},
                                    {"GET", "/api/v1/order/{t}", "", true, true}}) {
    if (!expect_hidden(p, order, as(mallory), "user " + mallory, 404, 5001)) continue;
    expect_hidden(p, order, as_guest(), "a guest", 401, 1401);
    auto own = call(port(), "GET", fill(p.path, order), {}, as(alice));
    EXPECT_EQ(own.status, 200) << p.path << ": " << own.body;
  }

  // A refund is an operator's: not its owner's, nobody else's, not a guest's.
  auto path = "/api/v1/admin/orders/" + order + "/refund";
  for (auto& no : std::vector<refusal>{
           {as(alice), 403, 1403}, {as(mallory), 403, 1403}, {as_guest(), 401, 1401}}) {
    auto r = call(port(), "POST", path, "{}", no.who);
    EXPECT_TRUE(error_envelope(r.status, r.body, no.status, no.code));
  }
  EXPECT_EQ(shop.status_of(alice, order), "completed");
  auto absent = call(port(), "POST", "/api/v1/admin/orders/" + missing_token() + "/refund", "{}",
                     as_admin(shop));
  EXPECT_TRUE(error_envelope(absent.status, absent.body, 404, 5001));
  auto refund = call(port(), "POST", path, "{}", as_admin(shop));
  ASSERT_EQ(refund.status, 200) << refund.body;
  EXPECT_EQ(shop.status_of(alice, order), "refunded");
}

TEST_F(OwaspBola, idempotency_keys_never_replay_someone_elses_answer) {
  auto internship = shop.internship(10000);
  auto cart_body = R"({"products":[{"internship_id":")" + internship + R"("}]})";
  auto with_key = [](headers h, const std::string& key) {
    h.push_back({"Idempotency-Key", key});
    return h;
  };

  // POST /cart: the same key and body from another user makes her own cart.
  auto cart_key = e2e::unique("key");
  auto hers = call(port(), "POST", "/api/v1/cart", cart_body, with_key(as(alice), cart_key));
  ASSERT_EQ(hers.status, 201) << hers.body;
  auto cart = string_at(hers.json(), "data.cart.token");
  auto other = call(port(), "POST", "/api/v1/cart", cart_body, with_key(as(mallory), cart_key));
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(other.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(other.body.find(cart), std::string::npos) << other.body;
  EXPECT_TRUE(json_expect::at(other.json(), "data.cart.user_id", mallory));

  // POST /orders: Alice's key and body from Mallory are Mallory's request, about
  // a cart that is not hers, never a replay of Alice's order.
  auto order_key = e2e::unique("key");
  auto placed = shop.place(alice, cart, order_key);
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto pd = placed.json();
  auto order = string_at(pd, "data.order.order_token");
  auto stolen = shop.place(mallory, cart, order_key);
  EXPECT_TRUE(error_envelope(stolen.status, stolen.body, 404, 1001));
  EXPECT_EQ(stolen.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(stolen.body.find(order), std::string::npos) << stolen.body;

  // POST /orders/{token}/payments likewise.
  ASSERT_EQ(
      shop.razorpay_event("payment.failed", string_at(pd, "data.order.payment.gateway_order_id"),
                          int_at(pd, "data.order.total"))
          .status,
      200);
  auto retry_key = e2e::unique("key");
  auto path = "/api/v1/orders/" + order + "/payments";
  auto retried = call(port(), "POST", path, "{}", with_key(as(alice), retry_key));
  ASSERT_EQ(retried.status, 201) << retried.body;
  auto replay = call(port(), "POST", path, "{}", with_key(as(mallory), retry_key));
  EXPECT_TRUE(error_envelope(replay.status, replay.body, 404, 5001));
  EXPECT_EQ(replay.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(replay.body.find(order), std::string::npos) << replay.body;
}

TEST_F(OwaspBola, admin_routes_naming_an_object_refuse_users_and_guests) {
  auto internship = shop.internship(10000);
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto cart = shop.cart(alice, internship);
  auto order = place_ok(alice, cart);
  auto internship_before =
      e2e::owasp::data_of(call(port(), "GET", "/api/v1/internships/" + internship));

  std::vector<probe> routes = {
      {"PATCH", "/api/v1/admin/internships/" + internship, R"({"price":1,"active":false})"},
      {"PATCH", "/api/v1/admin/coupons/" + code, R"({"active":false})"},
      {"GET", "/api/v1/admin/actors/cart/" + cart, ""},
      {"GET", "/api/v1/admin/actors/order/" + order, ""},
      {"POST", "/api/v1/admin/orders/" + order + "/refund", "{}"},
  };
  for (auto& p : routes) {
    for (auto& no : std::vector<refusal>{{as(alice), 403, 1403}, {as_guest(), 401, 1401}}) {
      auto r = call(port(), p.method, p.path, p.body, no.who);
      EXPECT_TRUE(error_envelope(r.status, r.body, no.status, no.code)) << p.label();
    }
  }
  // Nothing changed: the internship as it was, the coupon still applies.
  EXPECT_EQ(e2e::owasp::data_of(call(port(), "GET", "/api/v1/internships/" + internship)),
            internship_before);
  auto other = shop.cart(mallory, internship);
  EXPECT_EQ(shop.apply_coupon(other, mallory, code).status, 200);
  EXPECT_EQ(shop.status_of(alice, order), "awaiting_payment");
}

TEST_F(OwaspBola, payment_pages_know_only_real_payment_tokens) {
  auto cart = shop.cart(alice, shop.internship(10000));
  auto placed = shop.place(alice, cart, e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto pd = placed.json();
  auto order = string_at(pd, "data.order.order_token");
  auto payment = string_at(pd, "data.order.payment.payment_token");
  ASSERT_FALSE(payment.empty());

  // The hosted page is the gateway's: the payment token (random, handed only to
  // the order's owner) is its capability, as a guest cart's token is.
  auto page = call(port(), "GET", "/api/v1/sandbox/checkout/" + payment);
  EXPECT_EQ(page.status, 200) << page.body;
  for (auto path : {"/api/v1/sandbox/checkout/", "/api/v1/checkout/razorpay/"}) {
    auto r = call(port(), "GET", path + missing_token());
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    // An order token is not a payment token.
    auto o = call(port(), "GET", path + order);
    EXPECT_EQ(o.status, 404) << path << ": " << o.body;
  }
  EXPECT_EQ(shop.status_of(alice, order), "awaiting_payment");
}

}  // namespace
