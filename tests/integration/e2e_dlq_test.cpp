// The dead-letter queue routes through the real binary (CONTRACT §9, §11):
// listing checkout.enrollment.dlq without consuming it, replaying one message
// by id, authorization and bad input. Messages are put into the DLQ straight
// through checkout.dlx, each with a unique message_id, and taken out again at
// the end of each test, so the next test of the suite (same vhost) starts
// from an empty queue.
#include <amqp.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "actors/common/ids.hpp"
#include "e2e_support.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/confirm_publisher.hpp"
#include "messaging/topology.hpp"
#include "support/json_expect.hpp"
#include "support/test_services.hpp"

namespace {

using e2e::call;
using e2e::str;
using namespace std::chrono_literals;

std::unique_ptr<checkout::messaging::amqp_connection> connect() {
  std::string error;
  auto conn = checkout::messaging::amqp_connection::open(test_services::amqp_url(),
                                                         "checkout e2e dlq", &error);
  if (!conn || !conn->open_channel(1, &error)) throw std::runtime_error(error);
  return conn;
}

// An order.paid event as the service writes it, for an order that does not
// exist: the enrollment consumer can never handle it and rejects it.
std::string order_paid_body(const std::string& event_id, const std::string& order_token) {
  return R"({"event_id":")" + event_id + R"(","type":"order.paid","occurred_at":)" +
         R"("2026-11-22T10:00:00Z","order_token":")" + order_token +
         R"(","user_id":"dlq-e2e","data":{}})";
}

class dlq_e2e : public e2e::shared_server<dlq_e2e> {
 protected:
  void TearDown() override {
    for (const auto& id : put) {
      try {
        remove_from_dlq(id);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "removing " << id << " from the DLQ: " << e.what();
      }
    }
  }

  // Publishes an order.paid message straight to the dead-letter exchange, as
  // if it had died in checkout.enrollment, and returns its order token.
  std::string put_in_dlq(const std::string& message_id) {
    auto token = checkout::new_uuid();
    auto conn = connect();
    checkout::messaging::confirm_publisher publisher(*conn, 2);
    std::string error;
    if (!publisher.open(&error)) throw std::runtime_error(error);
    auto ok = publisher.publish(
        checkout::messaging::dead_letter_exchange,
        {{"order.paid",
          message_id,
          order_paid_body(message_id, token),
          {{"correlation_id", "corr-" + message_id}, {"event_type", "order.paid"}}}},
        5s, nullptr, &error);
    if (ok.empty() || !ok[0]) throw std::runtime_error("publish not confirmed: " + error);
    put.insert(message_id);
    return token;
  }

  // Takes every copy of `message_id` out of the DLQ; the others keep their
  // places. Returns how many there were.
  int remove_from_dlq(const std::string& message_id) {
    auto conn = connect();
    const std::string queue = checkout::messaging::enrollment_dlq;
    int removed = 0;
    std::uint64_t last_held = 0;
    for (int scanned = 0; scanned < 10000; ++scanned) {
      amqp_rpc_reply_t reply =
          amqp_basic_get(conn->state(), 1, checkout::messaging::as_bytes(queue), /*no_ack=*/0);
      std::string error;
      if (!conn->check(reply, 1, "basic.get", &error)) throw std::runtime_error(error);
      if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) break;
      auto tag = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded)->delivery_tag;
      amqp_message_t message;
      reply = amqp_read_message(conn->state(), 1, &message, 0);
      if (!conn->check(reply, 1, "reading message", &error)) throw std::runtime_error(error);
      std::string id = message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG
                           ? checkout::messaging::to_string(message.properties.message_id)
                           : std::string();
      amqp_destroy_message(&message);
      if (id == message_id) {
        amqp_basic_ack(conn->state(), 1, tag, 0);
        ++removed;
      } else {
        last_held = tag;
      }
    }
    if (last_held != 0) amqp_basic_nack(conn->state(), 1, last_held, /*multiple=*/1, 1);
    return removed;
  }

  e2e::reply get(const std::string& target, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return call(srv->port(), "GET", target, {}, headers);
  }
  e2e::reply list() { return get("/api/v1/admin/dlq?limit=500", admin); }
  e2e::reply replay(const std::string& body, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return call(srv->port(), "POST", "/api/v1/admin/dlq/replay", body, headers);
  }

  // The listed message with this id, or an empty object.
  static rapidjson::Document find(const e2e::reply& r, const std::string& message_id) {
    rapidjson::Document out;
    out.SetObject();
    auto d = r.json();
    if (!d.IsObject() || !d.HasMember("data") || !d["data"].HasMember("messages")) return out;
    for (auto& m : d["data"]["messages"].GetArray()) {
      if (str(m, "message_id") == message_id) out.CopyFrom(m, out.GetAllocator());
    }
    return out;
  }

  static void expect_error(const e2e::reply& r, int status, int code) {
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, status, code));
  }

  std::string admin = e2e::token_for("dlq-admin", true);
  std::set<std::string> put;
};

TEST_F(dlq_e2e, lists_a_dead_letter_and_leaves_it_in_the_queue) {
  auto id = e2e::unique("dlq-list");
  auto token = put_in_dlq(id);

  for (int round = 0; round < 2; ++round) {
    auto r = list();
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    EXPECT_TRUE(json_expect::at(d, "data.queue", "checkout.enrollment.dlq"));
    ASSERT_TRUE(json_expect::is(d, "data.messages", json_expect::kind::array));
    EXPECT_TRUE(
        json_expect::at(d, "data.count", static_cast<std::int64_t>(d["data"]["messages"].Size())));
    auto m = find(r, id);
    ASSERT_TRUE(json_expect::at(m, "message_id", id)) << "round " << round << ": " << r.body;
    EXPECT_TRUE(json_expect::at(m, "event_type", "order.paid"));
    EXPECT_TRUE(json_expect::at(m, "routing_key", "order.paid"));
    EXPECT_TRUE(json_expect::at(m, "correlation_id", "corr-" + id));
    // Published straight to checkout.dlx, it never died anywhere.
    EXPECT_TRUE(json_expect::at(m, "reason", ""));
    EXPECT_TRUE(json_expect::at(m, "source_queue", ""));
    EXPECT_TRUE(json_expect::at(m, "death_count", 0));
    EXPECT_TRUE(json_expect::at(m, "order_token", token));
    EXPECT_TRUE(json_expect::at(m, "body", order_paid_body(id, token)));
  }
  EXPECT_EQ(remove_from_dlq(id), 1);  // listing twice consumed nothing
  put.erase(id);
}

TEST_F(dlq_e2e, the_limit_caps_the_listing) {
  put_in_dlq(e2e::unique("dlq-limit"));
  put_in_dlq(e2e::unique("dlq-limit"));
  auto r = get("/api/v1/admin/dlq?limit=1", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_TRUE(json_expect::has_size(d, "data.messages", 1));
  EXPECT_TRUE(json_expect::at(d, "data.count", 1));
}

// The replayed message goes to checkout.events -> checkout.enrollment, whose
// consumer (in the running checkoutd) finds no such order and rejects it: it
// is back in the DLQ at once, now with x-death saying so. The message put in
// before it was not replayed and kept its place.
TEST_F(dlq_e2e, replays_one_message_by_id_and_the_consumer_rejects_it_back) {
  auto other = e2e::unique("dlq-other");
  auto id = e2e::unique("dlq-replay");
  put_in_dlq(other);
  auto token = put_in_dlq(id);

  auto r = replay(R"({"message_id":")" + id + R"("})", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_expect::at(r.json(), "data.replayed", 1));

  rapidjson::Document back;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        back = find(list(), id);
        return str(back, "reason") == "rejected";
      },
      20s))
      << "the replayed message did not come back rejected";
  EXPECT_TRUE(json_expect::at(back, "source_queue", "checkout.enrollment"));
  // The replay started its history afresh.
  EXPECT_TRUE(json_expect::at(back, "death_count", 1));
  EXPECT_TRUE(json_expect::at(back, "order_token", token));
  EXPECT_TRUE(json_expect::at(back, "correlation_id", "corr-" + id));

  auto after = list();
  auto untouched = find(after, other);
  ASSERT_TRUE(json_expect::at(untouched, "message_id", other)) << after.body;
  EXPECT_TRUE(json_expect::at(untouched, "reason", ""));
}

TEST_F(dlq_e2e, replaying_an_unknown_message_id_is_404) {
  auto r = replay(R"({"message_id":")" + e2e::unique("dlq-missing") + R"("})", admin);
  expect_error(r, 404, 9404);
}

TEST_F(dlq_e2e, needs_an_admin) {
  auto user = e2e::token_for("dlq-user");
  expect_error(get("/api/v1/admin/dlq", ""), 401, 1401);
  expect_error(get("/api/v1/admin/dlq", user), 403, 1403);
  expect_error(replay("{}", ""), 401, 1401);
  expect_error(replay("{}", user), 403, 1403);
}

TEST_F(dlq_e2e, bad_input_is_refused) {
  for (const char* limit : {"0", "501", "abc", "-1", "1000"}) {
    expect_error(get(std::string("/api/v1/admin/dlq?limit=") + limit, admin), 422, 1000);
  }
  for (const char* body : {R"({"limit":0})", R"({"limit":501})", R"({"limit":"5"})",
                           R"({"message_id":""})", R"({"message_id":5})"}) {
    SCOPED_TRACE(body);
    expect_error(replay(body, admin), 422, 1000);
  }
  expect_error(replay("{", admin), 400, 1000);
}

}  // namespace
