// order_store against the real PostgreSQL, in a freshly migrated schema: the
// one-statement load and the version-guarded transition every step relies on.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <string>

#include "actors/common/ids.hpp"
#include "actors/coupon/coupon_store.hpp"
#include "actors/order/order_holds.hpp"
#include "actors/order/order_steps.hpp"
#include "actors/order/order_store.hpp"
#include "actors/webhook/inbox_store.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using persistence_test::scratch_schema;

// Every field a load fills, compared.
void expect_same_order(const order_record& got, const order_record& stored) {
  EXPECT_EQ(got.token, stored.token);
  EXPECT_EQ(got.user_id, stored.user_id);
  EXPECT_EQ(got.cart_token, stored.cart_token);
  EXPECT_EQ(got.idempotency_key, stored.idempotency_key);
  EXPECT_EQ(got.status, stored.status);
  EXPECT_EQ(got.currency, stored.currency);
  EXPECT_EQ(got.subtotal, stored.subtotal);
  EXPECT_EQ(got.discount_amount, stored.discount_amount);
  EXPECT_EQ(got.tax_amount, stored.tax_amount);
  EXPECT_EQ(got.total, stored.total);
  EXPECT_EQ(got.pricing_json, stored.pricing_json);
  ASSERT_EQ(got.lines.size(), stored.lines.size());
  for (size_t i = 0; i < got.lines.size(); ++i) {
    auto &a = got.lines[i], &b = stored.lines[i];
    EXPECT_EQ(a.line_no, b.line_no);
    EXPECT_EQ(a.internship_id, b.internship_id);
    EXPECT_EQ(a.plan_period.has_value(), b.plan_period.has_value());
    EXPECT_EQ(a.quantity, b.quantity);
    EXPECT_EQ(a.total, b.total);
  }
  ASSERT_EQ(got.payment.has_value(), stored.payment.has_value());
  if (got.payment) {
    auto &a = *got.payment, &b = *stored.payment;
    EXPECT_EQ(a.payment_token, b.payment_token);
    EXPECT_EQ(a.attempt_no, b.attempt_no);
    EXPECT_EQ(a.gateway, b.gateway);
    EXPECT_EQ(a.gateway_order_id, b.gateway_order_id);
    EXPECT_EQ(a.gateway_payment_id, b.gateway_payment_id);
    EXPECT_EQ(a.checkout_url, b.checkout_url);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.amount, b.amount);
    EXPECT_EQ(a.currency, b.currency);
    EXPECT_EQ(a.expires_at, b.expires_at);
    EXPECT_EQ(a.refund_id, b.refund_id);
    EXPECT_EQ(a.created_at, b.created_at);
  }
  ASSERT_EQ(got.history.size(), stored.history.size());
  for (size_t i = 0; i < got.history.size(); ++i) {
    EXPECT_EQ(got.history[i].status, stored.history[i].status) << i;
    EXPECT_EQ(got.history[i].at, stored.history[i].at) << i;
    EXPECT_EQ(got.history[i].reason, stored.history[i].reason) << i;
  }
  EXPECT_EQ(got.enrollment_ids, stored.enrollment_ids);
  EXPECT_EQ(got.success_url, stored.success_url);
  EXPECT_EQ(got.cancel_url, stored.cancel_url);
  EXPECT_EQ(got.holds, stored.holds);
  EXPECT_EQ(got.version, stored.version);
  EXPECT_EQ(got.created_at, stored.created_at);
  EXPECT_EQ(got.expires_at, stored.expires_at);
}

std::optional<order_record> order_of(const caf::message& m) {
  if (!m.match_elements<order_steps::order_update>()) {
    ADD_FAILURE() << "not an order_update: " << to_string(m);
    return std::nullopt;
  }
  return m.get_as<order_steps::order_update>(0).order;
}

class order_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = persistence::migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    conn = std::make_unique<pqxx::connection>(schema.url());
    pqxx::work w(*conn);
    w.exec0(
        "INSERT INTO internships (id, title, category, price, currency) VALUES "
        "('i-a', 'A', 'x', 10000, 'INR'), ('i-b', 'B', 'x', 5000, 'INR')");
    w.exec0(
        "INSERT INTO carts (token, status, currency, state, expires_at) VALUES "
        "('" +
        cart + "', 'converted', 'INR', '{}', now())");
    w.commit();
  }

  // An order of two lines (the second on a plan) as the placement writes it.
  order_record placed() {
    order_record o;
    o.token = new_uuid();
    o.user_id = "u1";
    o.cart_token = cart;
    o.idempotency_key = new_uuid();
    o.currency = "INR";
    o.subtotal = 15000;
    o.tax_amount = 2700;
    o.total = 17700;
    o.pricing_json = R"({"total":17700})";
    o.expires_at = now_micros() + 900'000'000;
    o.success_url = "https://shop.example/ok";
    o.lines.push_back({1, "i-a", std::nullopt, 1, 10000, 10000, 0, 1800, 11800});
    o.lines.push_back({2, "i-b", period{3, "month"}, 2, 2500, 2500, 0, 900, 5900});
    pqxx::work w(*conn);
    order_store::insert_order(w, o);
    w.commit();
    return o;
  }

  order_record load(const std::string& token) {
    pqxx::read_transaction r(*conn);
    auto o = order_store::load(r, token);
    EXPECT_TRUE(o.has_value()) << token;
    return o.value_or(order_record{});
  }

  // A first payment attempt for `o` at `gateway`, not yet written.
  static payment_info attempt_of(const order_record& o, const std::string& gateway) {
    payment_info p;
    p.payment_token = new_uuid();
    p.gateway = gateway;
    p.amount = o.total;
    p.currency = o.currency;
    p.expires_at = o.expires_at;
    p.created_at = now_micros();
    return p;
  }

  std::string cart = new_uuid();
  scratch_schema schema;
  std::unique_ptr<pqxx::connection> conn;
};

TEST_F(order_store_test, load_reads_back_the_order_its_lines_history_attempt_and_enrollments) {
  auto o = placed();
  {
    pqxx::work w(*conn);
    auto p = attempt_of(o, "sandbox");
    order_store::insert_attempt(w, o.token, p);
    p.payment_token = new_uuid();
    p.attempt_no = 2;
    order_store::insert_attempt(w, o.token, p);
    order_store::set_session(w, p.payment_token, "gw-order-2", "https://pay.example/2");
    w.commit();
  }
  auto got = load(o.token);
  EXPECT_EQ(got.user_id, "u1");
  EXPECT_EQ(got.cart_token, cart);
  EXPECT_EQ(got.status, order_status::awaiting_payment);
  EXPECT_EQ(got.total, 17700);
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.success_url, "https://shop.example/ok");
  EXPECT_EQ(got.cancel_url, "");
  ASSERT_EQ(got.lines.size(), 2u);
  EXPECT_EQ(got.lines[0].internship_id, "i-a");
  EXPECT_FALSE(got.lines[0].plan_period.has_value());
  EXPECT_EQ(got.lines[1].line_no, 2);
  EXPECT_EQ(got.lines[1].quantity, 2);
  EXPECT_EQ(got.lines[1].total, 5900);
  ASSERT_TRUE(got.lines[1].plan_period.has_value());
  EXPECT_EQ(got.lines[1].plan_period->value, 3);
  EXPECT_EQ(got.lines[1].plan_period->unit, "month");
  ASSERT_EQ(got.history.size(), 1u);
  EXPECT_EQ(got.history[0].status, "awaiting_payment");
  EXPECT_EQ(got.history[0].reason, "order placed");
  // The latest attempt, with what its session stored.
  ASSERT_TRUE(got.payment.has_value());
  EXPECT_EQ(got.payment->attempt_no, 2);
  EXPECT_EQ(got.payment->gateway_order_id, "gw-order-2");
  EXPECT_EQ(got.payment->checkout_url, "https://pay.example/2");
  EXPECT_TRUE(got.enrollment_ids.empty());

  pqxx::work w(*conn);
  ASSERT_TRUE(order_store::transition(w, got, order_status::paid, "captured"));
  auto moved = order_store::load(w, o.token);
  ASSERT_TRUE(moved);
  auto ids = order_store::enroll(w, *moved, new_uuid());
  w.commit();
  auto done = load(o.token);
  EXPECT_EQ(done.status, order_status::paid);
  EXPECT_EQ(done.version, 2);
  ASSERT_EQ(done.history.size(), 2u);
  EXPECT_EQ(done.history[1].status, "paid");
  EXPECT_EQ(done.history[1].reason, "captured");
  EXPECT_GE(done.history[1].at, done.history[0].at);
  EXPECT_EQ(done.enrollment_ids, ids);
  EXPECT_EQ(done.enrollment_ids.size(), 2u);
}

TEST_F(order_store_test, an_order_without_attempt_or_children_loads_and_a_missing_one_does_not) {
  order_record o = placed();
  auto got = load(o.token);
  EXPECT_FALSE(got.payment.has_value());
  pqxx::read_transaction r(*conn);
  EXPECT_FALSE(order_store::load(r, new_uuid()).has_value());
}

// A step decided on a version another process has since moved past changes
// nothing, not even the history.
TEST_F(order_store_test, a_transition_from_a_stale_version_is_refused_and_leaves_no_history) {
  auto o = placed();
  auto first = load(o.token);
  {
    pqxx::work w(*conn);
    ASSERT_TRUE(order_store::transition(w, first, order_status::failed, "declined"));
    w.commit();
  }
  {
    pqxx::work w(*conn);
    EXPECT_FALSE(order_store::transition(w, first, order_status::paid, "late decision"));
    w.commit();
  }
  auto now = load(o.token);
  EXPECT_EQ(now.status, order_status::failed);
  EXPECT_EQ(now.version, 2);
  ASSERT_EQ(now.history.size(), 2u);
  EXPECT_EQ(now.history[1].reason, "declined");
}

// What a checkout looks up by something other than a primary key (a webhook's
// gateway order or payment id, an order's coupon uses and first-order claim,
// a coupon's use counts) is found through an index, so its cost does not grow
// with the table. With sequential scans priced out, a lookup that has no index
// still scans, and pg_stat_xact_user_tables counts it.
TEST_F(order_store_test, the_lookups_of_a_checkout_use_an_index_not_a_table_scan) {
  auto o = placed();
  coupon c;
  c.code = "INDEXED";
  c.value = 10;
  {
    pqxx::work w(*conn);
    ASSERT_TRUE(coupon_store::insert(w, c));
    ASSERT_FALSE(order_holds::hold_coupon(w, c, o.token, o.user_id));
    ASSERT_TRUE(order_holds::claim_first_order(w, o.user_id, o.token));
    auto p = attempt_of(o, "razorpay");
    order_store::insert_attempt(w, o.token, p);
    order_store::set_session(w, p.payment_token, "order_idx", "https://pay.example/idx");
    order_store::update_payment(w, p.payment_token, "captured", "pay_idx");
    w.commit();
  }
  auto loaded = load(o.token);
  pqxx::work w(*conn);
  w.exec0("SET LOCAL enable_seqscan = off");
  gateway_event by_order;
  by_order.gateway_order_id = "order_idx";
  ASSERT_TRUE(inbox_store::find_order(w, by_order));
  gateway_event by_payment;
  by_payment.payment_id = "pay_idx";
  ASSERT_TRUE(inbox_store::find_order(w, by_payment));
  EXPECT_EQ(order_store::find_by_gateway_order(w, "order_idx"), o.token);
  auto used = coupon_store::usage(w, "INDEXED", o.user_id);
  EXPECT_EQ(used.total, 1);
  EXPECT_EQ(used.by_user, 1);
  order_holds::finalize(w, o.token);
  order_holds::release(w, loaded);
  auto scanned = w.exec(
      "SELECT relname, seq_scan FROM pg_stat_xact_user_tables "
      "WHERE schemaname = current_schema() AND seq_scan > 0 ORDER BY relname");
  std::string tables;
  for (auto r : scanned) tables += r[0].as<std::string>() + " ";
  EXPECT_EQ(tables, "") << "scanned whole: " << tables;
}

// A capture and an enrollment answer the order they stored without loading
// it again: exactly what a load reads back afterwards.
TEST_F(order_store_test, a_capture_and_an_enrollment_return_the_order_as_stored) {
  auto o = placed();
  {
    pqxx::work w(*conn);
    auto p = attempt_of(o, "razorpay");
    order_store::insert_attempt(w, o.token, p);
    order_store::set_session(w, p.payment_token, "order_same", "https://pay.example/same");
    coupon c;
    c.code = "SAME";
    c.value = 10;
    ASSERT_TRUE(coupon_store::insert(w, c));
    ASSERT_FALSE(order_holds::hold_coupon(w, c, o.token, o.user_id));
    w.commit();
  }
  auto current = load(o.token);
  order_steps::event_input in;
  in.event = capture_of(current.total, current.currency);
  in.payment_id = "pay_same";
  in.reason = "payment pay_same captured";
  in.correlation_id = new_uuid();
  auto paid = order_of(order_steps::apply_event(*conn, current, in));
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->status, order_status::paid);
  expect_same_order(*paid, load(o.token));
  {
    // The capture redeemed the coupon use the placement held.
    pqxx::read_transaction r(*conn);
    EXPECT_EQ(r.exec_params1("SELECT status FROM coupon_redemptions WHERE order_token = $1::uuid",
                             o.token)[0]
                  .as<std::string>(),
              "redeemed");
  }

  auto completed = order_of(order_steps::enroll(*conn, *paid, new_uuid()));
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->status, order_status::completed);
  EXPECT_EQ(completed->enrollment_ids.size(), 2u);
  expect_same_order(*completed, load(o.token));

  // The events, written together, in the order the steps made them; each body
  // names its own event id and type.
  pqxx::read_transaction r(*conn);
  std::vector<std::string> types;
  for (auto row : r.exec_params("SELECT event_type, event_id::text, body, correlation_id "
                                "FROM outbox WHERE order_token = $1::uuid ORDER BY id",
                                o.token)) {
    types.push_back(row[0].as<std::string>());
    auto body = row[2].as<std::string>();
    EXPECT_NE(body.find("\"event_id\":\"" + row[1].as<std::string>() + "\""), std::string::npos)
        << body;
    EXPECT_NE(body.find("\"type\":\"" + types.back() + "\""), std::string::npos) << body;
    EXPECT_FALSE(row[3].as<std::string>().empty());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"order.paid", "enrollment.created",
                                             "notification.requested", "enrollment.created",
                                             "notification.requested", "order.completed"}));
}

}  // namespace
