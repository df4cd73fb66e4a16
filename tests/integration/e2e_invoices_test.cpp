// Tax invoices through the real binary (CONTRACT §16): issued when an order is
// paid with the order's own figures, the buyer's name and GSTIN from the
// billing, a credit note on refund, a printable page, and who may read it.
#include <gtest/gtest.h>

#include <regex>

#include "actors/invoice/invoice_link.hpp"
#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;
using json_expect::kind;

const std::string seller_gstin = "29AAGCB7383J1Z4";

class invoices : public e2e::shared_server<invoices> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"SELLER_NAME", "Interns & Co"},
            {"SELLER_ADDRESS", "1 MG Road, Bengaluru 560001"},
            {"SELLER_GSTIN", seller_gstin},
            {"SELLER_STATE", "KA"}};
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("inv");

  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };

  // An order of `internship` billed to a business in Maharashtra (IGST).
  placed place_billed(const std::string& internship, const std::string& name,
                      const std::string& gstin) {
    auto cart = shop.cart(user, internship);
    auto billing =
        call(shop.port, "PUT", "/api/v1/cart/" + cart + "/billing",
             R"({"country":"IN","state":"MH","name":")" + name + R"(","gstin":")" + gstin + "\"}",
             {{"Authorization", shop.bearer(user)}});
    EXPECT_EQ(billing.status, 200) << billing.body;
    auto r = shop.place(user, cart, e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {json_expect::string_at(d, "data.order.order_token"),
            json_expect::string_at(d, "data.order.payment.gateway_order_id"),
            json_expect::int_at(d, "data.order.total")};
  }

  void pay(const placed& o) {
    ASSERT_EQ(shop.razorpay_event("payment.captured", o.gateway_order_id, o.total).status, 200);
    ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 5s));
  }

  e2e::reply invoice(const std::string& token, const std::string& bearer,
                     const std::string& accept = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", bearer);
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    return call(shop.port, "GET", "/api/v1/orders/" + token + "/invoice", {}, headers);
  }
};

TEST_F(invoices, a_paid_order_has_an_invoice_with_the_orders_own_figures) {
  auto internship = shop.internship(23600, "10", "data", R"(,"sac":"998314")");
  auto o = place_billed(internship, "Acme Labs", "27AAPFU0939F1ZV");

  auto early = invoice(o.token, shop.bearer(user));
  EXPECT_TRUE(json_expect::error_envelope(early.status, early.body, 409, 5005));
  EXPECT_TRUE(
      json_expect::is(shop.order(user, o.token).json(), "data.order.invoice_url", kind::null));

  pay(o);
  auto got = invoice(o.token, shop.bearer(user));
  ASSERT_EQ(got.status, 200) << got.body;
  auto d = got.json();
  auto number = json_expect::string_at(d, "data.invoice.number");
  EXPECT_TRUE(std::regex_match(number, std::regex(R"(INV/20\d\d-\d\d/\d{6})"))) << number;
  EXPECT_TRUE(json_expect::at(d, "data.invoice.seller.name", "Interns & Co"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.seller.address", "1 MG Road, Bengaluru 560001"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.seller.gstin", seller_gstin));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.seller.state", "KA"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.buyer.name", "Acme Labs"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.buyer.gstin", "27AAPFU0939F1ZV"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.place_of_supply", "MH"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.currency", "INR"));
  EXPECT_TRUE(json_expect::has_size(d, "data.invoice.credit_notes", 0));

  // Every figure equals the order's; the order links its printable invoice.
  auto od = shop.order(user, o.token).json();
  auto url = json_expect::string_at(od, "data.order.invoice_url");
  EXPECT_NE(url.find("/api/v1/orders/" + o.token + "/invoice?key="), std::string::npos) << url;
  EXPECT_EQ(json_expect::int_at(d, "data.invoice.total"),
            json_expect::int_at(od, "data.order.total"));
  EXPECT_EQ(json_expect::int_at(d, "data.invoice.tax_total"),
            json_expect::int_at(od, "data.order.tax_amount"));
  EXPECT_EQ(json_expect::int_at(d, "data.invoice.taxable_value"), 23600);
  EXPECT_TRUE(json_expect::has_size(d, "data.invoice.lines", 1));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].internship_id", internship));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].title", "Order internship"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].sac", "998314"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].taxable_value", std::int64_t{23600}));
  // Another state than the seller's: IGST at 18%.
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].taxes[0].name", "IGST"));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].taxes[0].rate", 18));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].taxes[0].amount", std::int64_t{4248}));
  EXPECT_TRUE(json_expect::at(d, "data.invoice.lines[0].total", std::int64_t{27848}));
  EXPECT_EQ(o.total, 27848);

  // The same invoice each time it is read; an admin may read it, nobody else.
  EXPECT_EQ(
      json_expect::string_at(invoice(o.token, shop.bearer(user)).json(), "data.invoice.number"),
      number);
  auto admin = invoice(o.token, "Bearer " + shop.admin);
  EXPECT_EQ(admin.status, 200) << admin.body;
  auto stranger = invoice(o.token, shop.bearer(e2e::unique("x")));
  EXPECT_TRUE(json_expect::error_envelope(stranger.status, stranger.body, 404, 5001));
  auto guest = invoice(o.token, {});
  EXPECT_EQ(guest.status, 401) << guest.body;
}

TEST_F(invoices, the_printable_page_escapes_what_the_buyer_typed) {
  auto o = place_billed(shop.internship(10000), "<b>Acme</b> & Sons", "27AAPFU0939F1ZV");
  pay(o);
  auto page = invoice(o.token, shop.bearer(user), "text/html,application/xhtml+xml");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"].rfind("text/html", 0), 0u);
  EXPECT_NE(page.body.find("&lt;b&gt;Acme&lt;/b&gt; &amp; Sons"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>Acme"), std::string::npos);
  auto number =
      json_expect::string_at(invoice(o.token, shop.bearer(user)).json(), "data.invoice.number");
  EXPECT_NE(page.body.find(number), std::string::npos);
  EXPECT_NE(page.body.find("INR 118.00"), std::string::npos) << page.body;
  EXPECT_NE(page.headers["content-security-policy"].find("style-src 'sha256-"), std::string::npos)
      << page.headers["content-security-policy"];
}

TEST_F(invoices, the_links_key_opens_that_invoice_and_no_other) {
  auto first = place_billed(shop.internship(10000), "Asha", "");
  pay(first);
  auto second = place_billed(shop.internship(10000), "Asha", "");
  pay(second);
  auto key = checkout::invoice::access_key(e2e::jwt_signing_secret(), first.token);
  auto by_link = call(shop.port, "GET", "/api/v1/orders/" + first.token + "/invoice?key=" + key, {},
                      {{"Accept", "text/html"}});
  EXPECT_EQ(by_link.status, 200) << by_link.body;
  auto other = call(shop.port, "GET", "/api/v1/orders/" + second.token + "/invoice?key=" + key);
  EXPECT_TRUE(json_expect::error_envelope(other.status, other.body, 404, 5001));
  // No GSTIN given: null, and the two numbers follow each other.
  auto a = invoice(first.token, shop.bearer(user)).json();
  EXPECT_TRUE(json_expect::is(a, "data.invoice.buyer.gstin", kind::null));
  EXPECT_TRUE(json_expect::at(a, "data.invoice.place_of_supply", "MH"));
}

TEST_F(invoices, a_refund_issues_a_credit_note_for_the_whole_invoice) {
  auto o = place_billed(shop.internship(50000), "Acme Labs", "27AAPFU0939F1ZV");
  pay(o);
  auto refund =
      call(shop.port, "POST", "/api/v1/admin/orders/" + o.token + "/refund",
           R"({"reason":"course cancelled"})", {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(refund.status, 200) << refund.body;
  auto d = invoice(o.token, shop.bearer(user)).json();
  ASSERT_TRUE(json_expect::has_size(d, "data.invoice.credit_notes", 1));
  auto cn = json_expect::string_at(d, "data.invoice.credit_notes[0].number");
  EXPECT_TRUE(std::regex_match(cn, std::regex(R"(CN/20\d\d-\d\d/\d{6})"))) << cn;
  EXPECT_TRUE(json_expect::at(d, "data.invoice.credit_notes[0].invoice_number",
                              json_expect::string_at(d, "data.invoice.number")));
  EXPECT_EQ(json_expect::int_at(d, "data.invoice.credit_notes[0].total"), o.total);
  EXPECT_EQ(json_expect::int_at(d, "data.invoice.credit_notes[0].tax_total"),
            json_expect::int_at(d, "data.invoice.tax_total"));
  EXPECT_NE(
      json_expect::string_at(d, "data.invoice.credit_notes[0].reason").find("course cancelled"),
      std::string::npos);
  // Refunding again issues no second note.
  call(shop.port, "POST", "/api/v1/admin/orders/" + o.token + "/refund", "{}",
       {{"Authorization", "Bearer " + shop.admin}});
  EXPECT_EQ(
      e2e::db_value("SELECT count(*) FROM credit_notes WHERE order_token = $1::uuid", o.token),
      "1");
}

TEST_F(invoices, numbers_have_no_gap_and_no_twin) {
  // Eight orders paid at once on one instance (the cluster suite does 1,000
  // through three instances).
  std::vector<placed> orders;
  for (int i = 0; i < 8; ++i) orders.push_back(place_billed(shop.internship(1000), "Asha", ""));
  std::vector<std::thread> payers;
  for (auto& o : orders)
    payers.emplace_back(
        [&, o] { shop.razorpay_event("payment.captured", o.gateway_order_id, o.total); });
  for (auto& t : payers) t.join();
  for (auto& o : orders)
    ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 5s));
  // Over every invoice in the database (other suites' too): 1..n per series.
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM (SELECT series FROM invoices GROUP BY series "
                          "HAVING count(*) <> max(seq) OR min(seq) <> 1 OR "
                          "count(DISTINCT seq) <> count(*)) AS bad WHERE $1 = $1",
                          "x"),
            "0");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM invoices WHERE order_token = ANY(SELECT token "
                          "FROM orders WHERE user_id = $1)",
                          user),
            "8");
}

TEST_F(invoices, a_wrong_gstin_is_refused_with_its_reason) {
  auto cart = shop.cart(user, shop.internship(1000));
  auto r = call(shop.port, "PUT", "/api/v1/cart/" + cart + "/billing",
                R"({"country":"IN","state":"MH","name":"Acme","gstin":"27AAPFU0939F1ZW"})",
                {{"Authorization", shop.bearer(user)}});
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 1000));
  EXPECT_NE(r.body.find("check character"), std::string::npos) << r.body;
}

}  // namespace
