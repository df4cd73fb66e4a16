// What the storefront relies on besides the JSON API (CONTRACT §7, §8, §15):
// the development token route, cart_url from CART_URL_TEMPLATE, the
// {order_token} placeholder in the return URLs, the sandbox's hosted checkout
// page, and the redirects that bring the buyer back to the shop.
#include <gtest/gtest.h>

#include <thread>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;

const std::string base_url = "http://shop.test:8080";
const std::string shop_origin = "https://shop.example";

// The text inside the element with `id` (up to its first child tag or its
// end); nullopt when no element has that id.
std::optional<std::string> text_of(const std::string& html, const std::string& id) {
  auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return std::nullopt;
  auto open_end = html.find('>', at);
  auto close = html.find('<', open_end);
  return html.substr(open_end + 1, close - open_end - 1);
}

// The HTML of the element with `id` up to the closing tag `end_tag`.
std::string element(const std::string& html, const std::string& id, const std::string& end_tag) {
  auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find(end_tag, at) - at);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string path_of(const std::string& url) {
  return url.substr(url.find("/api/v1/"));
}

class StorefrontLinks : public e2e::shared_server<StorefrontLinks> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"PUBLIC_BASE_URL", base_url},
            {"CART_URL_TEMPLATE", "{PUBLIC_BASE_URL}/shop/cart/{token}?v=1"},
            {"ALLOWED_REDIRECT_ORIGINS", shop_origin},
            {"SELLER_NAME", "Interns & Co <Test>"}};
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("buyer");

  struct placed {
    std::string token, payment_path;
    long long total = 0;
  };
  // An order for one internship at `price` with the storefront's return URLs
  // (or none when `urls` is false).
  placed place(long long price, bool urls = true) {
    auto internship = shop.internship(price, "5");
    std::string extra = urls ? R"(,"success_url":")" + shop_origin +
                                   R"(/orders/{order_token}?from=gateway","cancel_url":")" +
                                   shop_origin + R"(/orders/{order_token}?from=cancel")"
                             : std::string();
    auto r = shop.place(user, shop.cart(user, internship), e2e::unique("key"), extra);
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {json_expect::string_at(d, "data.order.order_token"),
            path_of(json_expect::string_at(d, "data.order.payment.checkout_url")),
            json_expect::int_at(d, "data.order.total")};
  }
  std::string status_of(const placed& o) { return shop.status_of(user, o.token); }
};

// ---- POST /api/v1/dev/token ---------------------------------------------------

TEST_F(StorefrontLinks, a_dev_token_signs_in_a_user_the_api_accepts) {
  auto id = e2e::unique("dev-user");
  auto r = call(srv->port(), "POST", "/api/v1/dev/token",
                R"({"user_id":")" + id + R"(","email":"dev@example.com"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto token = json_expect::string_at(r.json(), "data.token");
  ASSERT_FALSE(token.empty()) << r.body;
  auto orders =
      call(srv->port(), "GET", "/api/v1/orders", {}, {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(orders.status, 200) << orders.body;
  // Not an admin unless asked for.
  auto admin_route =
      call(srv->port(), "GET", "/api/v1/admin/actors", {}, {{"Authorization", "Bearer " + token}});
  EXPECT_TRUE(json_expect::error_envelope(admin_route.status, admin_route.body, 403, 1403));
  auto admin = call(srv->port(), "POST", "/api/v1/dev/token", R"({"user_id":"ops","admin":true})");
  ASSERT_EQ(admin.status, 200) << admin.body;
  auto admin_token = json_expect::string_at(admin.json(), "data.token");
  EXPECT_EQ(call(srv->port(), "GET", "/api/v1/admin/actors", {},
                 {{"Authorization", "Bearer " + admin_token}})
                .status,
            200);
}

TEST_F(StorefrontLinks, a_dev_token_needs_a_safe_user_id) {
  for (const auto& body :
       {std::string(R"({})"), std::string(R"({"user_id":""})"),
        std::string(R"({"user_id":"has space"})"), std::string(R"({"user_id":"<script>"})"),
        R"({"user_id":")" + std::string(129, 'a') + R"("})", std::string(R"({"user_id":7})")}) {
    auto r = call(srv->port(), "POST", "/api/v1/dev/token", body);
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 1000)) << body << " " << r.body;
    EXPECT_NE(r.body.find("user_id"), std::string::npos) << body << " " << r.body;
  }
  auto email = call(srv->port(), "POST", "/api/v1/dev/token", R"({"user_id":"u1","email":"x"})");
  EXPECT_TRUE(json_expect::error_envelope(email.status, email.body, 422, 1000)) << email.body;
  EXPECT_NE(email.body.find("email"), std::string::npos) << email.body;
  auto longest = call(srv->port(), "POST", "/api/v1/dev/token",
                      R"({"user_id":")" + std::string(128, 'a') + R"("})");
  EXPECT_EQ(longest.status, 200) << longest.body;
}

// ---- cart_url -------------------------------------------------------------------

TEST_F(StorefrontLinks, cart_url_follows_the_cart_url_template) {
  auto r = call(srv->port(), "POST", "/api/v1/cart",
                R"({"products":[{"internship_id":")" + shop.internship(1000) + R"("}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  auto token = json_expect::string_at(d, "data.cart.token");
  EXPECT_TRUE(json_expect::at(d, "data.cart.cart_url", base_url + "/shop/cart/" + token + "?v=1"));
  auto again = call(srv->port(), "GET", "/api/v1/cart/" + token);
  EXPECT_TRUE(json_expect::at(again.json(), "data.cart.cart_url",
                              base_url + "/shop/cart/" + token + "?v=1"));
}

// ---- the sandbox's hosted checkout --------------------------------------------

TEST_F(StorefrontLinks, the_sandbox_page_shows_merchant_lines_amount_and_time_left) {
  auto o = place(123456);  // 1234.56 + 18% = 1456.78 (half-up on 222.2208)
  auto page = call(srv->port(), "GET", o.payment_path);
  ASSERT_EQ(page.status, 200) << page.body;
  const auto& html = page.body;
  EXPECT_EQ(text_of(html, "merchant"), "Interns &amp; Co &lt;Test&gt;") << html;
  auto lines = element(html, "line-items", "</ul>");
  EXPECT_EQ(count_of(lines, "<li"), 1u) << lines;
  EXPECT_NE(lines.find("Order internship"), std::string::npos) << lines;
  EXPECT_NE(lines.find(">1<"), std::string::npos) << lines;
  EXPECT_EQ(o.total, 145678);
  EXPECT_NE(lines.find("\u20B91,456.78"), std::string::npos) << lines;
  EXPECT_EQ(text_of(html, "amount"), "\u20B91,456.78") << html;
  // The payment window is 30 minutes by default.
  auto left = text_of(html, "time-left");
  ASSERT_TRUE(left) << html;
  EXPECT_TRUE(*left == "30:00" || left->rfind("29:", 0) == 0) << *left;
  EXPECT_TRUE(text_of(html, "pay")) << html;
  EXPECT_TRUE(text_of(html, "fail")) << html;
  EXPECT_FALSE(text_of(html, "expired")) << html;
  // The countdown is allowed by its hash; no inline script runs otherwise.
  auto csp = page.headers["content-security-policy"];
  EXPECT_NE(csp.find("script-src 'sha256-"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(html.find("<script>"), std::string::npos);
}

TEST_F(StorefrontLinks, pay_redirects_to_the_success_url_and_the_order_completes) {
  auto o = place(20000);
  auto paid = call(srv->port(), "POST", o.payment_path + "/pay");
  EXPECT_EQ(paid.status, 303) << paid.body;
  EXPECT_EQ(paid.headers["location"], shop_origin + "/orders/" + o.token + "?from=gateway");
  EXPECT_TRUE(e2e::eventually([&] { return status_of(o) == "completed"; }, 5s)) << status_of(o);
  // Pressed again (a double click, the back button): only the redirect.
  auto again = call(srv->port(), "POST", o.payment_path + "/pay");
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(again.headers["location"], shop_origin + "/orders/" + o.token + "?from=gateway");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", o.token),
            "1");
  // The page no longer offers to pay.
  auto page = call(srv->port(), "GET", o.payment_path);
  EXPECT_TRUE(text_of(page.body, "expired")) << page.body;
  EXPECT_FALSE(text_of(page.body, "pay")) << page.body;
}

TEST_F(StorefrontLinks, fail_redirects_to_the_cancel_url_and_the_order_fails) {
  auto o = place(20000);
  auto failed = call(srv->port(), "POST", o.payment_path + "/fail");
  EXPECT_EQ(failed.status, 303) << failed.body;
  EXPECT_EQ(failed.headers["location"], shop_origin + "/orders/" + o.token + "?from=cancel");
  EXPECT_TRUE(e2e::eventually([&] { return status_of(o) == "failed"; }, 5s)) << status_of(o);
}

TEST_F(StorefrontLinks, without_return_urls_the_buyer_comes_back_to_the_order_page) {
  auto o = place(20000, false);
  auto paid = call(srv->port(), "POST", o.payment_path + "/pay");
  EXPECT_EQ(paid.status, 303) << paid.body;
  auto to = paid.headers["location"];
  EXPECT_EQ(to, base_url + "/api/v1/checkout/return?order_token=" + o.token);
  auto back = call(srv->port(), "GET", to.substr(base_url.size()));
  EXPECT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(back.headers["location"], base_url + "/orders/" + o.token);
  // Razorpay's callback names the payment instead.
  auto payment_token = o.payment_path.substr(o.payment_path.rfind('/') + 1);
  auto by_payment =
      call(srv->port(), "POST", "/api/v1/checkout/return?payment_token=" + payment_token);
  EXPECT_EQ(by_payment.status, 303) << by_payment.body;
  EXPECT_EQ(by_payment.headers["location"], base_url + "/orders/" + o.token);
  // Anything else keeps the page that says what happens next.
  for (auto q :
       {"", "?order_token=not-a-token", "?payment_token=00000000-0000-4000-8000-000000000000"}) {
    auto page = call(srv->port(), "GET", std::string("/api/v1/checkout/return") + q);
    EXPECT_EQ(page.status, 200) << q << " " << page.body;
    EXPECT_EQ(page.headers.count("location"), 0u) << q;
  }
}

// ---- an expired payment window ---------------------------------------------------

TEST(StorefrontExpiry, an_expired_payment_shows_why_and_offers_no_pay_button) {
  e2e::server srv({{"ORDER_PAYMENT_TIMEOUT", "1s"},
                   {"ORDER_EXPIRY_SCAN_INTERVAL", "500ms"},
                   {"ALLOWED_REDIRECT_ORIGINS", shop_origin}});
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("late-buyer");
  auto r = shop.place(user, shop.cart(user, shop.internship(20000, "5")), e2e::unique("key"),
                      R"(,"success_url":")" + shop_origin +
                          R"(/orders/{order_token}?from=gateway","cancel_url":")" + shop_origin +
                          R"(/orders/{order_token}?from=cancel")");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  auto token = json_expect::string_at(d, "data.order.order_token");
  auto path = path_of(json_expect::string_at(d, "data.order.payment.checkout_url"));
  std::this_thread::sleep_for(1500ms);
  auto page = call(srv.port(), "GET", path);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(text_of(page.body, "expired")) << page.body;
  EXPECT_FALSE(text_of(page.body, "pay")) << page.body;
  EXPECT_FALSE(text_of(page.body, "time-left")) << page.body;
  // A Pay posted from a page left open takes no money: back to the shop.
  auto late = call(srv.port(), "POST", path + "/pay");
  EXPECT_EQ(late.status, 303) << late.body;
  EXPECT_EQ(late.headers["location"], shop_origin + "/orders/" + token + "?from=cancel");
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 5s))
      << shop.status_of(user, token);
}

// ---- JWT_ISSUER / JWT_AUDIENCE ------------------------------------------------------

TEST(StorefrontDevToken, carries_the_issuer_and_audience_the_service_checks) {
  e2e::server srv({{"JWT_ISSUER", "https://auth.shop.test"}, {"JWT_AUDIENCE", "checkout"}});
  auto r = call(srv.port(), "POST", "/api/v1/dev/token", R"({"user_id":"aud-user"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto token = json_expect::string_at(r.json(), "data.token");
  EXPECT_EQ(
      call(srv.port(), "GET", "/api/v1/orders", {}, {{"Authorization", "Bearer " + token}}).status,
      200);
  // A token without them (what the route made before) is refused here.
  EXPECT_EQ(call(srv.port(), "GET", "/api/v1/orders", {},
                 {{"Authorization", "Bearer " + e2e::token_for("aud-user")}})
                .status,
            401);
}

}  // namespace
