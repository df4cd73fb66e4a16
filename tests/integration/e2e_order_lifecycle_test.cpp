// An order's life through the real HTTP API (CONTRACT §7): retrying a failed
// payment, an operator's refund, captures that arrive after the window closed,
// the caller's list, changed prices and coupons at order time, free orders.
#include <gtest/gtest.h>

#include <set>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;
using json_expect::kind;

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
    return {json_expect::string_at(d, "data.order.order_token"),
            json_expect::string_at(d, "data.order.payment.gateway_order_id"),
            json_expect::int_at(d, "data.order.total")};
  }
  rapidjson::Document order_json(const std::string& token) {
    auto r = shop.order(user, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  std::vector<std::string> history_of(const std::string& token) {
    auto d = order_json(token);
    std::vector<std::string> out;
    EXPECT_TRUE(json_expect::is(d, "data.order.history", kind::array));
    if (!json_expect::is(d, "data.order.history", kind::array)) return out;
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
  EXPECT_TRUE(json_expect::error_envelope(no_key.status, no_key.body, 400, 6000));

  auto key = e2e::unique("retry");
  auto retry = call(shop.port, "POST", path, "{}",
                    {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", key}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  auto d = retry.json();
  EXPECT_TRUE(json_expect::at(d, "data.order.status", "awaiting_payment"));
  EXPECT_TRUE(json_expect::at(d, "data.order.payment.status", "created"));
  auto second_gateway_order = json_expect::string_at(d, "data.order.payment.gateway_order_id");
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
  EXPECT_TRUE(json_expect::error_envelope(other.status, other.body, 409, 5005));

  // Someone else's order is not found, with or without a key.
  auto stranger = call(
      shop.port, "POST", path, "{}",
      {{"Authorization", shop.bearer(e2e::unique("x"))}, {"Idempotency-Key", e2e::unique("k")}});
  EXPECT_TRUE(json_expect::error_envelope(stranger.status, stranger.body, 404, 5001));

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
  EXPECT_TRUE(json_expect::error_envelope(not_admin.status, not_admin.body, 403, 1403));
  auto refund = call(shop.port, "POST", path, R"({"reason":"customer asked"})",
                     {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(refund.status, 200) << refund.body;
  EXPECT_TRUE(json_expect::at(refund.json(), "data.order.status", "refunded"));
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "paid", "completed", "refunded"}));
  EXPECT_EQ(shop.seats_available(internship), 3);
  auto list =
      call(shop.port, "GET", "/api/v1/enrollments", {}, {{"Authorization", shop.bearer(user)}});
  auto ld = list.json();
  ASSERT_TRUE(json_expect::is(ld, "data.enrollments", kind::array));
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
  EXPECT_TRUE(json_expect::error_envelope(refused.status, refused.body, 409, 5005));
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
  auto taken = shop.place(other, shop.cart(other, internship), e2e::unique("key"));
  ASSERT_EQ(taken.status, 201) << taken.body;
  auto other_token = json_expect::string_at(taken.json(), "data.order.order_token");
  EXPECT_EQ(shop.seats_available(internship), 0);

  auto capture = e2e::razorpay_payment_body("payment.captured", o.gateway_order_id, o.total);
  auto event_id = e2e::unique("evt");
  auto late = e2e::razorpay_post(shop.port, capture, event_id);
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_TRUE(json_expect::at(late.json(), "data.result", "refunded"));
  EXPECT_EQ(shop.status_of(user, o.token), "refunded");
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "expired", "refunded"}));
  // Never paid: no invoice, and no link to one (CONTRACT §16).
  EXPECT_TRUE(json_expect::is(order_json(o.token), "data.order.invoice_url", kind::null));
  auto no_invoice = call(shop.port, "GET", "/api/v1/orders/" + o.token + "/invoice", {},
                         {{"Authorization", shop.bearer(user)}});
  EXPECT_TRUE(json_expect::error_envelope(no_invoice.status, no_invoice.body, 409, 5005));
  EXPECT_EQ(shop.seats_available(internship), 0);
  auto attempt = [&](const std::string& column) {
    return e2e::db_value("SELECT " + column + " FROM payment_attempts WHERE order_token = $1::uuid",
                         o.token);
  };
  EXPECT_EQ(attempt("status"), "refunded");
  auto refund_id = attempt("refund_id");
  EXPECT_FALSE(refund_id.empty());
  auto refunded_events = [&] {
    return e2e::db_value(
        "SELECT count(*) FROM outbox WHERE event_type = 'order.refunded' AND order_token = "
        "$1::uuid",
        o.token);
  };
  EXPECT_EQ(refunded_events(), "1");

  // The gateway delivers the same event again (same X-Razorpay-Event-Id): a
  // duplicate (CONTRACT §8, 200). Then the same payment under another event
  // id: already applied. Neither refunds again nor moves the order.
  auto again = e2e::razorpay_post(shop.port, capture, event_id);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(json_expect::at(again.json(), "data.result", "duplicate"));
  auto redelivered = e2e::razorpay_post(shop.port, capture);
  ASSERT_EQ(redelivered.status, 200) << redelivered.body;
  EXPECT_TRUE(json_expect::at(redelivered.json(), "data.result", "already_applied"));
  EXPECT_EQ(shop.status_of(user, o.token), "refunded");
  EXPECT_EQ(history_of(o.token), (history{"awaiting_payment", "expired", "refunded"}));
  EXPECT_EQ(attempt("refund_id"), refund_id);
  EXPECT_EQ(refunded_events(), "1");
  // The refunded order holds no seat. The other order's own payment window
  // may have closed by now on a loaded machine, giving its seat back.
  EXPECT_EQ(shop.seats_available(internship),
            shop.status_of(other, other_token) == "expired" ? 1 : 0);
}

TEST_F(order_lifecycle, the_callers_orders_page_by_page) {
  auto lister = e2e::unique("lister");
  auto internship = shop.internship(5000, "null");
  std::set<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    auto r = shop.place(lister, shop.cart(lister, internship), e2e::unique("key"));
    ASSERT_EQ(r.status, 201) << r.body;
    mine.insert(json_expect::string_at(r.json(), "data.order.order_token"));
  }
  auto auth =
      std::vector<std::pair<std::string, std::string>>{{"Authorization", shop.bearer(lister)}};
  auto page1 = call(shop.port, "GET", "/api/v1/orders?limit=2", {}, auth);
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto p1 = page1.json();
  ASSERT_TRUE(json_expect::has_size(p1, "data.orders", 2));
  ASSERT_TRUE(json_expect::is(p1, "data.next_cursor", kind::string));
  auto page2 = call(
      shop.port, "GET",
      "/api/v1/orders?limit=2&cursor=" + json_expect::string_at(p1, "data.next_cursor"), {}, auth);
  ASSERT_EQ(page2.status, 200) << page2.body;
  auto p2 = page2.json();
  ASSERT_TRUE(json_expect::has_size(p2, "data.orders", 1));
  EXPECT_TRUE(json_expect::is(p2, "data.next_cursor", kind::null));
  std::set<std::string> seen;
  for (auto* page : {&p1, &p2})
    for (auto& o : (*page)["data"]["orders"].GetArray()) seen.insert(str(o, "order_token"));
  EXPECT_EQ(seen, mine);

  auto filtered = call(shop.port, "GET", "/api/v1/orders?status=completed", {}, auth);
  ASSERT_EQ(filtered.status, 200);
  EXPECT_TRUE(json_expect::has_size(filtered.json(), "data.orders", 0));
  auto awaiting = call(shop.port, "GET", "/api/v1/orders?status=awaiting_payment", {}, auth);
  EXPECT_EQ(awaiting.status, 200) << awaiting.body;
  EXPECT_TRUE(json_expect::has_size(awaiting.json(), "data.orders", 3));

  for (auto bad : {"/api/v1/orders?limit=0", "/api/v1/orders?limit=abc",
                   "/api/v1/orders?status=shipped", "/api/v1/orders?cursor=nope"}) {
    auto r = call(shop.port, "GET", bad, {}, auth);
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 1000)) << bad;
  }
  auto anonymous = call(shop.port, "GET", "/api/v1/orders");
  EXPECT_TRUE(json_expect::error_envelope(anonymous.status, anonymous.body, 401, 1401));
  // Someone with no orders gets an empty list, not someone else's.
  auto stranger = call(shop.port, "GET", "/api/v1/orders", {},
                       {{"Authorization", shop.bearer(e2e::unique("nobody"))}});
  EXPECT_EQ(stranger.status, 200) << stranger.body;
  auto sd = stranger.json();
  EXPECT_TRUE(json_expect::at(sd, "success", true));
  EXPECT_TRUE(json_expect::has_size(sd, "data.orders", 0));
  EXPECT_TRUE(json_expect::is(sd, "data.next_cursor", kind::null));
}

TEST_F(order_lifecycle, a_changed_price_is_409_5002_and_the_cart_is_repriced) {
  auto internship = shop.internship(10000);
  auto cart = shop.cart(user, internship);
  auto patch = call(shop.port, "PATCH", "/api/v1/admin/internships/" + internship,
                    R"({"price":12000})", {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 409, 5002));
  // The cart now shows the new price, and ordering it works.
  EXPECT_TRUE(e2e::eventually(
      [&] {
        auto c = call(shop.port, "GET", "/api/v1/cart/" + cart, {},
                      {{"Authorization", shop.bearer(user)}});
        return c.status == 200 && json_expect::at(c.json(), "data.cart.totals.sub_total", 12000);
      },
      3s));
  auto again = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(json_expect::at(again.json(), "data.order.subtotal", 12000));
}

TEST_F(order_lifecycle, a_coupon_withdrawn_after_it_was_applied_is_422_2004) {
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto cart = shop.cart(user, shop.internship(10000));
  ASSERT_EQ(shop.apply_coupon(cart, user, code).status, 200);
  auto off = call(shop.port, "PATCH", "/api/v1/admin/coupons/" + code, R"({"active":false})",
                  {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(off.status, 200) << off.body;
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 2004));
  EXPECT_EQ(e2e::cart_status(cart), "active");
}

// A key is kept 24 hours (CONTRACT §6). Sent again after that, it is taken
// afresh, and finds the order it made the first time instead of failing on it.
TEST_F(order_lifecycle, a_key_past_its_24_hours_finds_the_order_it_made) {
  auto cart = shop.cart(user, shop.internship(10000));
  auto key = e2e::unique("key");
  auto first = shop.place(user, cart, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto token = json_expect::string_at(first.json(), "data.order.order_token");
  ASSERT_EQ(e2e::db_write("WITH aged AS (UPDATE idempotency_keys SET expires_at = now() - "
                          "interval '1 second' WHERE key = $1 RETURNING 1) "
                          "SELECT count(*) FROM aged",
                          key),
            "1");
  auto again = shop.place(user, cart, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(json_expect::string_at(again.json(), "data.order.order_token"), token);
  EXPECT_NE(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", cart), "1");
}

TEST_F(order_lifecycle, a_free_order_is_completed_without_a_gateway) {
  auto internship = shop.internship(8000);
  auto code = shop.coupon(R"("type":"free"})");
  auto cart = shop.cart(user, internship);
  ASSERT_EQ(shop.apply_coupon(cart, user, code).status, 200);
  auto key = e2e::unique("key");
  auto r = shop.place(user, cart, key);
  ASSERT_EQ(r.status, 201) << r.body;
  // Its placement stored the answer under the key: the same request replays it.
  auto replay = shop.place(user, cart, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, r.body);
  EXPECT_EQ(replay.headers["idempotent-replayed"], "true");
  EXPECT_EQ(e2e::db_value("SELECT state FROM idempotency_keys WHERE key = $1", key), "done");
  auto d = r.json();
  EXPECT_TRUE(json_expect::at(d, "data.order.status", "completed"));
  EXPECT_TRUE(json_expect::at(d, "data.order.total", 0));
  EXPECT_TRUE(json_expect::is(d, "data.order.payment", kind::null));
  EXPECT_FALSE(json_expect::string_at(d, "data.order.enrollment_id").empty());
  EXPECT_EQ(history_of(json_expect::string_at(d, "data.order.order_token")),
            (history{"awaiting_payment", "completed"}));
  EXPECT_EQ(e2e::db_value("SELECT status FROM coupon_redemptions WHERE code = upper($1)", code),
            "redeemed");
  // Ordering the same internship again: already enrolled.
  auto again = call(shop.port, "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":")" + internship + R"("}]})",
                    {{"Authorization", shop.bearer(user)}});
  if (again.status == 201 || again.status == 200) {
    auto placed =
        shop.place(user, json_expect::string_at(again.json(), "data.cart.token"), e2e::unique("k"));
    EXPECT_TRUE(json_expect::error_envelope(placed.status, placed.body, 409, 1103));
  } else {
    EXPECT_TRUE(json_expect::error_envelope(again.status, again.body, 409, 1103));
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
  auto cart = json_expect::string_at(guest.json(), "data.cart.token");
  auto applied = call(shop.port, "POST", "/api/v1/cart/" + cart + "/coupon",
                      R"({"coupon":")" + code + R"("})");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto shown = json_expect::int_at(applied.json(), "data.cart.totals.total");
  auto r = shop.place(user, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(json_expect::at(r.json(), "data.order.total", shown));
  EXPECT_EQ(e2e::db_value("SELECT user_id FROM coupon_redemptions WHERE code = upper($1)", code),
            user);
}

}  // namespace
