// Published events (CONTRACT §9) as a consumer sees them, through the real
// binary: a queue of the test's own, bound to `checkout.events` in the test's
// vhost, receives `order.completed`, `notification.requested`, `order.failed`
// and `order.expired`; each must have its routing key, `message_id` = event id,
// persistence, the `correlation_id` and `event_type` headers, and the body
// `{event_id, type, occurred_at, order_token, user_id, data}`.
#include <amqp.h>
#include <gtest/gtest.h>

#include <optional>
#include <regex>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"
#include "messaging/topology.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using checkout::messaging::as_bytes;
using e2e::call;

struct event_message {
  std::string exchange, routing_key, message_id, content_type;
  int delivery_mode = 0;
  std::map<std::string, std::string> headers;  // string-valued ones
  std::string body;
};

// Every event the service publishes from now on, taken from a queue bound to
// the events exchange with "#" (exclusive: it goes with the connection).
class event_tap {
 public:
  event_tap() {
    std::string error;
    conn_ = checkout::messaging::amqp_connection::open(test_services::amqp_url(),
                                                       "checkout e2e contract events", &error);
    if (!conn_ || !conn_->open_channel(1, &error)) throw std::runtime_error(error);
    auto queue = "contract.events." + checkout::random_hex(6);
    amqp_queue_declare(conn_->state(), 1, as_bytes(queue), /*passive=*/0, /*durable=*/0,
                       /*exclusive=*/1, /*auto_delete=*/1, amqp_empty_table);
    ok("queue.declare");
    amqp_queue_bind(conn_->state(), 1, as_bytes(queue),
                    amqp_cstring_bytes(checkout::messaging::events_exchange),
                    amqp_cstring_bytes("#"), amqp_empty_table);
    ok("queue.bind");
    amqp_basic_consume(conn_->state(), 1, as_bytes(queue), amqp_empty_bytes, 0, /*no_ack=*/1, 0,
                       amqp_empty_table);
    ok("basic.consume");
  }

  // The first event of `type` about `order_token`, waiting up to `limit`.
  std::optional<event_message> wait_for(const std::string& type, const std::string& order_token,
                                        std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      for (auto& m : seen_)
        if (m.routing_key == type && about(m, order_token)) return m;
      auto left = until - std::chrono::steady_clock::now();
      if (left <= 0s) return std::nullopt;
      receive(std::chrono::duration_cast<std::chrono::milliseconds>(left));
    }
  }

  // How many events of `type` about `order_token` arrived so far.
  int count(const std::string& type, const std::string& order_token) const {
    int n = 0;
    for (auto& m : seen_)
      if (m.routing_key == type && about(m, order_token)) ++n;
    return n;
  }

 private:
  static bool about(const event_message& m, const std::string& order_token) {
    rapidjson::Document d;
    d.Parse(m.body.c_str(), m.body.size());
    return d.IsObject() && e2e::str(d, "order_token") == order_token;
  }

  // Takes one delivery (or none within `limit`) into seen_.
  void receive(std::chrono::milliseconds limit) {
    amqp_maybe_release_buffers(conn_->state());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(limit).count();
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    amqp_envelope_t env;
    auto reply = amqp_consume_message(conn_->state(), &env, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT)
      return;
    if (reply.reply_type != AMQP_RESPONSE_NORMAL)
      throw std::runtime_error("consume: " + checkout::messaging::describe_reply(reply));
    using checkout::messaging::to_string;
    event_message m;
    m.exchange = to_string(env.exchange);
    m.routing_key = to_string(env.routing_key);
    const auto& p = env.message.properties;
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.message_id = to_string(p.message_id);
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) m.content_type = to_string(p.content_type);
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) m.delivery_mode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG)
      for (int i = 0; i < p.headers.num_entries; ++i)
        if (auto s = checkout::messaging::as_string(p.headers.entries[i].value))
          m.headers[to_string(p.headers.entries[i].key)] = *s;
    m.body = to_string(env.message.body);
    amqp_destroy_envelope(&env);
    seen_.push_back(std::move(m));
  }

  void ok(const char* what) {
    std::string error;
    if (!conn_->check_last(1, what, &error)) throw std::runtime_error(error);
  }

  std::unique_ptr<checkout::messaging::amqp_connection> conn_;
  std::vector<event_message> seen_;
};

// What every event must carry (§9, §1), whoever caused it. `correlation_id`
// is the one it must carry, or "" when any well-formed one will do. Answers
// the parsed body for the event's own checks.
rapidjson::Document expect_event(const event_message& m, const std::string& type,
                                 const std::string& order_token, const std::string& user_id,
                                 const std::string& correlation_id) {
  EXPECT_EQ(m.exchange, "checkout.events");
  EXPECT_EQ(m.routing_key, type);
  EXPECT_EQ(m.delivery_mode, AMQP_DELIVERY_PERSISTENT) << type << " is not persistent";
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.headers.count("event_type") ? m.headers.at("event_type") : "<none>", type);
  auto cid = m.headers.count("correlation_id") ? m.headers.at("correlation_id") : "";
  static const std::regex well_formed("[A-Za-z0-9._-]{1,128}");
  EXPECT_TRUE(std::regex_match(cid, well_formed))
      << type << " has correlation_id header \"" << cid << "\"";
  if (!correlation_id.empty()) {
    EXPECT_EQ(cid, correlation_id) << type;
  }

  rapidjson::Document d;
  d.Parse(m.body.c_str(), m.body.size());
  EXPECT_TRUE(d.IsObject()) << m.body;
  if (!d.IsObject()) return d;
  EXPECT_TRUE(json_expect::at(d, "event_id", m.message_id)) << "message_id " << m.message_id;
  EXPECT_FALSE(m.message_id.empty());
  EXPECT_TRUE(json_expect::at(d, "type", type));
  EXPECT_TRUE(json_expect::at(d, "order_token", order_token));
  EXPECT_TRUE(json_expect::at(d, "user_id", user_id));
  EXPECT_TRUE(json_expect::is(d, "data", json_expect::kind::object));
  static const std::regex rfc3339_utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  auto at = json_expect::string_at(d, "occurred_at");
  EXPECT_TRUE(std::regex_match(at, rfc3339_utc)) << "occurred_at " << at;
  // The body repeats the header; the two never disagree.
  if (d.HasMember("correlation_id")) {
    EXPECT_TRUE(json_expect::at(d, "correlation_id", cid));
  }
  return d;
}

struct placed_order {
  std::string token, gateway_order_id, internship;
  long long total = 0;
};

placed_order place(e2e::shop& shop, const std::string& user, const std::string& correlation_id) {
  placed_order o;
  o.internship = shop.internship(35000);
  auto r = call(shop.port, "POST", "/api/v1/orders",
                R"({"cart_token":")" + shop.cart(user, o.internship) + R"("})",
                {{"Authorization", shop.bearer(user)},
                 {"Idempotency-Key", e2e::unique("key")},
                 {"X-Correlation-ID", correlation_id}});
  EXPECT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  o.token = json_expect::string_at(d, "data.order.order_token");
  o.gateway_order_id = json_expect::string_at(d, "data.order.payment.gateway_order_id");
  o.total = json_expect::int_at(d, "data.order.total");
  return o;
}

e2e::reply gateway_event(e2e::shop& shop, const std::string& event, const placed_order& o,
                         const std::string& correlation_id) {
  return e2e::razorpay_post(shop.port,
                            e2e::razorpay_payment_body(event, o.gateway_order_id, o.total), {}, {},
                            {{"X-Correlation-ID", correlation_id}});
}

// An order.* event (§9): the envelope, and the order's summary in `data` with
// the status the event names.
rapidjson::Document expect_order_event(const event_message& m, const std::string& type,
                                       const placed_order& o, const std::string& user_id,
                                       const std::string& correlation_id) {
  auto e = expect_event(m, type, o.token, user_id, correlation_id);
  EXPECT_TRUE(json_expect::at(e, "data.status", type.substr(type.find('.') + 1))) << type;
  EXPECT_TRUE(json_expect::at(e, "data.total", static_cast<std::int64_t>(o.total))) << type;
  EXPECT_TRUE(json_expect::at(e, "data.currency", "INR")) << type;
  return e;
}

class contract_events : public e2e::shared_server<contract_events> {
 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("events-buyer");
};

TEST_F(contract_events, a_paid_order_publishes_order_completed_and_a_notification) {
  event_tap tap;
  auto o = place(shop, user, e2e::unique("place"));
  auto paid_by = e2e::unique("capture");
  auto r = gateway_event(shop, "payment.captured", o, paid_by);
  ASSERT_EQ(r.status, 200) << r.body;

  // The capture's correlation id runs through order.paid and the enrollment
  // step into what it publishes.
  auto completed = tap.wait_for("order.completed", o.token, 10s);
  ASSERT_TRUE(completed) << "no order.completed";
  auto c = expect_order_event(*completed, "order.completed", o, user, paid_by);
  EXPECT_TRUE(json_expect::has_size(c, "data.items", 1));
  EXPECT_TRUE(json_expect::at(c, "data.items[0].internship_id", o.internship));

  auto note = tap.wait_for("notification.requested", o.token, 10s);
  ASSERT_TRUE(note) << "no notification.requested";
  auto n = expect_event(*note, "notification.requested", o.token, user, paid_by);
  auto order = shop.order(user, o.token).json();
  EXPECT_TRUE(json_expect::has_size(order, "data.order.enrollment_ids", 1));
  EXPECT_TRUE(json_expect::at(n, "data.enrollment_id",
                              json_expect::string_at(order, "data.order.enrollment_ids[0]")));
  EXPECT_TRUE(json_expect::at(n, "data.internship_id", o.internship));
  EXPECT_TRUE(json_expect::at(n, "data.seats", 1));
  EXPECT_NE(completed->message_id, note->message_id);

  // The gateway retries the capture: nothing is published twice. The marker
  // is a later order's event: by the time it is here, a duplicate would be.
  ASSERT_EQ(gateway_event(shop, "payment.captured", o, paid_by).status, 200);
  auto marker = place(shop, user, e2e::unique("marker"));
  ASSERT_EQ(gateway_event(shop, "payment.failed", marker, e2e::unique("marker")).status, 200);
  ASSERT_TRUE(tap.wait_for("order.failed", marker.token, 10s)) << "no marker event";
  EXPECT_EQ(tap.count("order.completed", o.token), 1);
  EXPECT_EQ(tap.count("notification.requested", o.token), 1);
}

TEST_F(contract_events, a_failed_payment_publishes_order_failed) {
  event_tap tap;
  auto o = place(shop, user, e2e::unique("place"));
  auto failed_by = e2e::unique("failure");
  auto r = gateway_event(shop, "payment.failed", o, failed_by);
  ASSERT_EQ(r.status, 200) << r.body;
  auto failed = tap.wait_for("order.failed", o.token, 10s);
  ASSERT_TRUE(failed) << "no order.failed";
  expect_order_event(*failed, "order.failed", o, user, failed_by);
}

// A payment window of one second, so orders expire within the test.
class contract_events_expiry : public e2e::shared_server<contract_events_expiry> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"ORDER_PAYMENT_TIMEOUT", "1s"}, {"ORDER_EXPIRY_SCAN_INTERVAL", "500ms"}};
  }
};

TEST_F(contract_events_expiry, an_unpaid_order_publishes_order_expired_with_a_correlation_id) {
  e2e::shop shop{srv->port()};
  auto user = e2e::unique("events-slow");
  event_tap tap;
  auto placed_by = e2e::unique("place");
  auto o = place(shop, user, placed_by);
  auto expired = tap.wait_for("order.expired", o.token, 15s);
  ASSERT_TRUE(expired) << "no order.expired";
  // No request caused it: any well-formed correlation id, never an empty one.
  expect_order_event(*expired, "order.expired", o, user, "");
  EXPECT_EQ(shop.status_of(user, o.token), "expired");
}

}  // namespace
