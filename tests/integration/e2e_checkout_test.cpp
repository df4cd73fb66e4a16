// One paid checkout end to end through the real HTTP port, PostgreSQL and
// RabbitMQ (issue 2's acceptance list), plus bad input and a kill -9 restart.
#include <gtest/gtest.h>

#include <future>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using json_expect::kind;

// One user's checkouts; carts are made as a guest and become the user's when
// ordered.
struct checkout_flow {
  unsigned short port;
  e2e::shop shop{port};
  std::string user_id = e2e::unique("student");
  std::string user = e2e::token_for(user_id);

  std::string create_internship(long long price) { return shop.internship(price); }

  std::string create_cart(const std::string& internship) {
    auto r = call(port, "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + internship + R"("}]})");
    EXPECT_EQ(r.status, 201) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }

  e2e::reply place(const std::string& cart, const std::string& key) {
    return call(port, "POST", "/api/v1/orders", R"({"cart_token":")" + cart + R"("})",
                {{"Authorization", "Bearer " + user}, {"Idempotency-Key", key}});
  }

  // An order awaiting payment for one internship at `price` (+18% IGST).
  struct placed_order {
    std::string token;
    std::string gateway_order_id;
    std::string checkout_url;
    long long total = 0;
  };
  placed_order place_new(long long price) {
    auto r = place(create_cart(create_internship(price)), e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {json_expect::string_at(d, "data.order.order_token"),
            json_expect::string_at(d, "data.order.payment.gateway_order_id"),
            json_expect::string_at(d, "data.order.payment.checkout_url"),
            json_expect::int_at(d, "data.order.total")};
  }

  static std::string captured_body(const std::string& gateway_order_id, long long amount) {
    return e2e::razorpay_payment_body("payment.captured", gateway_order_id, amount);
  }

  rapidjson::Document order(const std::string& token) {
    auto r =
        call(port, "GET", "/api/v1/orders/" + token, {}, {{"Authorization", "Bearer " + user}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  std::string order_status(const std::string& token) {
    return json_expect::string_at(order(token), "data.order.status");
  }

  size_t enrollment_count() {
    auto r = call(port, "GET", "/api/v1/enrollments", {}, {{"Authorization", "Bearer " + user}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    EXPECT_TRUE(json_expect::is(d, "data.enrollments", kind::array));
    return json_expect::is(d, "data.enrollments", kind::array) ? d["data"]["enrollments"].Size()
                                                               : 0;
  }

  // Enrollments of one order, straight from PostgreSQL.
  static std::string enrollments_of(const std::string& order_token) {
    return e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid",
                         order_token);
  }

  // The positive signal that what was sent before has settled: a later order,
  // paid by a later webhook, went the whole way (intake, order, outbox, broker,
  // enrollment). Anything the earlier deliveries set going has happened by now.
  void marker_order_completes() {
    auto marker = place_new(5000);
    ASSERT_FALSE(marker.token.empty());
    auto hook = e2e::razorpay_post(port, captured_body(marker.gateway_order_id, marker.total));
    ASSERT_EQ(hook.status, 200) << hook.body;
    ASSERT_TRUE(e2e::eventually([&] { return enrollments_of(marker.token) == "1"; }, 10s));
  }
};

class checkout_e2e : public e2e::shared_server<checkout_e2e> {
 protected:
};

TEST_F(checkout_e2e, paid_checkout_from_cart_to_enrollment) {
  checkout_flow f{srv->port()};
  auto internship = f.create_internship(43176);

  auto got = call(f.port, "GET", "/api/v1/internships/" + internship);
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(json_expect::at(got.json(), "data.internship.seats_available", 10));

  auto cart = f.create_cart(internship);
  ASSERT_FALSE(cart.empty());

  // Estimate per CONTRACT §5: 43176 + IGST 18% (7771.68 -> 7772) = 50948.
  auto est = call(f.port, "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + cart + R"("})");
  ASSERT_EQ(est.status, 200) << est.body;
  auto e = est.json();
  EXPECT_TRUE(json_expect::at(e, "data.currency_code", "INR"));
  EXPECT_TRUE(json_expect::at(e, "data.tax_rate", 18));
  EXPECT_TRUE(json_expect::at(e, "data.sub_total", 43176));
  EXPECT_TRUE(json_expect::at(e, "data.tax_total", 7772));
  EXPECT_TRUE(json_expect::at(e, "data.total", 50948));
  EXPECT_TRUE(json_expect::at(e, "data.discount_amount", 0));
  EXPECT_TRUE(json_expect::at(e, "data.tax_breakdown[0].name", "IGST"));
  EXPECT_TRUE(json_expect::at(e, "data.items[0].base_price", 43176));

  auto key = e2e::unique("key");
  auto first = f.place(cart, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto o = first.json();
  EXPECT_TRUE(json_expect::at(o, "data.order.status", "awaiting_payment"));
  EXPECT_TRUE(json_expect::at(o, "data.order.total", 50948));
  auto order_token = json_expect::string_at(o, "data.order.order_token");
  auto gateway_order_id = json_expect::string_at(o, "data.order.payment.gateway_order_id");
  EXPECT_EQ(gateway_order_id.rfind("order_", 0), 0u);
  EXPECT_TRUE(json_expect::at(o, "data.order.payment.status", "created"));

  // The same request replays the first response byte for byte.
  auto again = f.place(cart, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");

  auto hook = e2e::razorpay_post(f.port, checkout_flow::captured_body(gateway_order_id, 50948));
  ASSERT_EQ(hook.status, 200) << hook.body;
  EXPECT_TRUE(json_expect::at(hook.json(), "data.result", "applied"));

  EXPECT_TRUE(e2e::eventually([&] { return f.order_status(order_token) == "completed"; }, 2s));
  EXPECT_TRUE(e2e::eventually([&] { return f.enrollment_count() == 1; }, 2s));
  auto final_order = f.order(order_token);
  ASSERT_TRUE(json_expect::has_size(final_order, "data.order.history", 3));
  EXPECT_TRUE(json_expect::at(final_order, "data.order.history[0].status", "awaiting_payment"));
  EXPECT_TRUE(json_expect::at(final_order, "data.order.history[1].status", "paid"));
  EXPECT_TRUE(json_expect::at(final_order, "data.order.history[2].status", "completed"));
  EXPECT_TRUE(json_expect::has_size(final_order, "data.order.enrollment_ids", 1));
}

TEST_F(checkout_e2e, bad_signature_is_rejected_and_changes_nothing) {
  checkout_flow f{srv->port()};
  auto placed = f.place_new(10000);
  ASSERT_FALSE(placed.token.empty());
  auto token = placed.token;
  auto body = checkout_flow::captured_body(placed.gateway_order_id, 11800);
  // A signature of the right shape, but wrong; then none at all.
  auto bad = e2e::razorpay_post(f.port, body, {}, std::string(64, 'a'));
  EXPECT_TRUE(json_expect::error_envelope(bad.status, bad.body, 400, 7001));
  auto missing = call(f.port, "POST", "/api/v1/webhooks/razorpay", body);
  EXPECT_TRUE(json_expect::error_envelope(missing.status, missing.body, 400, 7001));
  f.marker_order_completes();
  EXPECT_EQ(f.order_status(token), "awaiting_payment");
  EXPECT_EQ(checkout_flow::enrollments_of(token), "0");
}

TEST_F(checkout_e2e, same_event_five_times_at_once_enrolls_once) {
  checkout_flow f{srv->port()};
  auto placed = f.place_new(10000);
  ASSERT_FALSE(placed.token.empty());
  auto token = placed.token;
  auto body = checkout_flow::captured_body(placed.gateway_order_id, 11800);
  auto event_id = e2e::unique("evt");
  std::vector<std::future<e2e::reply>> calls;
  for (int i = 0; i < 5; ++i)
    calls.push_back(
        std::async(std::launch::async, [&] { return e2e::razorpay_post(f.port, body, event_id); }));
  int applied = 0;
  for (auto& c : calls) {
    auto r = c.get();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json_expect::is(r.json(), "data.result", kind::string)) << r.body;
    if (json_expect::at(r.json(), "data.result", "applied")) ++applied;
  }
  EXPECT_EQ(applied, 1);
  EXPECT_TRUE(e2e::eventually([&] { return f.order_status(token) == "completed"; }, 2s));
  // One order.paid was ever written for it, and once a later order has gone
  // the whole way, it still has exactly one enrollment.
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM outbox WHERE event_type = 'order.paid' AND "
                          "order_token = $1::uuid",
                          token),
            "1");
  f.marker_order_completes();
  EXPECT_EQ(checkout_flow::enrollments_of(token), "1");
}

TEST_F(checkout_e2e, amount_mismatch_never_marks_paid) {
  checkout_flow f{srv->port()};
  auto placed = f.place_new(10000);
  ASSERT_FALSE(placed.token.empty());
  auto token = placed.token;
  auto r = e2e::razorpay_post(f.port, checkout_flow::captured_body(placed.gateway_order_id, 100));
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 7002));
  EXPECT_EQ(f.order_status(token), "awaiting_payment");
}

TEST_F(checkout_e2e, idempotency_key_rules) {
  checkout_flow f{srv->port()};
  auto cart = f.create_cart(f.create_internship(10000));
  auto other_cart = f.create_cart(f.create_internship(20000));
  auto missing = call(f.port, "POST", "/api/v1/orders", R"({"cart_token":")" + cart + R"("})",
                      {{"Authorization", "Bearer " + f.user}});
  EXPECT_TRUE(json_expect::error_envelope(missing.status, missing.body, 400, 6000));
  auto key = e2e::unique("key");
  ASSERT_EQ(f.place(cart, key).status, 201);
  auto different = f.place(other_cart, key);
  EXPECT_TRUE(json_expect::error_envelope(different.status, different.body, 422, 6001));
  auto anonymous = call(f.port, "POST", "/api/v1/orders", R"({"cart_token":")" + cart + R"("})",
                        {{"Idempotency-Key", key}});
  EXPECT_TRUE(json_expect::error_envelope(anonymous.status, anonymous.body, 401, 1401));
}

TEST_F(checkout_e2e, bad_input_gets_the_contract_envelope) {
  auto port = srv->port();
  auto expect_error = [](const e2e::reply& r, int status, int code) {
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, status, code));
  };
  expect_error(call(port, "POST", "/api/v1/cart", "{not json"), 400, 1000);
  auto wrong_type =
      call(port, "POST", "/api/v1/cart", R"({"products":[{"internship_id":5,"quantity":"2"}]})");
  expect_error(wrong_type, 422, 1000);
  EXPECT_NE(wrong_type.body.find("internship_id"), std::string::npos);
  EXPECT_NE(wrong_type.body.find("quantity"), std::string::npos);
  expect_error(call(port, "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":"nope-)" + e2e::unique("x") + R"("}]})"),
               422, 1101);
  expect_error(call(port, "POST", "/api/v1/cart", std::string(70 * 1024, ' ')), 413, 1413);
  expect_error(call(port, "GET", "/api/v1/no/such/route"), 404, 1404);
  expect_error(call(port, "DELETE", "/api/v1/enrollments"), 405, 1405);
  expect_error(call(port, "GET", "/api/v1/cart/00000000-0000-4000-8000-000000000000"), 404, 1001);
  expect_error(call(port, "GET", "/api/v1/cart/not-a-token"), 404, 1001);
  expect_error(call(port, "GET", "/api/v1/enrollments", {}, {{"Authorization", "Bearer x.y.z"}}),
               401, 1401);
  expect_error(call(port, "POST", "/api/v1/admin/internships", "{}",
                    {{"Authorization", "Bearer " + e2e::token_for("not-admin")}}),
               403, 1403);
  // A correlation id sent by the client is echoed in header and body.
  auto echoed = call(port, "GET", "/api/v1/no/such/route", {}, {{"X-Correlation-ID", "abc-123"}});
  EXPECT_EQ(echoed.headers["x-correlation-id"], "abc-123");
  EXPECT_TRUE(json_expect::at(echoed.json(), "error.correlation_id", "abc-123"));
}

TEST(checkout_restart, kill_9_after_order_loses_nothing) {
  e2e::server srv;
  checkout_flow f{srv.port()};
  auto placed = f.place_new(25000);
  ASSERT_FALSE(placed.token.empty());
  auto token = placed.token;
  auto gateway_order_id = placed.gateway_order_id;

  srv.kill_hard();
  srv.start();

  EXPECT_EQ(f.order_status(token), "awaiting_payment");
  auto hook = e2e::razorpay_post(f.port, checkout_flow::captured_body(gateway_order_id, 29500));
  EXPECT_EQ(hook.status, 200) << hook.body;
  EXPECT_TRUE(e2e::eventually([&] { return f.order_status(token) == "completed"; }, 2s));
  EXPECT_EQ(f.enrollment_count(), 1u);
}

}  // namespace

namespace {

TEST_F(checkout_e2e, sandbox_page_pay_button_completes_the_order) {
  checkout_flow f{srv->port()};
  auto placed = f.place_new(19900);
  ASSERT_FALSE(placed.token.empty());
  auto token = placed.token;
  auto url = placed.checkout_url;
  auto path = url.substr(url.find("/api/v1/"));
  auto page = call(f.port, "GET", path);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("\u20B9234.82"), std::string::npos) << page.body;  // 19900 + 18%
  EXPECT_NE(page.body.find("/pay"), std::string::npos);
  // Back to the shop as a gateway would send the buyer (no success_url: the
  // default return URL).
  auto paid = call(f.port, "POST", path + "/pay");
  EXPECT_EQ(paid.status, 303) << paid.body;
  EXPECT_NE(paid.headers["location"].find("/api/v1/checkout/return?order_token=" + token),
            std::string::npos)
      << paid.headers["location"];
  EXPECT_TRUE(e2e::eventually([&] { return f.order_status(token) == "completed"; }, 2s));
  // Pressing Pay again only redirects: nothing more happens, as a later order
  // going the whole way shows.
  EXPECT_EQ(call(f.port, "POST", path + "/pay").status, 303);
  f.marker_order_completes();
  EXPECT_EQ(checkout_flow::enrollments_of(token), "1");
  EXPECT_TRUE(json_expect::has_size(f.order(token), "data.order.history", 3));
  EXPECT_EQ(
      call(f.port, "GET", "/api/v1/sandbox/checkout/00000000-0000-4000-8000-000000000000").status,
      404);
  EXPECT_EQ(call(f.port, "GET", "/api/v1/sandbox/checkout/not-a-token").status, 404);
  EXPECT_EQ(call(f.port, "POST", "/api/v1/sandbox/checkout/not-a-token/pay").status, 404);
}

TEST_F(checkout_e2e, signed_in_user_has_one_active_cart) {
  checkout_flow f{srv->port()};
  auto a = f.create_internship(1000);
  auto b = f.create_internship(2000);
  auto auth =
      std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + f.user}};
  auto first = call(f.port, "POST", "/api/v1/cart",
                    R"({"products":[{"internship_id":")" + a + R"("}]})", auth);
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = call(f.port, "POST", "/api/v1/cart",
                     R"({"products":[{"internship_id":")" + b + R"(","quantity":2}]})", auth);
  ASSERT_EQ(second.status, 200) << second.body;
  auto token = json_expect::string_at(first.json(), "data.cart.token");
  auto d2 = second.json();
  EXPECT_TRUE(json_expect::at(d2, "data.cart.token", token));
  EXPECT_TRUE(json_expect::has_size(d2, "data.cart.items", 2));
  EXPECT_TRUE(json_expect::at(d2, "data.cart.totals.sub_total", 1000 + 2 * 2000));
  // Read back, the cart shows the merge: one actor per cart, whichever shard
  // took the second create.
  for (int i = 0; i < 4; ++i) {
    auto again = call(f.port, "GET", "/api/v1/cart/" + token, {}, auth);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_TRUE(json_expect::at(again.json(), "data.cart.totals.sub_total", 1000 + 2 * 2000));
  }
  // Someone else's cart is as good as unknown.
  auto other = call(f.port, "GET", "/api/v1/cart/" + token, {},
                    {{"Authorization", "Bearer " + e2e::token_for(e2e::unique("someone"))}});
  EXPECT_TRUE(json_expect::error_envelope(other.status, other.body, 404, 1001));
}

TEST(checkout_expiry, an_expired_cart_answers_410_and_frees_the_user) {
  e2e::server srv(
      std::map<std::string, std::string>{{"CART_TTL", "1s"}, {"CART_CLEANUP_INTERVAL", "1s"}});
  checkout_flow f{srv.port()};
  auto id = f.create_internship(1000);
  auto auth =
      std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + f.user}};
  auto body = R"({"products":[{"internship_id":")" + id + R"("}]})";
  auto first = call(f.port, "POST", "/api/v1/cart", body, auth);
  ASSERT_EQ(first.status, 201) << first.body;
  auto token = json_expect::string_at(first.json(), "data.cart.token");
  // Reading a cart does not change it, so polling waits out its TTL.
  e2e::reply expired;
  EXPECT_TRUE(e2e::eventually(
      [&] {
        expired = call(f.port, "GET", "/api/v1/cart/" + token, {}, auth);
        return expired.status != 200;
      },
      5s));
  EXPECT_TRUE(json_expect::error_envelope(expired.status, expired.body, 410, 1002));
  auto add = call(f.port, "POST", "/api/v1/cart/" + token + "/items",
                  R"({"internship_id":")" + id + R"(","quantity":1})", auth);
  EXPECT_TRUE(json_expect::error_envelope(add.status, add.body, 410, 1002));
  auto fresh = call(f.port, "POST", "/api/v1/cart", body, auth);
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  auto fresh_token = json_expect::string_at(fresh.json(), "data.cart.token");
  EXPECT_FALSE(fresh_token.empty());
  EXPECT_NE(fresh_token, token);
  // The cleanup job marks an idle guest cart expired in the table itself.
  auto guest = call(f.port, "POST", "/api/v1/cart", body);
  ASSERT_EQ(guest.status, 201) << guest.body;
  auto guest_token = json_expect::string_at(guest.json(), "data.cart.token");
  EXPECT_TRUE(e2e::eventually([&] { return e2e::cart_status(guest_token) == "expired"; }, 4s));
}

}  // namespace
