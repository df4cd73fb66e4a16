// GET /api/v1/admin/reports/daily (CONTRACT §11) against the real binary.
// Other suites (and other people's runs) share the database, so the figures
// are compared before and after this test's own activity; a scenario whose
// deltas were disturbed by someone else's orders at the same moment is run
// again, and the last of three attempts must match exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "e2e_shop.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;

struct money {
  long long gross = 0, refunded = 0, net = 0, orders_paid = 0;
};

struct figures {
  std::string date;
  long long carts = 0, orders = 0, paid = 0, enrolled = 0;
  std::map<std::string, money> revenue;

  money in(const std::string& currency) const {
    auto it = revenue.find(currency);
    return it == revenue.end() ? money{} : it->second;
  }
};

// An integer member, or -1 (and a failure) when it is missing or not one.
long long integer(const rapidjson::Value& v, const char* key) {
  if (v.IsObject() && v.HasMember(key) && v[key].IsInt64()) return v[key].GetInt64();
  ADD_FAILURE() << key << " is missing or not an integer";
  return -1;
}

class daily_report_e2e : public e2e::shared_server<daily_report_e2e> {
 protected:
  e2e::shop shop{srv->port()};

  e2e::reply get(const std::string& query, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return call(shop.port, "GET", "/api/v1/admin/reports/daily" + query, {}, headers);
  }

  // The report (today's without a date), checked for shape and inner consistency.
  figures report(const std::string& date = {}) {
    auto r = get(date.empty() ? std::string() : "?date=" + date, shop.admin);
    figures f;
    EXPECT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    auto member = [](const rapidjson::Value& v, const char* key) {
      return v.IsObject() && v.HasMember(key) ? &v[key] : nullptr;
    };
    auto* data = member(d, "data");
    auto* found = data ? member(*data, "report") : nullptr;
    if (!found || !member(*found, "conversion") || !member(*found, "revenue") ||
        !(*found)["revenue"].IsArray()) {
      ADD_FAILURE() << "no report in " << r.body;
      return f;
    }
    auto& rep = *found;
    f.date = str(rep, "date");
    f.carts = integer(rep, "carts_created");
    f.orders = integer(rep, "orders_placed");
    f.paid = integer(rep, "orders_paid");
    f.enrolled = integer(rep, "orders_enrolled");
    auto& conv = rep["conversion"];
    auto check_ratio = [&](const char* key, long long num, long long den) {
      EXPECT_TRUE(conv.HasMember(key)) << key;
      if (!conv.HasMember(key)) return;
      if (den == 0) {
        EXPECT_TRUE(conv[key].IsNull()) << key;
      } else {
        ASSERT_TRUE(conv[key].IsNumber()) << key;
        EXPECT_NEAR(conv[key].GetDouble(), static_cast<double>(num) / den, 0.00005) << key;
      }
    };
    check_ratio("cart_to_order", f.orders, f.carts);
    check_ratio("order_to_paid", f.paid, f.orders);
    check_ratio("paid_to_enrolled", f.enrolled, f.paid);
    check_ratio("cart_to_enrolled", f.enrolled, f.carts);
    std::string previous;
    long long paid_in_currencies = 0;
    for (auto& m : rep["revenue"].GetArray()) {
      auto currency = str(m, "currency");
      EXPECT_LT(previous, currency) << "currencies sorted and distinct";
      previous = currency;
      money x{integer(m, "gross"), integer(m, "refunded"), integer(m, "net"),
              integer(m, "orders_paid")};
      EXPECT_EQ(x.net, x.gross - x.refunded) << currency;
      paid_in_currencies += x.orders_paid;
      f.revenue[currency] = x;
    }
    EXPECT_EQ(paid_in_currencies, f.paid);
    return f;
  }

  // Runs `scenario` between two reports of the same day until `mismatch`
  // finds nothing wrong with the pair (at most three times); the last
  // verdict is the result.
  void around(const std::function<void()>& scenario,
              const std::function<std::string(const figures&, const figures&)>& mismatch) {
    std::string why;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto before = report();
      ASSERT_EQ(before.date.size(), 10u);
      scenario();
      if (HasFatalFailure()) return;
      auto after = report(before.date);
      why = mismatch(before, after);
      if (why.empty()) return;
      std::cout << "[daily report] attempt " << attempt + 1 << " disturbed: " << why << std::endl;
    }
    ADD_FAILURE() << why;
  }

  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };
  placed place(const std::string& user, const std::string& cart) {
    auto r = shop.place(user, cart, e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    auto& o = d["data"]["order"];
    return {str(o, "order_token"), str(o["payment"], "gateway_order_id"),
            o.HasMember("total") ? o["total"].GetInt64() : -1};
  }
  placed pay(const std::string& user, const std::string& internship) {
    auto o = place(user, shop.cart(user, internship));
    auto hook = shop.razorpay_event("payment.captured", o.gateway_order_id, o.total);
    EXPECT_EQ(hook.status, 200) << hook.body;
    EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 10s));
    return o;
  }
};

std::string delta(const char* what, long long before, long long after, long long expected) {
  if (after - before == expected) return {};
  return std::string(what) + " went from " + std::to_string(before) + " to " +
         std::to_string(after) + ", expected +" + std::to_string(expected) + "; ";
}

TEST_F(daily_report_e2e, a_paid_checkout_moves_every_figure_of_today) {
  auto internship = shop.internship(10000);
  placed order;
  around(
      [&] {
        auto user = e2e::unique("report");
        // Two carts: the buyer's and a guest's that is never ordered.
        auto guest = call(shop.port, "POST", "/api/v1/cart",
                          R"({"products":[{"internship_id":")" + internship + R"("}]})");
        ASSERT_EQ(guest.status, 201) << guest.body;
        order = pay(user, internship);
        ASSERT_GT(order.total, 0);
      },
      [&](const figures& b, const figures& a) {
        auto why = delta("carts_created", b.carts, a.carts, 2) +
                   delta("orders_placed", b.orders, a.orders, 1) +
                   delta("orders_paid", b.paid, a.paid, 1) +
                   delta("orders_enrolled", b.enrolled, a.enrolled, 1) +
                   delta("INR gross", b.in("INR").gross, a.in("INR").gross, order.total) +
                   delta("INR orders_paid", b.in("INR").orders_paid, a.in("INR").orders_paid, 1) +
                   delta("INR refunded", b.in("INR").refunded, a.in("INR").refunded, 0);
        return why;
      });
  // 10000 + IGST 18%: the total the order answered is what the report adds.
  EXPECT_EQ(order.total, 11800);
}

TEST_F(daily_report_e2e, a_refund_today_is_subtracted_from_net) {
  auto internship = shop.internship(25000);
  long long total = 0;
  // Paid outside the measured window, refunded inside it.
  auto order = pay(e2e::unique("refund"), internship);
  around(
      [&] {
        auto refund =
            call(shop.port, "POST", "/api/v1/admin/orders/" + order.token + "/refund",
                 R"({"reason":"daily report test"})", {{"Authorization", "Bearer " + shop.admin}});
        ASSERT_EQ(refund.status, 200) << refund.body;
        total = order.total;
      },
      [&](const figures& b, const figures& a) {
        auto why = delta("INR refunded", b.in("INR").refunded, a.in("INR").refunded, total) +
                   delta("INR net", b.in("INR").net, a.in("INR").net, -total) +
                   delta("INR gross", b.in("INR").gross, a.in("INR").gross, 0) +
                   delta("orders_paid", b.paid, a.paid, 0);
        // A disturbed attempt needs a fresh paid order to refund.
        if (!why.empty()) order = pay(e2e::unique("refund"), internship);
        return why;
      });
  EXPECT_EQ(total, 29500);
}

TEST_F(daily_report_e2e, a_free_order_counts_as_paid_and_enrolled_but_adds_nothing) {
  auto internship = shop.internship(0);
  around(
      [&] {
        auto user = e2e::unique("free");
        auto r = shop.place(user, shop.cart(user, internship), e2e::unique("key"));
        ASSERT_EQ(r.status, 201) << r.body;
        ASSERT_EQ(str(r.json()["data"]["order"], "status"), "completed");
      },
      [&](const figures& b, const figures& a) {
        return delta("carts_created", b.carts, a.carts, 1) +
               delta("orders_placed", b.orders, a.orders, 1) +
               delta("orders_paid", b.paid, a.paid, 1) +
               delta("orders_enrolled", b.enrolled, a.enrolled, 1) +
               delta("INR gross", b.in("INR").gross, a.in("INR").gross, 0) +
               delta("INR orders_paid", b.in("INR").orders_paid, a.in("INR").orders_paid, 1);
      });
}

TEST_F(daily_report_e2e, only_admins_may_read_it) {
  auto none = get("", "");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(none.json()["error"]["code"].GetInt(), 1401);
  auto user = get("", e2e::token_for(e2e::unique("someone")));
  EXPECT_EQ(user.status, 403) << user.body;
  EXPECT_EQ(user.json()["error"]["code"].GetInt(), 1403);
  auto forged = get("", "not.a.token");
  EXPECT_EQ(forged.status, 401) << forged.body;
}

TEST_F(daily_report_e2e, a_malformed_or_impossible_date_is_422_naming_date) {
  for (const char* bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-1-2", "22-11-2026",
                          "2026-11-22T00:00:00Z", "yesterday", "0000-01-01"}) {
    auto r = get(std::string("?date=") + bad, shop.admin);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.body;
    auto d = r.json();
    ASSERT_TRUE(d.IsObject()) << r.body;
    EXPECT_EQ(d["error"]["code"].GetInt(), 1000) << bad;
    ASSERT_TRUE(d["error"]["validation_messages"].IsArray()) << r.body;
    ASSERT_GE(d["error"]["validation_messages"].Size(), 1u) << r.body;
    EXPECT_NE(std::string(d["error"]["validation_messages"][0].GetString()).find("date"),
              std::string::npos)
        << r.body;
  }
}

TEST_F(daily_report_e2e, a_leap_day_is_a_real_date) {
  auto f = report("2024-02-29");
  EXPECT_EQ(f.date, "2024-02-29");
}

TEST_F(daily_report_e2e, a_day_long_past_has_zeros_and_null_ratios) {
  auto r = get("?date=1999-03-14", shop.admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_TRUE(d["success"].GetBool());
  auto& rep = d["data"]["report"];
  EXPECT_EQ(str(rep, "date"), "1999-03-14");
  for (const char* key : {"carts_created", "orders_placed", "orders_paid", "orders_enrolled"}) {
    ASSERT_TRUE(rep[key].IsInt64()) << key;
    EXPECT_EQ(rep[key].GetInt64(), 0) << key;
  }
  for (const char* key : {"cart_to_order", "order_to_paid", "paid_to_enrolled", "cart_to_enrolled"})
    EXPECT_TRUE(rep["conversion"][key].IsNull()) << key;
  ASSERT_TRUE(rep["revenue"].IsArray());
  EXPECT_EQ(rep["revenue"].Size(), 0u);
}

}  // namespace
