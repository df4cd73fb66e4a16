// An order's life through the real HTTP API (CONTRACT §7): retrying a failed
// payment, an operator's refund, captures that arrive after the window closed,
// the caller's list, changed prices and coupons at order time, free orders.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "e2e_shop.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;

class order_lifecycle : public e2e::shared_server<order_lifecycle> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"ORDER_PAYMENT_TIMEOUT", "2s"}, {"ORDER_EXPIRY_SCAN_INTERVAL", "500ms"}};
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("life");

  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };
  placed place_one(const std::string& internship) {
    auto r = shop.place(user, shop.cart(user, internship), e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    auto& o = d["data"]["order"];
    return {str(o, "order_token"), str(o["payment"], "gateway_order_id"), o["total"].GetInt64()};
  }
  rapidjson::Document order_json(const std::string& token) {
    auto r = shop.order(user, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  std::vector<std::string> history_of(const std::string& token) {
    auto d = order_json(token);
    std::vector<std::string> out;
    for (auto& h : d["data"]["order"]["history"].GetArray()) out.push_back(str(h, "status"));
    return out;
  }
};

using history = std::vector<std::string>;

TEST_F(order_lifecycle, a_failed_payment_is_retried_with_a_new_attempt) {
  auto o = place_one(shop.internship(10000));
  ASSERT_EQ(shop.razorpay_event("payment.failed", o.gateway_order_id, o.total).status, 200);
  EXPECT_EQ(shop.status_of(user, o.token), "failed");

  auto path = "/api/v1/orders/" + o.token + "/payments";
  auto no_key = call(shop.port, "POST", path, "{}", {{"Authorization", shop.bearer(user)}});
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(no_key.json()["error"]["code"].GetInt(), 6000);

  auto key = e2e::unique("retry");
  auto retry = call(shop.port, "POST", path, "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", key}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  auto d = retry.json();
  auto& order = d["data"]["order"];
  EXPECT_EQ(str(order, "status"), "awaiting_payment");
  EXPECT_EQ(str(order["payment"], "status"), "created");
  auto second_gateway_order = str(order["payment"], "gateway_order_id");
  EXPECT_NE(second_gateway_order, o.gateway_order_id);
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "failed", "awaiting_payment"}));

  // The same key replays; another key while a payment is open is refused.
  auto again = call(shop.port, "POST", path, "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", key}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, retry.body);
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  auto other = call(shop.port, "POST", path, "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", e2e::unique("k")}});
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(other.json()["error"]["code"].GetInt(), 5005);

  // Someone else's order is not found, with or without a key.
  auto stranger = call(
      shop.port, "POST", path, "{}",
      {{"Authorization", shop.bearer(e2e::unique("x"))}, {"Idempotency-Key", e2e::unique("k")}});
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(stranger.json()["error"]["code"].GetInt(), 5001);

  // The second attempt pays.
  ASSERT_EQ(shop.razorpay_event("payment.captured", second_gateway_order, o.total).status, 200);
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 3s));
}

TEST_F(order_lifecycle, an_operator_refund_revokes_the_enrollment_and_frees_the_seat) {
  auto internship = shop.internship(25000, "3");
  auto o = place_one(internship);
  ASSERT_EQ(shop.razorpay_event("payment.captured", o.gateway_order_id, o.total).status, 200);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 3s));
  EXPECT_EQ(shop.seats_available(internship), 2);

  auto path = "/api/v1/admin/orders/" + o.token + "/refund";
  auto not_admin = call(shop.port, "POST", path, "{}", {{"Authorization", shop.bearer(user)}});
  EXPECT_EQ(not_admin.status, 403);
  auto refund = call(shop.port, "POST", path, R"({"reason":"customer asked"})",
                     {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(refund.status, 200) << refund.body;
  EXPECT_EQ(str(refund.json()["data"]["order"], "status"), "refunded");
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "paid", "completed", "refunded"}));
  EXPECT_EQ(shop.seats_available(internship), 3);
  auto list =
      call(shop.port, "GET", "/api/v1/enrollments", {}, {{"Authorization", shop.bearer(user)}});
  auto ld = list.json();
  bool revoked = false;
  for (auto& e : ld["data"]["enrollments"].GetArray())
    if (str(e, "order_token") == o.token) revoked = str(e, "status") == "revoked";
  EXPECT_TRUE(revoked) << list.body;
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM outbox WHERE event_type = 'order.refunded' "
                          "AND body LIKE '%' || $1 || '%'",
                          o.token),
            "1");

  // Refunding again changes nothing; an unpaid order cannot be refunded.
  auto twice = call(shop.port, "POST", path, "{}", {{"Authorization", "Bearer " + shop.admin}});
  EXPECT_EQ(twice.status, 200);
  EXPECT_EQ(history_of(o.token).size(), 4u);
  auto unpaid = place_one(internship);
  auto refused = call(shop.port, "POST", "/api/v1/admin/orders/" + unpaid.token + "/refund", "{}",
                      {{"Authorization", "Bearer " + shop.admin}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"].GetInt(), 5005);
}

TEST_F(order_lifecycle, a_capture_after_expiry_pays_when_a_seat_is_free) {
  auto internship = shop.internship(12000, "2");
  auto o = place_one(internship);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "expired"; }, 10s));
  EXPECT_EQ(shop.seats_available(internship), 2);
  auto late = shop.razorpay_event("payment.captured", o.gateway_order_id, o.total);
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 3s));
  EXPECT_EQ(shop.seats_available(internship), 1);
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "expired", "paid", "completed"}));
}

TEST_F(order_lifecycle, a_capture_after_expiry_with_the_seat_gone_is_refunded) {
  auto internship = shop.internship(12000, "1");
  auto o = place_one(internship);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "expired"; }, 10s));
  // Someone else takes the only seat.
  auto other = e2e::unique("other");
  ASSERT_EQ(shop.place(other, shop.cart(other, internship), e2e::unique("key")).status, 201);
  EXPECT_EQ(shop.seats_available(internship), 0);

  auto late = shop.razorpay_event("payment.captured", o.gateway_order_id, o.total);
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(str(late.json()["data"], "result"), "refunded");
  EXPECT_EQ(shop.status_of(user, o.token), "refunded");
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "expired", "refunded"}));
  EXPECT_EQ(shop.seats_available(internship), 0);
  EXPECT_EQ(
      e2e::db_value("SELECT status FROM payment_attempts WHERE order_token = $1::uuid", o.token),
      "refunded");
  // The same event again is a duplicate and refunds nothing twice.
  auto d = order_json(o.token);
  EXPECT_EQ(str(d["data"]["order"], "status"), "refunded");
}

TEST_F(order_lifecycle, the_callers_orders_page_by_page) {
  auto lister = e2e::unique("lister");
  auto internship = shop.internship(5000, "null");
  std::set<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    auto r = shop.place(lister, shop.cart(lister, internship), e2e::unique("key"));
    ASSERT_EQ(r.status, 201) << r.body;
    mine.insert(str(r.json()["data"]["order"], "order_token"));
  }
  auto auth =
      std::vector<std::pair<std::string, std::string>>{{"Authorization", shop.bearer(lister)}};
  auto page1 = call(shop.port, "GET", "/api/v1/orders?limit=2", {}, auth);
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto p1 = page1.json();
  ASSERT_EQ(p1["data"]["orders"].Size(), 2u);
  ASSERT_TRUE(p1["data"]["next_cursor"].IsString());
  auto page2 =
      call(shop.port, "GET",
           "/api/v1/orders?limit=2&cursor=" + std::string(p1["data"]["next_cursor"].GetString()),
           {}, auth);
  ASSERT_EQ(page2.status, 200) << page2.body;
  auto p2 = page2.json();
  ASSERT_EQ(p2["data"]["orders"].Size(), 1u);
  EXPECT_TRUE(p2["data"]["next_cursor"].IsNull());
  std::set<std::string> seen;
  for (auto* page : {&p1, &p2})
    for (auto& o : (*page)["data"]["orders"].GetArray()) seen.insert(str(o, "order_token"));
  EXPECT_EQ(seen, mine);

  auto filtered = call(shop.port, "GET", "/api/v1/orders?status=completed", {}, auth);
  ASSERT_EQ(filtered.status, 200);
  EXPECT_EQ(filtered.json()["data"]["orders"].Size(), 0u);
  auto awaiting = call(shop.port, "GET", "/api/v1/orders?status=awaiting_payment", {}, auth);
  EXPECT_EQ(awaiting.json()["data"]["orders"].Size(), 3u);

  for (auto bad : {"/api/v1/orders?limit=0", "/api/v1/orders?limit=abc",
                   "/api/v1/orders?status=shipped", "/api/v1/orders?cursor=nope"}) {
    auto r = call(shop.port, "GET", bad, {}, auth);
    EXPECT_EQ(r.status, 422) << bad << " " << r.body;
  }
  EXPECT_EQ(call(shop.port, "GET", "/api/v1/orders").status, 401);
  auto stranger = call(shop.port, "GET", "/api/v1/orders", {},
                       {{"Authorization", shop.bearer(e2e::unique("nobody"))}});
  EXPECT_EQ(stranger.json()["data"]["orders"].Size(), 0u);
}

TEST_F(order_lifecycle, a_changed_price_is_409_5002_and_the_cart_is_repriced) {
  auto internship = shop.internship(10000);
  auto cart = shop.cart(user, internship);
  auto patch = call(shop.port, "PATCH", "/api/v1/admin/internships/" + internship,
                    R"({"price":12000})", {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"].GetInt(), 5002);
  // The cart now shows the new price, and ordering it works.
  EXPECT_TRUE(e2e::eventually(
      [&] {
        auto c = call(shop.port, "GET", "/api/v1/cart/" + cart, {},
                      {{"Authorization", shop.bearer(user)}});
        return c.status == 200 &&
               c.json()["data"]["cart"]["totals"]["sub_total"].GetInt64() == 12000;
      },
      3s));
  auto again = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json()["data"]["order"]["subtotal"].GetInt64(), 12000);
}

TEST_F(order_lifecycle, a_coupon_withdrawn_after_it_was_applied_is_422_2004) {
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto cart = shop.cart(user, shop.internship(10000));
  ASSERT_EQ(shop.apply_coupon(cart, user, code).status, 200);
  auto off = call(shop.port, "PATCH", "/api/v1/admin/coupons/" + code, R"({"active":false})",
                  {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(off.status, 200) << off.body;
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 422) << r.body;
  auto d = r.json();
  EXPECT_EQ(d["error"]["code"].GetInt(), 2004);
  EXPECT_EQ(e2e::cart_status(cart), "active");
}

TEST_F(order_lifecycle, a_free_order_is_completed_without_a_gateway) {
  auto internship = shop.internship(8000);
  auto code = shop.coupon(R"("type":"free"})");
  auto cart = shop.cart(user, internship);
  ASSERT_EQ(shop.apply_coupon(cart, user, code).status, 200);
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  auto& o = d["data"]["order"];
  EXPECT_EQ(str(o, "status"), "completed");
  EXPECT_EQ(o["total"].GetInt64(), 0);
  EXPECT_TRUE(o["payment"].IsNull());
  EXPECT_FALSE(str(o, "enrollment_id").empty());
  EXPECT_EQ(history_of(str(o, "order_token")), (history{"awaiting_payment", "completed"}));
  EXPECT_EQ(e2e::db_value("SELECT status FROM coupon_redemptions WHERE code = upper($1)", code),
            "redeemed");
  // Ordering the same internship again: already enrolled.
  auto again = call(shop.port, "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":")" + internship + R"("}]})",
                    {{"Authorization", shop.bearer(user)}});
  if (again.status == 201 || again.status == 200) {
    auto placed = shop.place(user, str(again.json()["data"]["cart"], "token"), e2e::unique("k"));
    EXPECT_EQ(placed.status, 409) << placed.body;
    EXPECT_EQ(placed.json()["error"]["code"].GetInt(), 1103);
  } else {
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.json()["error"]["code"].GetInt(), 1103);
  }
}

// A guest cart is priced as a guest's and becomes the caller's when ordered:
// the order costs what the cart showed, and the coupon's use is the caller's.
TEST_F(order_lifecycle, a_guest_cart_is_ordered_at_the_price_it_showed) {
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto internship = shop.internship(10000);
  auto guest = call(shop.port, "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":")" + internship + R"("}]})");
  ASSERT_EQ(guest.status, 201) << guest.body;
  auto cart = str(guest.json()["data"]["cart"], "token");
  auto applied = call(shop.port, "POST", "/api/v1/cart/" + cart + "/coupon",
                      R"({"coupon":")" + code + R"("})");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto shown = applied.json()["data"]["cart"]["totals"]["total"].GetInt64();
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["data"]["order"]["total"].GetInt64(), shown);
  EXPECT_EQ(e2e::db_value("SELECT user_id FROM coupon_redemptions WHERE code = upper($1)", code),
            user);
}

}  // namespace
