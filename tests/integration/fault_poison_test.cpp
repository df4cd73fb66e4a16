// A poison message: one paid order whose enrollment always fails (a trigger
// the test installs refuses its rows). It must reach checkout.enrollment.dlq
// after exactly ENROLLMENT_MAX_DELIVERIES attempts without holding up the
// orders around it, show up in GET /admin/dlq, and after the fault is fixed a
// replay must enroll it exactly once per line.
#include <gtest/gtest.h>

#include "actors/common/ids.hpp"
#include "fault_support.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int max_deliveries = 5;

class fault_poison : public ::testing::Test {
 protected:
  std::string name = "fault_poison_" + checkout::random_hex(4);

  // Every attempt to enroll `order_token` fails; the sequence counts the
  // attempts, because nextval survives the rollback that follows.
  void poison(const std::string& order_token) {
    fault::execute("CREATE SEQUENCE " + name + ";" + "CREATE FUNCTION " + name +
                   "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF NEW.order_token = '" +
                   order_token + "'::uuid THEN PERFORM nextval('" + name +
                   "'); RAISE EXCEPTION 'fault test: enrollment of % refused', "
                   "NEW.order_token; END IF; RETURN NEW; END $$;" +
                   "CREATE TRIGGER " + name + " BEFORE INSERT ON enrollments FOR EACH ROW " +
                   "EXECUTE FUNCTION " + name + "();");
  }
  void cure() {
    fault::execute("DROP TRIGGER IF EXISTS " + name + " ON enrollments; DROP FUNCTION IF EXISTS " +
                   name + "();");
  }
  long long attempts() {
    auto r = fault::query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + name);
    return r[0][0].as<long long>();
  }
  void TearDown() override {
    try {
      cure();
      fault::execute("DROP SEQUENCE IF EXISTS " + name);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping the poison trigger: " << e.what();
    }
  }
};

long long enrollments_of(const std::string& token) {
  return std::stoll(
      e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", token));
}

std::string status_of(const std::string& token) {
  return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", token);
}

// The DLQ entry for an order as GET /admin/dlq shows it, or a null value.
struct dlq_entry {
  bool found = false;
  std::string message_id, event_type, routing_key, reason, order_token;
  long long death_count = 0;
};
dlq_entry find_in_dlq(unsigned short port, const std::string& admin, const std::string& order_token,
                      std::string* body = nullptr) {
  dlq_entry e;
  auto r = e2e::call(port, "GET", "/api/v1/admin/dlq?limit=500", {},
                     {{"Authorization", "Bearer " + admin}});
  if (body) *body = std::to_string(r.status) + " " + r.body.substr(0, 400);
  if (r.status != 200) return e;
  auto d = r.json();
  auto& data = d["data"];
  if (!data.IsObject() || !data.HasMember("messages") || !data["messages"].IsArray()) return e;
  for (auto& m : data["messages"].GetArray()) {
    if (e2e::str(m, "order_token") != order_token) continue;
    e.found = true;
    e.message_id = e2e::str(m, "message_id");
    e.event_type = e2e::str(m, "event_type");
    e.routing_key = e2e::str(m, "routing_key");
    e.reason = e2e::str(m, "reason");
    e.order_token = e2e::str(m, "order_token");
    if (m.HasMember("death_count") && m["death_count"].IsInt64())
      e.death_count = m["death_count"].GetInt64();
  }
  return e;
}

TEST_F(fault_poison, a_poison_order_goes_to_the_dlq_and_is_replayed_after_the_fix) {
  e2e::server srv({{"ENROLLMENT_MAX_DELIVERIES", std::to_string(max_deliveries)},
                   {"ENROLLMENT_RETRY_BASE", "50ms"},
                   {"ENROLLMENT_RETRY_MAX", "200ms"},
                   // The sweeper must not mend the order behind the test's back.
                   {"ENROLLMENT_SWEEP_INTERVAL", "1h"},
                   {"ENROLLMENT_GRACE", "1h"}});
  auto port = srv.port();
  auto admin = e2e::token_for("fault-admin", true);
  auto internships = fault::make_internships(port, 2, 30000);

  // Nine orders; the middle one is poisoned before anything is paid. Two
  // more are paid later as markers: once a marker is enrolled, the consumer
  // has moved past everything published before it.
  std::vector<fault::checkout> orders(9), markers(2);
  auto run = checkout::random_hex(4);
  auto place = [&](fault::checkout& o, const std::string& name) {
    o.user = "poison-" + run + "-" + name;
    o.internships = internships;  // two lines each
    return fault::place_only(port, o, 30s);
  };
  for (size_t i = 0; i < orders.size(); ++i)
    ASSERT_TRUE(place(orders[i], std::to_string(i))) << orders[i].error;
  for (size_t i = 0; i < markers.size(); ++i)
    ASSERT_TRUE(place(markers[i], "marker" + std::to_string(i))) << markers[i].error;
  auto& bad = orders[4];
  poison(bad.order_token);
  auto pay_and_wait = [&](const fault::checkout& o) {
    auto r = fault::pay(port, o);
    EXPECT_EQ(r.status, 200) << r.body;
    return test_services::eventually([&] { return status_of(o.order_token) == "completed"; }, 30s);
  };

  auto t0 = std::chrono::steady_clock::now();
  for (auto& o : orders) {
    auto r = fault::pay(port, o);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The poison message dead-letters; GET /admin/dlq shows it.
  dlq_entry entry;
  std::string last_body;
  ASSERT_TRUE(test_services::eventually(
      [&] {
        entry = find_in_dlq(port, admin, bad.order_token, &last_body);
        return entry.found;
      },
      60s))
      << "not in the DLQ after 60 s; attempts so far " << attempts() << "; last answer "
      << last_body;
  auto to_dlq = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto paid_event = fault::query(
      "SELECT event_id::text FROM outbox WHERE event_type = 'order.paid' AND order_token = "
      "$1::uuid",
      bad.order_token);
  ASSERT_EQ(paid_event.size(), 1u);
  EXPECT_EQ(entry.message_id, paid_event[0][0].as<std::string>());
  EXPECT_EQ(entry.event_type, "order.paid");
  EXPECT_EQ(entry.routing_key, "order.paid");
  EXPECT_EQ(entry.reason, "delivery_limit");
  // Nothing tries again once it is dead-lettered: a marker paid after it is
  // enrolled, and the count of attempts has not moved.
  EXPECT_TRUE(pay_and_wait(markers[0]))
      << "marker " << markers[0].order_token << ": " << status_of(markers[0].order_token);
  auto tries = attempts();
  EXPECT_EQ(tries, max_deliveries);
  EXPECT_EQ(status_of(bad.order_token), "paid");
  EXPECT_EQ(enrollments_of(bad.order_token), 0);

  // The orders around it were enrolled normally.
  auto others_completed = [&] {
    for (auto& o : orders)
      if (&o != &bad && status_of(o.order_token) != "completed") return false;
    return true;
  };
  EXPECT_TRUE(test_services::eventually(others_completed, 20s));
  for (auto& o : orders) {
    if (&o == &bad) continue;
    EXPECT_EQ(status_of(o.order_token), "completed") << o.order_token;
    EXPECT_EQ(enrollments_of(o.order_token), 2) << o.order_token;
  }

  // Fixed: the operator replays that one message.
  cure();
  auto replay = e2e::call(port, "POST", "/api/v1/admin/dlq/replay",
                          R"({"message_id":")" + entry.message_id + R"("})",
                          {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(replay.status, 200) << replay.body;
  auto replay_doc = replay.json();
  ASSERT_TRUE(replay_doc.IsObject() && replay_doc.HasMember("data") &&
              replay_doc["data"].IsObject() && replay_doc["data"].HasMember("replayed") &&
              replay_doc["data"]["replayed"].IsInt())
      << replay.body;
  EXPECT_EQ(replay_doc["data"]["replayed"].GetInt(), 1) << replay.body;
  EXPECT_TRUE(
      test_services::eventually([&] { return status_of(bad.order_token) == "completed"; }, 20s))
      << status_of(bad.order_token);
  // Exactly once: a marker paid after the replay is enrolled, and the
  // replayed order still has one enrollment per line.
  EXPECT_TRUE(pay_and_wait(markers[1]))
      << "marker " << markers[1].order_token << ": " << status_of(markers[1].order_token);
  EXPECT_EQ(enrollments_of(bad.order_token), 2);
  EXPECT_EQ(std::stoll(e2e::db_value(
                "SELECT count(DISTINCT line_no) FROM enrollments WHERE order_token = $1::uuid",
                bad.order_token)),
            2);
  EXPECT_FALSE(find_in_dlq(port, admin, bad.order_token).found);

  fault::report("attempts_before_dlq", std::to_string(tries));
  fault::report("seconds_to_dlq", std::to_string(to_dlq));
  fault::report("dlq_death_count", std::to_string(entry.death_count));
  fault::report("dlq_reason", entry.reason);
}

}  // namespace
