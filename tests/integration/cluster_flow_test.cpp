// The whole checkout through three instances behind a round-robin balancer
// (CONTRACT §14): every request of a shopper may land on another instance
// than its last, so a cart's coupon, its estimate, the order and its payment
// are each decided by whichever instance gets them.
#include <gtest/gtest.h>

#include <algorithm>

#include "cluster_support.hpp"
#include "e2e_shop.hpp"
#include "fault_support.hpp"
#include "persistence/sql.hpp"
#include "support/json_expect.hpp"
#include "support/prometheus_text.hpp"

using namespace std::chrono_literals;

namespace {

// Applies `code` to the cart and reads its estimate, as the cart page does
// before the shopper presses Pay.
fault::cart_step coupon_then_estimate(const std::string& code) {
  return [code](unsigned short port, fault::checkout& c, const std::string& cart, fault::ms left) {
    auto bearer = e2e::shop::bearer(c.user);
    auto applied = fault::until_definite(
        [&] {
          return e2e::call(port, "POST", "/api/v1/cart/" + cart + "/coupon",
                           R"({"coupon":")" + code + R"("})", {{"Authorization", bearer}});
        },
        left);
    fault::add_retries(c, applied);
    if (!applied.definite || applied.reply.status != 200) {
      c.error = "coupon: " + std::to_string(applied.reply.status) + " " + applied.reply.body;
      return false;
    }
    auto estimate = fault::until_definite(
        [&] {
          return e2e::call(port, "POST", "/api/v1/cart/estimate",
                           R"({"cart_token":")" + cart + R"("})", {{"Authorization", bearer}});
        },
        left);
    fault::add_retries(c, estimate);
    if (!estimate.definite || estimate.reply.status != 200) {
      c.error = "estimate: " + std::to_string(estimate.reply.status) + " " + estimate.reply.body;
      return false;
    }
    auto priced = estimate.reply.json();
    if (json_expect::int_at(priced, "data.discount_amount") <= 0) {
      c.error = "estimate without the coupon: " + estimate.reply.body;
      return false;
    }
    c.estimate = json_expect::int_at(priced, "data.total");
    return true;
  };
}

// Seconds from each payment event's first send to its order's `completed`
// row in order_history (PostgreSQL's clock and ours are this machine's).
std::vector<double> enrollment_seconds(const std::vector<fault::checkout>& checkouts) {
  std::map<std::string, const fault::checkout*> by_token;
  std::vector<std::string> tokens;
  for (auto& c : checkouts)
    if (c.finished) {
      by_token[c.order_token] = &c;
      tokens.push_back(c.order_token);
    }
  std::vector<double> out;
  for (const auto& row : fault::query(
           "SELECT order_token::text, extract(epoch FROM min(at))::float8 FROM order_history "
           "WHERE status = 'completed' AND order_token = ANY($1::uuid[]) GROUP BY 1",
           checkout::persistence::text_array(tokens))) {
    auto& c = *by_token.at(row[0].as<std::string>());
    double sent = std::chrono::duration<double>(c.paid_sent.time_since_epoch()).count();
    out.push_back(row[1].as<double>() - sent);
  }
  return out;
}

// The invoices of the finished checkouts (CONTRACT §16), each read through
// the balancer: how many differ from their order's figures, the first of them.
int invoices_unlike_their_orders(unsigned short port, const std::vector<fault::checkout>& checkouts,
                                 std::string& first) {
  int unlike = 0;
  for (auto& c : checkouts) {
    if (!c.finished) continue;
    auto r = e2e::call(port, "GET", "/api/v1/orders/" + c.order_token + "/invoice", {},
                       {{"Authorization", e2e::shop::bearer(c.user)}});
    std::string why;
    if (r.status != 200) {
      why = std::to_string(r.status) + " " + r.body;
    } else {
      auto d = r.json();
      auto total = json_expect::int_at(d, "data.invoice.total");
      auto tax = json_expect::int_at(d, "data.invoice.tax_total");
      auto taxable = json_expect::int_at(d, "data.invoice.taxable_value");
      std::int64_t line_taxes = 0, line_totals = 0;
      for (auto& l : d["data"]["invoice"]["lines"].GetArray()) {
        line_totals += l["total"].GetInt64();
        for (auto& t : l["taxes"].GetArray()) line_taxes += t["amount"].GetInt64();
      }
      if (total != c.total || taxable + tax != total || line_taxes != tax || line_totals != total)
        why = r.body;
    }
    if (!why.empty() && unlike++ == 0) first = c.order_token + ": " + why;
  }
  return unlike;
}

double requests_served(unsigned short instance_port) {
  auto text = e2e::call(instance_port, "GET", "/metrics").body;
  return prom::parse(text).value("checkout_http_requests_total");
}

TEST(cluster_flow, a_thousand_checkouts_with_coupons_each_request_through_the_balancer) {
  constexpr int checkouts = 1000;
  fault::bus_tap tap;
  // The enrollment sweeper re-publishes a paid order's event only after its
  // grace: ten minutes keeps it out, so every enrollment is the event's own.
  cluster::group shop(3, {{"ENROLLMENT_GRACE", "10m"}});
  std::vector<double> served_before;
  for (auto p : shop.ports()) served_before.push_back(requests_served(p));

  e2e::shop admin{shop.port()};
  auto code = admin.coupon(R"("type":"percentage","value":15})");
  fault::stream_options opts;
  opts.checkouts = checkouts;
  // 8 shoppers keep the two cores busy (about 30 checkouts/s) without
  // queueing every step behind 16: at 16 the p99 was 0.7-0.9 s on a quiet
  // machine and 2.8 s in a fresh-clone run, where the machine ran a quarter
  // slower. The 2 s limit is the contract's, so it is not widened.
  opts.threads = 8;
  opts.lines = 2;
  opts.internships = fault::make_internships(shop.port(), 6, 20000);
  opts.user_prefix = "cluster";
  opts.before_order = coupon_then_estimate(code);
  auto stream = fault::run_stream(shop.port(), opts, {});

  auto f = fault::audit(stream.checkouts, tap, 60s);
  int mismatched = 0;
  std::string first_mismatch;
  for (auto& c : stream.checkouts) {
    if (!c.placed) continue;
    if (c.estimate != c.total) {
      if (mismatched++ == 0)
        first_mismatch = c.user + ": estimate " + std::to_string(c.estimate) + ", order " +
                         std::to_string(c.total);
    }
  }
  auto latency = enrollment_seconds(stream.checkouts);
  auto p50 = cluster::percentile(latency, 50), p99 = cluster::percentile(latency, 99);
  auto worst = cluster::percentile(latency, 100);
  auto left_paid =
      fault::query("SELECT count(*) FROM orders WHERE status = 'paid'")[0][0].as<int>();

  fault::report("checkouts_per_second", std::to_string(checkouts / stream.seconds));
  fault::report("enrollment_p50_s", std::to_string(p50));
  fault::report("enrollment_p99_s", std::to_string(p99));
  fault::report("enrollment_max_s", std::to_string(worst));
  fault::report("figures", f.line());
  std::string why;
  for (auto& p : f.problems) why += "\n  " + p;
  EXPECT_EQ(f.unfinished, 0) << why;
  EXPECT_EQ(f.lost, 0) << why;
  EXPECT_EQ(f.duplicated, 0) << why;
  EXPECT_EQ(mismatched, 0) << "first: " << first_mismatch;
  EXPECT_EQ(left_paid, 0);
  EXPECT_EQ(latency.size(), static_cast<size_t>(checkouts));
  EXPECT_LT(p99, 2.0) << "enrollment p99 after capture, seconds";

  // One invoice per paid order, numbered 1..n in its year's series without a
  // gap or a twin although three instances issued them at once; each with
  // its order's figures.
  auto numbering = fault::query(
      "SELECT count(*), count(DISTINCT seq), COALESCE(min(seq), 0), COALESCE(max(seq), 0), "
      "count(DISTINCT series) FROM invoices");
  auto finished = std::count_if(stream.checkouts.begin(), stream.checkouts.end(),
                                [](const fault::checkout& c) { return c.finished; });
  EXPECT_EQ(numbering[0][0].as<long>(), finished);
  EXPECT_EQ(numbering[0][1].as<long>(), finished);
  EXPECT_EQ(numbering[0][2].as<long>(), 1);
  EXPECT_EQ(numbering[0][3].as<long>(), finished);
  EXPECT_EQ(numbering[0][4].as<long>(), 1);
  std::string first_unlike;
  EXPECT_EQ(invoices_unlike_their_orders(shop.port(), stream.checkouts, first_unlike), 0)
      << first_unlike;

  // Round robin spread the requests: each instance served about a third.
  double total = 0;
  std::vector<double> served;
  for (int i = 0; i < shop.size(); ++i) {
    served.push_back(requests_served(shop.ports()[static_cast<size_t>(i)]) -
                     served_before[static_cast<size_t>(i)]);
    total += served.back();
  }
  for (int i = 0; i < shop.size(); ++i) {
    fault::report("instance_" + std::to_string(i) + "_requests",
                  std::to_string(served[static_cast<size_t>(i)]));
    EXPECT_GT(served[static_cast<size_t>(i)], total / 4) << "instance " << i;
  }
}

}  // namespace
