// The audit of admin actions through the real binary (CONTRACT §13): every
// catalog and coupon change, refund and DLQ replay an admin makes is listed by
// GET /api/v1/admin/audit with the admin's sub, the action, its target and the
// request's correlation id, newest first, a page at a time; refused requests
// leave no entry. The suite's tests share one server and one database, so
// each test acts as an admin of its own and looks for that admin's entries,
// newer than the newest entry before it began, while walking the pages.
#include <amqp.h>
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/confirm_publisher.hpp"
#include "messaging/topology.hpp"
#include "support/json_expect.hpp"
#include "support/test_services.hpp"

namespace {

using e2e::call;
using json_expect::error_envelope;
using json_expect::int_at;
using json_expect::kind;
using json_expect::string_at;
using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;

struct audit_entry {
  long long id = 0;
  std::string at, admin, action, target, correlation_id, detail;
};

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

class OwaspAudit : public e2e::shared_server<OwaspAudit> {
 protected:
  // The newest entry before the test acted: walks stop there.
  void SetUp() override {
    auto r = audit_page("?limit=1", as_admin());
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    ASSERT_TRUE(json_expect::is(d, "data.entries", kind::array));
    if (d["data"]["entries"].Size() > 0) watermark = int_at(d, "data.entries[0].id");
  }

  void TearDown() override {
    // A replayed message comes back rejected (its order does not exist): take
    // it out again, so the suite's DLQ holds nothing of an earlier test.
    for (const auto& id : dead_letters) {
      bool gone = e2e::eventually([&] { return remove_from_dlq(id) > 0; }, 20s);
      if (!gone) ADD_FAILURE() << "dead letter " << id << " did not come back to be removed";
    }
  }

  headers as_admin(const std::string& correlation_id = {}) const {
    headers h{{"Authorization", "Bearer " + admin_token}};
    if (!correlation_id.empty()) h.push_back({"X-Correlation-ID", correlation_id});
    return h;
  }

  e2e::reply audit_page(const std::string& query, const headers& h) {
    return call(srv->port(), "GET", "/api/v1/admin/audit" + query, {}, h);
  }

  // Walks the audit from the newest entry, `limit` per page, down to the
  // entries written before the test (or until `want` entries of this test's
  // admin are found), checking on the way that ids only go down, so that no
  // entry repeats across pages.
  std::vector<audit_entry> mine(std::size_t want, int limit = 100) {
    std::vector<audit_entry> out;
    std::string cursor;
    long long last_id = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      std::string query = "?limit=" + std::to_string(limit);
      if (!cursor.empty()) query += "&cursor=" + cursor;
      auto r = audit_page(query, as_admin());
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto d = r.json();
      EXPECT_TRUE(json_expect::is(d, "data.entries", kind::array)) << r.body;
      EXPECT_TRUE(json_expect::has(d, "data.next_cursor")) << r.body;
      if (!json_expect::is(d, "data.entries", kind::array)) break;
      auto& entries = d["data"]["entries"];
      EXPECT_LE(entries.Size(), static_cast<unsigned>(limit));
      for (auto& e : entries.GetArray()) {
        EXPECT_TRUE(json_expect::is(e, "detail", kind::object)) << to_json(e);
        audit_entry a{int_at(e, "id"),        string_at(e, "at"),
                      string_at(e, "admin"),  string_at(e, "action"),
                      string_at(e, "target"), string_at(e, "correlation_id"),
                      to_json(e["detail"])};
        if (last_id != 0) {
          EXPECT_LT(a.id, last_id) << "entries must come newest first";
        }
        last_id = a.id;
        if (a.id <= watermark) return out;
        if (a.admin == admin_sub) out.push_back(a);
      }
      if (out.size() >= want) break;
      if (!json_expect::is(d, "data.next_cursor", kind::string)) break;
      cursor = string_at(d, "data.next_cursor");
    }
    return out;
  }

  // An internship made under `correlation_id` (the shop's helper sends none).
  std::string internship(const std::string& correlation_id) {
    auto id = e2e::unique("audit-intern");
    auto r = call(srv->port(), "POST", "/api/v1/admin/internships",
                  R"({"id":")" + id +
                      R"(","title":"Audit","category":"data","price":20000,"currency":"INR",)"
                      R"("seats":5})",
                  as_admin(correlation_id));
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  // A fresh coupon code, upper case as the service stores codes.
  std::string code() {
    auto c = e2e::unique("AUDIT");
    for (auto& ch : c)
      ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return c;
  }

  // A paid order of a user of this test, for a refund.
  std::string paid_order(const std::string& internship_id) {
    auto user = e2e::unique("audit-buyer");
    auto r = shop.place(user, shop.cart(user, internship_id), e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    auto token = string_at(d, "data.order.order_token");
    auto paid =
        shop.razorpay_event("payment.captured", string_at(d, "data.order.payment.gateway_order_id"),
                            int_at(d, "data.order.total"));
    EXPECT_EQ(paid.status, 200) << paid.body;
    EXPECT_TRUE(e2e::eventually(
        [&] {
          auto s = shop.status_of(user, token);
          return s == "paid" || s == "completed";
        },
        5s));
    return token;
  }

  static std::unique_ptr<checkout::messaging::amqp_connection> connect() {
    std::string error;
    auto conn = checkout::messaging::amqp_connection::open(test_services::amqp_url(),
                                                           "checkout e2e audit", &error);
    if (!conn || !conn->open_channel(1, &error)) throw std::runtime_error(error);
    return conn;
  }

  // An order.paid event for an order that does not exist, straight into the
  // dead-letter exchange, as if it had died in checkout.enrollment.
  void put_in_dlq(const std::string& message_id) {
    auto conn = connect();
    checkout::messaging::confirm_publisher publisher(*conn, 2);
    std::string error;
    if (!publisher.open(&error)) throw std::runtime_error(error);
    auto body = R"({"event_id":")" + message_id + R"(","type":"order.paid","order_token":")" +
                checkout::new_uuid() + R"(","user_id":"audit-e2e","data":{}})";
    auto ok = publisher.publish(checkout::messaging::dead_letter_exchange,
                                {{"order.paid", message_id, body, {{"event_type", "order.paid"}}}},
                                5s, nullptr, &error);
    if (ok.empty() || !ok[0]) throw std::runtime_error("publish not confirmed: " + error);
    dead_letters.insert(message_id);
  }

  // Takes every copy of `message_id` out of the DLQ; the others keep their places.
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

  std::string admin_sub = e2e::unique("audit-admin");
  std::string admin_token = e2e::token_for(admin_sub, true);
  e2e::shop shop{srv->port(), admin_token};
  std::set<std::string> dead_letters;
  long long watermark = 0;
};

TEST_F(OwaspAudit, every_admin_action_is_listed_newest_first_with_who_what_and_target) {
  auto corr = e2e::unique("corr");
  auto id = internship(corr + "-1");
  auto patched = call(srv->port(), "PATCH", "/api/v1/admin/internships/" + id,
                      R"({"price":25000,"seats":null})", as_admin(corr + "-2"));
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto c = code();
  // Sent in lower case: the code is recorded as stored, upper case.
  std::string lower = c;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto created =
      call(srv->port(), "POST", "/api/v1/admin/coupons",
           R"({"code":")" + lower + R"(","type":"percentage","value":10})", as_admin(corr + "-3"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto changed = call(srv->port(), "PATCH", "/api/v1/admin/coupons/" + lower, R"({"active":false})",
                      as_admin(corr + "-4"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto order = paid_order(id);
  auto refund = call(srv->port(), "POST", "/api/v1/admin/orders/" + order + "/refund",
                     R"({"reason":"customer asked"})", as_admin(corr + "-5"));
  ASSERT_EQ(refund.status, 200) << refund.body;
  auto message = e2e::unique("audit-dlq");
  put_in_dlq(message);
  auto replay = call(srv->port(), "POST", "/api/v1/admin/dlq/replay",
                     R"({"message_id":")" + message + R"("})", as_admin(corr + "-6"));
  ASSERT_EQ(replay.status, 200) << replay.body;

  auto entries = mine(6);
  ASSERT_EQ(entries.size(), 6u);
  struct expected {
    std::string action, target, corr, detail_part;
  };
  std::vector<expected> want = {
      {"dlq.replay", message, corr + "-6", R"("message_ids":[")" + message + R"("])"},
      {"order.refund", order, corr + "-5", R"("reason":"customer asked")"},
      {"coupon.update", c, corr + "-4", R"({"active":false})"},
      {"coupon.create", c, corr + "-3", R"("type":"percentage")"},
      {"internship.update", id, corr + "-2", R"("seats":null)"},
      {"internship.create", id, corr + "-1", R"("price":20000)"},
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].action);
    EXPECT_EQ(entries[i].action, want[i].action);
    EXPECT_EQ(entries[i].target, want[i].target);
    EXPECT_EQ(entries[i].admin, admin_sub);
    EXPECT_EQ(entries[i].correlation_id, want[i].corr);
    EXPECT_NE(entries[i].detail.find(want[i].detail_part), std::string::npos) << entries[i].detail;
    EXPECT_EQ(entries[i].at.size(), 24u) << entries[i].at;  // 2026-11-22T10:00:00.000Z
    EXPECT_EQ(entries[i].at.back(), 'Z');
  }
  // The entry's time is the change's: the refund's is not before the order's creation.
  EXPECT_GE(entries[1].at, entries[5].at);
}

TEST_F(OwaspAudit, refused_and_idempotent_requests_leave_no_entry) {
  auto id = internship("");  // the one entry this test expects
  auto refused = [](const e2e::reply& r, int status, int code) {
    return error_envelope(r.status, r.body, status, code);
  };
  // 422: a coupon that cannot exist.
  EXPECT_TRUE(
      refused(call(srv->port(), "POST", "/api/v1/admin/coupons",
                   R"({"code":")" + code() + R"(","type":"percentage","value":500})", as_admin()),
              422, 1000));
  // 409: a taken id; 404: an unknown internship; 422: an unknown coupon.
  EXPECT_TRUE(
      refused(call(srv->port(), "POST", "/api/v1/admin/internships",
                   R"({"id":")" + id +
                       R"(","title":"x","category":"data","price":1,"currency":"INR","seats":1})",
                   as_admin()),
              409, 1105));
  EXPECT_TRUE(refused(call(srv->port(), "PATCH", "/api/v1/admin/internships/" + e2e::unique("none"),
                           R"({"price":1})", as_admin()),
                      404, 1104));
  EXPECT_TRUE(refused(call(srv->port(), "PATCH", "/api/v1/admin/coupons/" + code(),
                           R"({"active":false})", as_admin()),
                      422, 1000));
  // 409: an unpaid order cannot be refunded.
  auto user = e2e::unique("audit-unpaid");
  auto placed = shop.place(user, shop.cart(user, id), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto unpaid = string_at(placed.json(), "data.order.order_token");
  EXPECT_TRUE(refused(
      call(srv->port(), "POST", "/api/v1/admin/orders/" + unpaid + "/refund", "{}", as_admin()),
      409, 5005));
  // 404: no such dead letter.
  EXPECT_TRUE(
      refused(call(srv->port(), "POST", "/api/v1/admin/dlq/replay",
                   R"({"message_id":")" + e2e::unique("audit-missing") + R"("})", as_admin()),
              404, 9404));

  auto entries = mine(2);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "internship.create");

  // A refund that took effect is recorded once, however often it is repeated.
  auto order = paid_order(id);
  auto path = "/api/v1/admin/orders/" + order + "/refund";
  ASSERT_EQ(call(srv->port(), "POST", path, "{}", as_admin()).status, 200);
  ASSERT_EQ(call(srv->port(), "POST", path, "{}", as_admin()).status, 200);
  entries = mine(3);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "order.refund");
  EXPECT_EQ(entries[0].target, order);
}

TEST_F(OwaspAudit, pages_follow_the_cursor_without_gaps_or_repeats) {
  // 21 entries of this admin: more than the default page of 20, so that page
  // must be full and followed by a cursor whatever the other tests wrote.
  std::vector<std::string> ids;
  for (int i = 0; i < 21; ++i) ids.push_back(internship(""));
  // Two per page: this admin's 21 entries span eleven pages.
  auto entries = mine(21, 2);
  ASSERT_EQ(entries.size(), 21u);
  for (int i = 0; i < 21; ++i) EXPECT_EQ(entries[i].target, ids[20 - i]) << i;

  auto first = audit_page("?limit=2", as_admin());
  ASSERT_EQ(first.status, 200) << first.body;
  auto d = first.json();
  EXPECT_TRUE(json_expect::has_size(d, "data.entries", 2));
  EXPECT_TRUE(json_expect::at(d, "data.entries[0].target", ids[20]));
  EXPECT_TRUE(json_expect::is(d, "data.next_cursor", kind::string));
  // The default page is 20 entries, and another page follows it.
  auto plain = audit_page("", as_admin());
  ASSERT_EQ(plain.status, 200) << plain.body;
  auto pd = plain.json();
  EXPECT_TRUE(json_expect::has_size(pd, "data.entries", 20));
  EXPECT_TRUE(json_expect::is(pd, "data.next_cursor", kind::string));
}

TEST_F(OwaspAudit, only_admins_read_the_audit) {
  auto none = audit_page("", {});
  EXPECT_TRUE(error_envelope(none.status, none.body, 401, 1401));
  auto garbage = audit_page("", {{"Authorization", "Bearer not-a-token"}});
  EXPECT_TRUE(error_envelope(garbage.status, garbage.body, 401, 1401));
  auto user = audit_page("", {{"Authorization", shop.bearer(e2e::unique("audit-user"))}});
  EXPECT_TRUE(error_envelope(user.status, user.body, 403, 1403));
  // Authentication comes before the parameters.
  auto bad = audit_page("?limit=0", {{"Authorization", shop.bearer("audit-user")}});
  EXPECT_TRUE(error_envelope(bad.status, bad.body, 403, 1403));
}

TEST_F(OwaspAudit, bad_parameters_are_refused_all_at_once) {
  for (const char* limit : {"0", "101", "abc", "-1", "1.5", "1000"}) {
    auto r = audit_page(std::string("?limit=") + limit, as_admin());
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << limit;
  }
  // Not a cursor of this listing: garbage, a catalog cursor ("v1:42"), id 0.
  for (const char* cursor : {"nonsense", "djE6NDI", "djE6YXVkaXQ6MA"}) {
    auto r = audit_page(std::string("?cursor=") + cursor, as_admin());
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << cursor;
  }
  auto both = audit_page("?limit=0&cursor=nonsense", as_admin());
  EXPECT_TRUE(error_envelope(both.status, both.body, 422, 1000));
  EXPECT_TRUE(json_expect::has_size(both.json(), "error.validation_messages", 2));
}

}  // namespace
