// OWASP API Top 10 (2023), API3: broken object property level authorization
// (mass assignment), through the real binary. Every body a client sends gets
// the fields a client must not control (prices, figures, owners, statuses,
// payments, enrollments, counters, nested overrides inside products[]); each
// request is compared with the same request without them: the figures are the
// server's, the object stays its caller's, the state is the one the server
// sets (CONTRACT §1: unknown fields are ignored; §3–§7).
#include <gtest/gtest.h>

#include "e2e_owasp_support.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::reply;
using e2e::owasp::as;
using e2e::owasp::as_admin;
using e2e::owasp::as_guest;
using e2e::owasp::cart_content;
using e2e::owasp::data_of;
using e2e::owasp::headers;
using e2e::owasp::missing_token;
using e2e::owasp::order_content;
using e2e::owasp::without;
using json_expect::at;
using json_expect::int_at;
using json_expect::kind;
using json_expect::string_at;

// Fields no client controls, as they would be written into a cart or order.
std::string forged_figures(const std::string& victim) {
  return R"("price":1,"unit_price":1,"base_price":1,"amount":1,"total":1,"sub_total":1,)"
         R"("subtotal":1,"tax_total":0,"tax_amount":0,"tax_rate":0,"discount_amount":999999,)"
         R"("discount":100,"discount_percentage":100,"status":"converted","paid":true,)"
         R"("user_id":")" +
         victim + R"(","owner":")" + victim +
         R"(","seats_available":1000,"enrollment_id":"enr-forged",)"
         R"("payment":{"status":"captured","amount":1,"currency":"USD","gateway_order_id":"order_forged"})";
}

class OwaspMassAssignment : public e2e::shared_server<OwaspMassAssignment> {
 protected:
  e2e::shop shop{srv->port()};
  unsigned short port() const { return shop.port; }
  std::string victim = e2e::unique("victim");

  // POST /cart with `body` as `who`.
  reply create(const std::string& body, const headers& who) {
    return call(port(), "POST", "/api/v1/cart", body, who);
  }

  reply on_cart(const std::string& method, const std::string& cart, const std::string& suffix,
                const std::string& body) {
    return call(port(), method, "/api/v1/cart/" + cart + suffix, body);
  }

  // The priced content of the cart in a reply's "data.cart".
  static std::string content_of(const reply& r) {
    auto d = r.json();
    if (!d.IsObject() || !d.HasMember("data")) return "no data: " + r.body;
    return cart_content(d["data"]["cart"]);
  }

  int seats_available(const std::string& id) { return shop.seats_available(id); }
};

TEST_F(OwaspMassAssignment, cart_creation_ignores_figures_owners_and_state_in_the_body) {
  auto x = shop.internship(10000);
  auto code = shop.coupon(R"("type":"percentage","value":50})");
  auto victims_cart = shop.cart(victim, shop.internship(3000));
  auto victims_before = e2e::owasp::cart_json(port(), victims_cart, as(victim));
  auto chosen_token = missing_token();

  auto plain = R"({"products":[{"internship_id":")" + x + R"(","quantity":2}]})";
  auto forged = R"({"products":[{"internship_id":")" + x + R"(","quantity":2,)" +
                forged_figures(victim) + R"(,"currency":"USD"}],)" + forged_figures(victim) +
                R"(,"token":")" + chosen_token + R"(","cart_token":")" + chosen_token +
                R"(","coupons":[")" + code + R"("],"coupon":")" + code +
                R"(","discounts":[{"code":")" + code +
                R"(","amount":999999}],"totals":{"total":1,"sub_total":1},)"
                R"("items":[{"internship_id":")" +
                x +
                R"(","quantity":2,"unit_price":1}],"billing":{"country":"US"},)"
                R"("expires_at":"2099-01-01T00:00:00Z","created_at":"2000-01-01T00:00:00Z",)"
                R"("version":99,"analytics_data":{"price":1,"total":1}})";

  // A guest: a new guest cart, priced from the catalog, owned by nobody.
  auto control = create(plain, as_guest());
  auto guest = create(forged, as_guest());
  ASSERT_EQ(control.status, 201) << control.body;
  ASSERT_EQ(guest.status, 201) << guest.body;  // 200 would be a merge into the victim's cart
  EXPECT_EQ(content_of(guest), content_of(control));
  auto g = guest.json();
  EXPECT_TRUE(json_expect::is(g, "data.cart.user_id", kind::null));
  EXPECT_TRUE(at(g, "data.cart.status", "active"));
  auto token = string_at(g, "data.cart.token");
  EXPECT_NE(token, chosen_token);
  EXPECT_TRUE(json_expect::has_size(g, "data.cart.coupons", 0));
  EXPECT_TRUE(at(g, "data.cart.items[0].unit_price", 10000));
  EXPECT_TRUE(at(g, "data.cart.totals.sub_total", 20000));
  auto expires = string_at(g, "data.cart.expires_at");
  EXPECT_NE(expires.substr(0, 4), "2099") << expires;
  EXPECT_TRUE(
      at(g, "data.cart.billing.country", string_at(control.json(), "data.cart.billing.country")));
  EXPECT_EQ(e2e::db_value("SELECT COALESCE(user_id, '') || '/' || status || '/' || version::text "
                          "FROM carts WHERE token = $1::uuid",
                          token),
            "/active/1");
  EXPECT_EQ(e2e::cart_status(chosen_token), "");

  // The seed's path for the same route (CONTRACT §6) reads the body the same way.
  auto proxied = call(port(), "POST", "/api-proxy/api/cart", forged, as_guest());
  ASSERT_EQ(proxied.status, 201) << proxied.body;
  EXPECT_EQ(content_of(proxied), content_of(control));
  EXPECT_TRUE(json_expect::is(proxied.json(), "data.cart.user_id", kind::null));

  // A signed-in user: her own new cart, then a merge into it, never the victim's.
  auto alice = e2e::unique("alice");
  auto bob = e2e::unique("bob");
  auto control_user = create(plain, as(bob));
  auto first = create(forged, as(alice));
  ASSERT_EQ(control_user.status, 201) << control_user.body;
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(content_of(first), content_of(control_user));
  EXPECT_TRUE(at(first.json(), "data.cart.user_id", alice));
  auto again = create(forged, as(alice));
  ASSERT_EQ(again.status, 200) << again.body;
  auto ad = again.json();
  EXPECT_TRUE(at(ad, "data.cart.token", string_at(first.json(), "data.cart.token")));
  EXPECT_TRUE(at(ad, "data.cart.user_id", alice));
  EXPECT_TRUE(at(ad, "data.cart.items[0].quantity", 4));

  // The victim's cart and the catalog are untouched.
  EXPECT_EQ(e2e::owasp::cart_json(port(), victims_cart, as(victim)), victims_before);
  EXPECT_EQ(seats_available(x), 10);
}

TEST_F(OwaspMassAssignment, cart_line_and_billing_changes_ignore_client_figures) {
  auto x = shop.internship(10000);
  auto y = shop.internship(7000);
  auto control = e2e::owasp::guest_cart(port(), x);
  auto forged = e2e::owasp::guest_cart(port(), x);
  auto victims_cart = shop.cart(victim, shop.internship(3000));
  auto victims_before = e2e::owasp::cart_json(port(), victims_cart, as(victim));

  struct step {
    std::string method, suffix, plain, extra;
  };
  std::vector<step> steps = {
      {"POST", "/items", R"({"internship_id":")" + y + R"(","quantity":1)",
       "," + forged_figures(victim) + R"(,"currency":"USD")"},
      // The path names the line; an internship_id in the body does not.
      {"PATCH", "/items/" + x, R"({"quantity":3)",
       "," + forged_figures(victim) + R"(,"currency":"USD","internship_id":")" + y + "\""},
      {"PUT", "/billing", R"({"country":"IN","state":"KA")",
       "," + forged_figures(victim) +
           R"(,"currency":"USD","tax_breakdown":[],"seller_state":"KA","country_tax_rate":0)"},
  };
  for (auto& s : steps) {
    auto c = on_cart(s.method, control, s.suffix, s.plain + "}");
    auto f = on_cart(s.method, forged, s.suffix, s.plain + s.extra + "}");
    ASSERT_EQ(c.status, 200) << s.method << " " << s.suffix << ": " << c.body;
    ASSERT_EQ(f.status, 200) << s.method << " " << s.suffix << ": " << f.body;
    EXPECT_EQ(content_of(f), content_of(c)) << s.method << " " << s.suffix;
    auto d = f.json();
    EXPECT_TRUE(json_expect::is(d, "data.cart.user_id", kind::null));
    EXPECT_TRUE(at(d, "data.cart.status", "active"));
    EXPECT_TRUE(at(d, "data.cart.currency", "INR"));
  }
  // As stored: 3 × 10000 + 1 × 7000 at the catalog's prices, still a guest cart.
  auto stored = call(port(), "GET", "/api/v1/cart/" + forged);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(content_of(stored), content_of(call(port(), "GET", "/api/v1/cart/" + control)));
  auto d = stored.json();
  EXPECT_TRUE(at(d, "data.cart.totals.base_total", 37000));
  ASSERT_TRUE(json_expect::has_size(d, "data.cart.items", 2));
  for (auto& item : d["data"]["cart"]["items"].GetArray())
    EXPECT_TRUE(at(item, "unit_price", string_at(item, "internship_id") == x ? 10000 : 7000));
  EXPECT_EQ(e2e::db_value("SELECT COALESCE(user_id, '') FROM carts WHERE token = $1::uuid", forged),
            "");
  EXPECT_EQ(e2e::owasp::cart_json(port(), victims_cart, as(victim)), victims_before);
}

TEST_F(OwaspMassAssignment, coupon_estimate_and_validation_figures_are_the_servers) {
  auto x = shop.internship(10000);
  auto ten = shop.coupon(R"("type":"percentage","value":10,"combinable":true})");
  auto five_hundred =
      shop.coupon(R"("type":"fixed","value":500,"currency":"INR","combinable":true})");
  auto out_of_reach = shop.coupon(R"("type":"percentage","value":20,"min_order_value":99999999})");
  auto free = shop.coupon(R"("type":"free","combinable":true})");
  auto control = e2e::owasp::guest_cart(port(), x);
  auto forged = e2e::owasp::guest_cart(port(), x);

  // Applying a coupon: the discount is the coupon's, not the body's.
  auto c = on_cart("POST", control, "/coupon", R"({"coupon":")" + ten + R"("})");
  auto f = on_cart("POST", forged, "/coupon",
                   R"({"coupon":")" + ten + R"(",)" + forged_figures(victim) +
                       R"(,"value":100,"type":"free","percentage":100,"new_total":0,)"
                       R"("coupon_applied":true,"max_discount":null,"combinable":false,)"
                       R"("coupons":[")" +
                       free + R"("],"code":")" + free + R"("})");
  ASSERT_EQ(c.status, 200) << c.body;
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(without(f.json()["data"], {"cart"}), without(c.json()["data"], {"cart"}));
  EXPECT_EQ(content_of(f), content_of(c));
  EXPECT_TRUE(at(f.json(), "data.discount_amount", 1000));
  EXPECT_TRUE(json_expect::has_size(f.json(), "data.cart.coupons", 1));

  // An estimate takes the cart token and nothing else: no billing, no coupon, no figures.
  auto ce = call(port(), "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + control + R"("})");
  auto fe = call(port(), "POST", "/api/v1/cart/estimate",
                 R"({"cart_token":")" + forged + R"(",)" + forged_figures(victim) +
                     R"(,"currency_code":"USD","currency":"USD","country":"US",)"
                     R"("billing":{"country":"US"},"coupon":")" +
                     free + R"(","items":[{"internship_id":")" + x +
                     R"(","base_price":1,"total":1}],"tax_breakdown":[]})");
  ASSERT_EQ(ce.status, 200) << ce.body;
  ASSERT_EQ(fe.status, 200) << fe.body;
  EXPECT_EQ(data_of(fe), data_of(ce));
  EXPECT_TRUE(at(fe.json(), "data.total", 10620));  // (10000 - 1000) + 18% IGST

  // Validation: the verdict and the amount are computed, whatever the body claims.
  auto validate = [&](const std::string& cart, const std::string& code, const std::string& extra) {
    return call(port(), "POST", "/api/v1/cart/discount/validate",
                R"({"cart_token":")" + cart + R"(","coupon":")" + code + "\"" + extra + "}");
  };
  auto claims = "," + forged_figures(victim) + R"(,"valid":true,"reasons":[],"applies":true)";
  for (auto& code : {five_hundred, out_of_reach}) {
    auto cv = validate(control, code, "");
    auto fv = validate(forged, code, claims);
    ASSERT_EQ(cv.status, 200) << cv.body;
    ASSERT_EQ(fv.status, 200) << fv.body;
    EXPECT_EQ(data_of(fv), data_of(cv)) << code;
  }
  auto applies = validate(forged, five_hundred, claims).json();
  EXPECT_TRUE(at(applies, "data.valid", true));
  EXPECT_TRUE(at(applies, "data.discount_amount", 500));
  EXPECT_TRUE(at(validate(forged, out_of_reach, claims).json(), "data.valid", false));

  // Validating applies nothing; the stored carts are still alike.
  EXPECT_EQ(content_of(call(port(), "GET", "/api/v1/cart/" + forged)),
            content_of(call(port(), "GET", "/api/v1/cart/" + control)));
}

TEST_F(OwaspMassAssignment, an_order_is_priced_by_the_server_and_starts_awaiting_payment) {
  auto x = shop.internship(10000);
  auto free = shop.coupon(R"("type":"free","combinable":true})");
  auto plain_user = e2e::unique("plain");
  auto forger = e2e::unique("forger");
  auto control = shop.place(plain_user, shop.cart(plain_user, x, 2), e2e::unique("key"));
  ASSERT_EQ(control.status, 201) << control.body;

  auto chosen_order = missing_token();
  auto chosen_payment = missing_token();
  auto cart = shop.cart(forger, x, 2);
  auto forged =
      shop.place(forger, cart, e2e::unique("key"),
                 "," + forged_figures(victim) + R"(,"currency":"USD","order_token":")" +
                     chosen_order + R"(","token":")" + chosen_order + R"(","payment_token":")" +
                     chosen_payment + R"(","enrollment_ids":["enr-forged"],"coupon":")" + free +
                     R"(","coupons":[")" + free + R"("],"items":[{"internship_id":")" + x +
                     R"(","quantity":2,"unit_price":1,"total":1}],"products":[{"internship_id":")" +
                     x + R"(","quantity":9,"price":1}],"history":[{"status":"paid"}])");
  ASSERT_EQ(forged.status, 201) << forged.body;

  auto cd = control.json();
  auto fd = forged.json();
  auto& co = cd["data"]["order"];
  auto& fo = fd["data"]["order"];
  EXPECT_EQ(order_content(fo), order_content(co));
  EXPECT_TRUE(at(fo, "status", "awaiting_payment"));
  EXPECT_TRUE(at(fo, "currency", "INR"));
  EXPECT_TRUE(at(fo, "total", 23600));  // 2 × 10000 + 18% IGST
  auto token = string_at(fo, "order_token");
  EXPECT_NE(token, chosen_order);
  EXPECT_TRUE(json_expect::absent(fo, "enrollment_id"));
  EXPECT_TRUE(json_expect::has_size(fo, "enrollment_ids", 0));
  ASSERT_TRUE(json_expect::is(fo, "payment", kind::object));
  EXPECT_TRUE(at(fo, "payment.status", "created"));
  EXPECT_TRUE(at(fo, "payment.amount", 23600));
  EXPECT_TRUE(at(fo, "payment.currency", "INR"));
  EXPECT_TRUE(at(fo, "payment.gateway", string_at(co, "payment.gateway")));
  EXPECT_NE(string_at(fo, "payment.gateway_order_id"), "order_forged");
  EXPECT_NE(string_at(fo, "payment.payment_token"), chosen_payment);

  // As stored: the forger's order, awaiting payment, at the server's total.
  EXPECT_EQ(e2e::db_value("SELECT user_id || '/' || status || '/' || total::text FROM orders "
                          "WHERE token = $1::uuid",
                          token),
            forger + "/awaiting_payment/23600");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE token = $1::uuid", chosen_order), "0");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE user_id = $1", victim), "0");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", token),
            "0");
  EXPECT_EQ(shop.status_of(forger, token), "awaiting_payment");
  // Two seats held by each order, not the body's figure.
  EXPECT_EQ(seats_available(x), 6);
}

TEST_F(OwaspMassAssignment, a_payment_retry_takes_nothing_but_the_gateway_from_the_body) {
  auto user = e2e::unique("retry");
  auto placed = shop.place(user, shop.cart(user, shop.internship(10000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto pd = placed.json();
  auto token = string_at(pd, "data.order.order_token");
  auto first_attempt = string_at(pd, "data.order.payment.gateway_order_id");
  auto total = int_at(pd, "data.order.total");
  ASSERT_EQ(shop.razorpay_event("payment.failed", first_attempt, total).status, 200);
  ASSERT_EQ(shop.status_of(user, token), "failed");
  auto before = shop.order(user, token).json();

  auto body = "{" + forged_figures(victim) + R"(,"currency":"USD","order_token":")" +
              missing_token() + R"(","history":[{"status":"paid"}]})";
  auto retry =
      call(port(), "POST", "/api/v1/orders/" + token + "/payments", body,
           {{"Authorization", e2e::shop::bearer(user)}, {"Idempotency-Key", e2e::unique("key")}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  auto rd = retry.json();
  EXPECT_TRUE(at(rd, "data.order.order_token", token));
  EXPECT_TRUE(at(rd, "data.order.status", "awaiting_payment"));
  EXPECT_EQ(without(rd["data"]["order"], {"status", "payment", "history", "expires_at"}),
            without(before["data"]["order"], {"status", "payment", "history", "expires_at"}));
  EXPECT_TRUE(at(rd, "data.order.payment.status", "created"));
  EXPECT_TRUE(at(rd, "data.order.payment.amount", total));
  EXPECT_TRUE(at(rd, "data.order.payment.currency", "INR"));
  auto attempt = string_at(rd, "data.order.payment.gateway_order_id");
  EXPECT_NE(attempt, "order_forged");
  EXPECT_NE(attempt, first_attempt);
  EXPECT_EQ(
      e2e::db_value("SELECT user_id || '/' || status FROM orders WHERE token = $1::uuid", token),
      user + "/awaiting_payment");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", token),
            "0");
}

TEST_F(OwaspMassAssignment, admin_catalog_bodies_cannot_set_derived_or_fixed_fields) {
  auto admin = as_admin(shop);
  auto fields = [](const std::string& id) {
    return R"({"id":")" + id +
           R"(","title":"Mass","category":"data","price":10000,"currency":"INR","seats":10)";
  };
  auto plain_id = e2e::unique("plain");
  auto forged_id = e2e::unique("forged");
  auto plain = call(port(), "POST", "/api/v1/admin/internships", fields(plain_id) + "}", admin);
  auto forged =
      call(port(), "POST", "/api/v1/admin/internships",
           fields(forged_id) + R"(,"seats_available":0,"seats_total":999,"is_free":true,)"
                               R"("enrolled":5,"sold":5,"user_id":"someone","owner":"someone"})",
           admin);
  ASSERT_EQ(plain.status, 201) << plain.body;
  ASSERT_EQ(forged.status, 201) << forged.body;
  EXPECT_EQ(without(forged.json()["data"]["internship"], {"id"}),
            without(plain.json()["data"]["internship"], {"id"}));
  EXPECT_EQ(seats_available(forged_id), 10);

  // PATCH changes price, seats, active and title (CONTRACT §3): nothing else.
  auto other_id = e2e::unique("renamed");
  auto patched = call(port(), "PATCH", "/api/v1/admin/internships/" + forged_id,
                      R"({"price":12000,"currency":"USD","category":"hacked","id":")" + other_id +
                          R"(","seats_available":0,"seats_total":1,"is_free":true})",
                      admin);
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto got = call(port(), "GET", "/api/v1/internships/" + forged_id);
  ASSERT_EQ(got.status, 200) << got.body;
  auto g = got.json();
  EXPECT_TRUE(at(g, "data.internship.price", 12000));
  EXPECT_TRUE(at(g, "data.internship.currency", "INR"));
  EXPECT_TRUE(at(g, "data.internship.category", "data"));
  EXPECT_TRUE(at(g, "data.internship.seats_total", 10));
  EXPECT_TRUE(at(g, "data.internship.seats_available", 10));
  EXPECT_TRUE(at(g, "data.internship.is_free", false));
  EXPECT_EQ(call(port(), "GET", "/api/v1/internships/" + other_id).status, 404);
}

TEST_F(OwaspMassAssignment, admin_coupon_bodies_cannot_set_usage_or_fixed_terms) {
  auto admin = as_admin(shop);
  auto x = shop.internship(10000);
  auto code = e2e::unique("MA");
  for (auto& ch : code)
    if (ch == '-') ch = '_';
  auto plain_code = code + "_P";
  auto terms = R"("type":"percentage","value":10,"usage_limit_total":1)";
  auto plain = call(port(), "POST", "/api/v1/admin/coupons",
                    R"({"code":")" + plain_code + R"(",)" + terms + "}", admin);
  // Usage counters in the body are not the coupon's usage.
  auto forged = call(port(), "POST", "/api/v1/admin/coupons",
                     R"({"code":")" + code + R"(",)" + terms +
                         R"(,"uses":1,"uses_total":1,"used":1,"redemptions":1,"usage_count":1,)"
                         R"("times_used":1,"remaining":0,"user_id":"someone"})",
                     admin);
  ASSERT_EQ(plain.status, 201) << plain.body;
  ASSERT_EQ(forged.status, 201) << forged.body;
  EXPECT_EQ(without(forged.json()["data"]["coupon"], {"code"}),
            without(plain.json()["data"]["coupon"], {"code"}));
  auto user = e2e::unique("couponer");
  auto cart = shop.cart(user, x);
  auto applied = shop.apply_coupon(cart, user, code);
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_TRUE(at(applied.json(), "data.discount_amount", 1000));

  // PATCH changes active, valid_until and usage_limit_total (CONTRACT §4): nothing else.
  auto patched = call(port(), "PATCH", "/api/v1/admin/coupons/" + code,
                      R"({"active":true,"type":"free","value":100,"code":"OTHER_CODE",)"
                      R"("currency":"USD","max_discount":1,"combinable":true,)"
                      R"("internship_ids":["nothing"],"first_order_only":true,"sale_slug":"s"})",
                      admin);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(without(patched.json()["data"]["coupon"], {"code"}),
            without(plain.json()["data"]["coupon"], {"code"}));
  auto user2 = e2e::unique("couponer");
  auto cart2 = shop.cart(user2, x);
  auto again = shop.apply_coupon(cart2, user2, code);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(at(again.json(), "data.discount_amount", 1000));
  auto renamed = shop.apply_coupon(cart2, user2, "OTHER_CODE");
  EXPECT_TRUE(json_expect::error_envelope(renamed.status, renamed.body, 422, 2004));
}

}  // namespace
