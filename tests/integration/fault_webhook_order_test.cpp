// Webhook duplicates and reordering: gateways send an event more than once,
// concurrently, under one id or under several, and not in the order things
// happened. Each order must end exactly as a control order that got one clean
// delivery of each event in order: status, payment attempts, history,
// enrollments and events.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "fault_support.hpp"
#include "persistence/sql.hpp"

using namespace std::chrono_literals;

namespace {

struct order_under_test {
  fault::checkout c;
  std::string captured_pay;  // the payment that succeeded
  std::string failed_pay;    // an earlier declined one
};

// Everything that must come out the same, with this order's own ids replaced
// by placeholders.
std::string outcome_of(const order_under_test& o) {
  auto token = o.c.order_token;
  auto normal = [&](std::string s) {
    for (auto [id, name] : {std::pair<std::string, std::string>{o.captured_pay, "<captured>"},
                            {o.failed_pay, "<failed>"}}) {
      for (auto at = s.find(id); at != std::string::npos; at = s.find(id))
        s.replace(at, id.size(), name);
    }
    return s;
  };
  std::string out =
      "status=" + e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", token);
  for (const auto& row :
       fault::query("SELECT attempt_no, status FROM payment_attempts WHERE order_token = $1::uuid "
                    "ORDER BY attempt_no",
                    token))
    out += " attempt" + row[0].as<std::string>() + "=" + row[1].as<std::string>();
  out += " history=[";
  for (const auto& row : fault::query(
           "SELECT status, reason FROM order_history WHERE order_token = $1::uuid ORDER BY id",
           token))
    out += row[0].as<std::string>() + ":" + normal(row[1].as<std::string>()) + ";";
  out += "] enrollments=" +
         e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", token);
  out += " events=[";
  for (const auto& row :
       fault::query("SELECT event_type, count(*) FROM outbox WHERE order_token = $1::uuid "
                    "GROUP BY 1 ORDER BY 1",
                    token))
    out += row[0].as<std::string>() + "x" + row[1].as<std::string>() + ";";
  return out + "]";
}

// Sends the deliveries at the same moment; answers the results, retrying a
// delivery after a 5xx or a dropped connection as a gateway would.
std::vector<std::string> at_once(unsigned short port,
                                 const std::vector<std::pair<std::string, std::string>>& sends) {
  std::vector<std::future<std::string>> running;
  std::promise<void> go;
  auto start = go.get_future().share();
  for (auto& [body, event_id] : sends) {
    running.push_back(std::async(std::launch::async, [=] {
      start.wait();
      auto a = fault::until_definite([&] { return e2e::razorpay_post(port, body, event_id); }, 30s);
      if (!a.definite) return "no answer: " + a.last_error;
      if (a.reply.status != 200) return std::to_string(a.reply.status) + " " + a.reply.body;
      return fault::text(a.reply, {"data", "result"});
    }));
  }
  go.set_value();
  std::vector<std::string> results;
  for (auto& r : running) results.push_back(r.get());
  return results;
}

std::string one(unsigned short port, const std::string& body, const std::string& event_id) {
  return at_once(port, {{body, event_id}})[0];
}

TEST(fault_webhooks, duplicates_and_reordering_end_like_one_clean_delivery) {
  e2e::server srv({{"ENROLLMENT_RETRY_BASE", "50ms"}, {"ENROLLMENT_RETRY_MAX", "500ms"}});
  auto port = srv.port();
  auto internships = fault::make_internships(port, 2, 25000);
  constexpr int per_kind = 6;
  const std::vector<std::string> kinds = {"control: captured",
                                          "captured x5 at once, one event id",
                                          "captured x5 at once, five event ids",
                                          "captured, then a stale failed",
                                          "control: failed, then captured",
                                          "failed x3 at once, then captured x3 at once"};
  auto run = checkout::random_hex(4);
  std::map<std::string, std::vector<order_under_test>> orders;
  for (auto& kind : kinds) {
    for (int i = 0; i < per_kind; ++i) {
      order_under_test o;
      o.c.user = "hooks-" + run + "-" + std::to_string(orders.size()) + "-" + std::to_string(i);
      o.c.internships = internships;
      ASSERT_TRUE(fault::place_only(port, o.c, 30s)) << o.c.error;
      auto suffix = o.c.gateway_order_id.substr(6);
      o.captured_pay = "pay_c" + suffix;
      o.failed_pay = "pay_f" + suffix;
      orders[kind].push_back(o);
    }
  }
  // Paid last, once everything above is settled: when its enrollment is done,
  // the consumer has moved past every event published before it.
  fault::checkout marker;
  marker.user = "hooks-" + run + "-marker";
  marker.internships = internships;
  ASSERT_TRUE(fault::place_only(port, marker, 30s)) << marker.error;

  std::map<std::string, int> answers;
  auto tally = [&](const std::vector<std::string>& results) {
    for (auto& r : results) ++answers[r];
  };
  auto captured = [](const order_under_test& o) {
    return e2e::razorpay_payment_body("payment.captured", o.c.gateway_order_id, o.c.total,
                                      o.captured_pay);
  };
  auto failed = [](const order_under_test& o, const std::string& pay) {
    return e2e::razorpay_payment_body("payment.failed", o.c.gateway_order_id, o.c.total, pay);
  };
  auto ev = [] { return e2e::unique("evt"); };
  // All orders of a kind go at once too, so the kinds overlap in time.
  auto each = [&](const std::string& kind, std::function<void(const order_under_test&, int)> fn) {
    std::vector<std::thread> ts;
    int i = 0;
    for (auto& o : orders[kind]) ts.emplace_back(fn, std::cref(o), i++);
    for (auto& t : ts) t.join();
  };
  std::mutex mu;
  auto record = [&](const std::vector<std::string>& r) {
    std::lock_guard<std::mutex> lock(mu);
    tally(r);
  };

  each(kinds[0], [&](const order_under_test& o, int) { record({one(port, captured(o), ev())}); });
  each(kinds[1], [&](const order_under_test& o, int) {
    auto id = ev();
    record(at_once(port, std::vector<std::pair<std::string, std::string>>(5, {captured(o), id})));
  });
  each(kinds[2], [&](const order_under_test& o, int) {
    std::vector<std::pair<std::string, std::string>> sends;
    for (int k = 0; k < 5; ++k) sends.push_back({captured(o), ev()});
    record(at_once(port, sends));
  });
  each(kinds[3], [&](const order_under_test& o, int i) {
    record({one(port, captured(o), ev())});
    // The failure of an earlier attempt, or (for half of them) a failure
    // report for the very payment that was captured, arrives late.
    record({one(port, failed(o, i % 2 ? o.failed_pay : o.captured_pay), ev())});
  });
  each(kinds[4], [&](const order_under_test& o, int) {
    record({one(port, failed(o, o.failed_pay), ev())});
    record({one(port, captured(o), ev())});
  });
  each(kinds[5], [&](const order_under_test& o, int) {
    auto id = ev();
    record(at_once(port, {{failed(o, o.failed_pay), id},
                          {failed(o, o.failed_pay), id},
                          {failed(o, o.failed_pay), ev()}}));
    auto cid = ev();
    record(at_once(port, {{captured(o), cid}, {captured(o), cid}, {captured(o), ev()}}));
  });

  // Every order is paid in the end; wait for the enrollments and for every
  // event to be published, then for a marker paid after all of them, so a
  // late duplicate has had its chance to do harm.
  std::vector<std::string> tokens;
  for (auto& [kind, list] : orders)
    for (auto& o : list) tokens.push_back(o.c.order_token);
  auto not_completed = [&] {
    return fault::query(
               "SELECT count(*) FROM orders WHERE token = ANY($1::uuid[]) AND status <> "
               "'completed'",
               ::checkout::persistence::text_array(tokens))[0][0]
        .as<long long>();
  };
  EXPECT_TRUE(test_services::eventually([&] { return not_completed() == 0; }, 60s))
      << not_completed() << " orders not completed";
  auto unpublished = [&] {
    return fault::query(
               "SELECT count(*) FROM outbox WHERE order_token = ANY($1::uuid[]) AND "
               "published_at IS NULL",
               ::checkout::persistence::text_array(tokens))[0][0]
        .as<long long>();
  };
  EXPECT_TRUE(test_services::eventually([&] { return unpublished() == 0; }, 60s))
      << unpublished() << " events unpublished";
  auto paid_marker = fault::pay(port, marker);
  EXPECT_EQ(paid_marker.status, 200) << paid_marker.body;
  auto marker_status = [&] {
    return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", marker.order_token);
  };
  EXPECT_TRUE(test_services::eventually([&] { return marker_status() == "completed"; }, 30s))
      << "marker " << marker.order_token << ": " << marker_status();

  auto control_captured = outcome_of(orders[kinds[0]][0]);
  auto control_failed_first = outcome_of(orders[kinds[4]][0]);
  fault::report("control_captured", control_captured);
  fault::report("control_failed_then_captured", control_failed_first);
  EXPECT_NE(control_captured.find("status=completed"), std::string::npos);
  EXPECT_NE(control_captured.find("enrollments=2"), std::string::npos);
  EXPECT_NE(control_failed_first.find("status=completed"), std::string::npos);
  int compared = 0;
  for (auto& [kind, list] : orders) {
    bool failed_first = kind == kinds[4] || kind == kinds[5];
    auto& expected = failed_first ? control_failed_first : control_captured;
    for (auto& o : list) {
      EXPECT_EQ(outcome_of(o), expected) << kind << " " << o.c.order_token;
      ++compared;
    }
  }
  std::string spread;
  for (auto& [r, n] : answers) spread += r + ":" + std::to_string(n) + " ";
  fault::report("orders_compared", std::to_string(compared));
  fault::report("answers", spread);
  for (auto& [r, n] : answers)
    EXPECT_TRUE(r == "applied" || r == "duplicate" || r == "already_applied" || r == "accepted" ||
                r == "ignored")
        << r << " x" << n;
}

}  // namespace
