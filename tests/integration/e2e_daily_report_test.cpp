// GET /api/v1/admin/reports/daily (CONTRACT §11) against the real binary.
// The suite has a database of its own, shared only by its own tests (which
// run one after another), so the figures are compared before and after a
// test's activity and must move by exactly what the test did.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using json_expect::error_envelope;
using json_expect::int_at;
using json_expect::kind;
using json_expect::string_at;

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
    if (!json_expect::is(d, "data.report.conversion", kind::object) ||
        !json_expect::is(d, "data.report.revenue", kind::array)) {
      ADD_FAILURE() << "no report in " << r.body;
      return f;
    }
    auto& rep = d["data"]["report"];
    f.date = string_at(rep, "date");
    f.carts = int_at(rep, "carts_created");
    f.orders = int_at(rep, "orders_placed");
    f.paid = int_at(rep, "orders_paid");
    f.enrolled = int_at(rep, "orders_enrolled");
    auto& conv = rep["conversion"];
    auto check_ratio = [&](const char* key, long long num, long long den) {
      if (den == 0) {
        EXPECT_TRUE(json_expect::is(conv, key, kind::null));
        return;
      }
      ASSERT_TRUE(json_expect::is(conv, key, kind::number));
      EXPECT_NEAR(conv[key].GetDouble(), static_cast<double>(num) / den, 0.00005) << key;
    };
    check_ratio("cart_to_order", f.orders, f.carts);
    check_ratio("order_to_paid", f.paid, f.orders);
    check_ratio("paid_to_enrolled", f.enrolled, f.paid);
    check_ratio("cart_to_enrolled", f.enrolled, f.carts);
    std::string previous;
    long long paid_in_currencies = 0;
    for (auto& m : rep["revenue"].GetArray()) {
      auto currency = string_at(m, "currency");
      EXPECT_LT(previous, currency) << "currencies sorted and distinct";
      previous = currency;
      money x{int_at(m, "gross"), int_at(m, "refunded"), int_at(m, "net"),
              int_at(m, "orders_paid")};
      EXPECT_EQ(x.net, x.gross - x.refunded) << currency;
      paid_in_currencies += x.orders_paid;
      f.revenue[currency] = x;
    }
    EXPECT_EQ(paid_in_currencies, f.paid);
    return f;
  }

  // Runs `scenario` between two reports of the same day (after `prepare`,
  // outside the window); `mismatch` names what moved otherwise than it should
  // ("" when all is right). Only a run across midnight is run again: its
  // activity fell on two days.
  void around(
      const std::function<void()>& scenario,
      const std::function<std::string(const figures&, const figures&)>& mismatch,
      const std::function<void()>& prepare = [] {}) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      prepare();
      if (HasFatalFailure()) return;
      auto before = report();
      ASSERT_EQ(before.date.size(), 10u);
      scenario();
      if (HasFatalFailure()) return;
      auto after = report(before.date);
      if (report().date != before.date) continue;  // midnight passed meanwhile
      auto why = mismatch(before, after);
      EXPECT_TRUE(why.empty()) << why;
      return;
    }
    ADD_FAILURE() << "midnight passed during both attempts";
  }

  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };
  placed place(const std::string& user, const std::string& cart) {
    auto r = shop.place(user, cart, e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {string_at(d, "data.order.order_token"),
            string_at(d, "data.order.payment.gateway_order_id"), int_at(d, "data.order.total")};
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
        return delta("carts_created", b.carts, a.carts, 2) +
               delta("orders_placed", b.orders, a.orders, 1) +
               delta("orders_paid", b.paid, a.paid, 1) +
               delta("orders_enrolled", b.enrolled, a.enrolled, 1) +
               delta("INR gross", b.in("INR").gross, a.in("INR").gross, order.total) +
               delta("INR orders_paid", b.in("INR").orders_paid, a.in("INR").orders_paid, 1) +
               delta("INR refunded", b.in("INR").refunded, a.in("INR").refunded, 0);
      });
  // 10000 + IGST 18%: the total the order answered is what the report adds.
  EXPECT_EQ(order.total, 11800);
}

TEST_F(daily_report_e2e, a_refund_today_is_subtracted_from_net) {
  auto internship = shop.internship(25000);
  long long total = 0;
  placed order;
  around(
      [&] {
        auto refund =
            call(shop.port, "POST", "/api/v1/admin/orders/" + order.token + "/refund",
                 R"({"reason":"daily report test"})", {{"Authorization", "Bearer " + shop.admin}});
        ASSERT_EQ(refund.status, 200) << refund.body;
        total = order.total;
      },
      [&](const figures& b, const figures& a) {
        return delta("INR refunded", b.in("INR").refunded, a.in("INR").refunded, total) +
               delta("INR net", b.in("INR").net, a.in("INR").net, -total) +
               delta("INR gross", b.in("INR").gross, a.in("INR").gross, 0) +
               delta("orders_paid", b.paid, a.paid, 0);
      },
      // Paid outside the measured window, refunded inside it.
      [&] { order = pay(e2e::unique("refund"), internship); });
  EXPECT_EQ(total, 29500);
}

TEST_F(daily_report_e2e, a_free_order_counts_as_paid_and_enrolled_but_adds_nothing) {
  auto internship = shop.internship(0);
  around(
      [&] {
        auto user = e2e::unique("free");
        auto r = shop.place(user, shop.cart(user, internship), e2e::unique("key"));
        ASSERT_EQ(r.status, 201) << r.body;
        ASSERT_TRUE(json_expect::at(r.json(), "data.order.status", "completed"));
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
  EXPECT_TRUE(error_envelope(none.status, none.body, 401, 1401));
  auto user = get("", e2e::token_for(e2e::unique("someone")));
  EXPECT_TRUE(error_envelope(user.status, user.body, 403, 1403));
  auto forged = get("", "not.a.token");
  EXPECT_TRUE(error_envelope(forged.status, forged.body, 401, 1401));
}

TEST_F(daily_report_e2e, a_malformed_or_impossible_date_is_422_naming_date) {
  for (const char* bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-1-2", "22-11-2026",
                          "2026-11-22T00:00:00Z", "yesterday", "0000-01-01"}) {
    auto r = get(std::string("?date=") + bad, shop.admin);
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << bad;
    auto message = string_at(r.json(), "error.validation_messages[0]");
    EXPECT_NE(message.find("date"), std::string::npos) << bad << ": " << r.body;
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
  EXPECT_TRUE(json_expect::at(d, "success", true));
  EXPECT_TRUE(json_expect::at(d, "data.report.date", "1999-03-14"));
  for (const char* key : {"carts_created", "orders_placed", "orders_paid", "orders_enrolled"})
    EXPECT_TRUE(json_expect::at(d, std::string("data.report.") + key, 0));
  for (const char* key : {"cart_to_order", "order_to_paid", "paid_to_enrolled", "cart_to_enrolled"})
    EXPECT_TRUE(json_expect::is(d, std::string("data.report.conversion.") + key, kind::null));
  EXPECT_TRUE(json_expect::has_size(d, "data.report.revenue", 0));
}

}  // namespace
