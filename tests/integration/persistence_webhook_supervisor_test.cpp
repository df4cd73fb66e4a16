// The webhook supervisor (issue 5): a dead intake or inbox worker is started
// again, and what the dead one left unapplied in the inbox is applied anew.
// The order side is a stand-in that counts what reaches it (and, like an
// order that keeps failing, never marks the event applied).
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/webhook/webhook_supervisor.hpp"
#include "config/settings.hpp"
#include "persistence/db_pool.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using namespace std::chrono_literals;
using persistence_test::eventually;
using persistence_test::scratch_schema;

struct seen_events {
  std::mutex mu;
  std::vector<std::string> event_ids;
  std::size_t count(const std::string& id) {
    std::lock_guard<std::mutex> g(mu);
    return static_cast<std::size_t>(std::count(event_ids.begin(), event_ids.end(), id));
  }
};

caf::behavior counting_orders(caf::event_based_actor* self, seen_events* seen) {
  return {
      [=](std::string&, payment_atom, const payment_event& ev) -> caf::result<webhook_outcome> {
        std::lock_guard<std::mutex> g(seen->mu);
        seen->event_ids.push_back(ev.event_id);
        return make_error(errc::unavailable, "order busy");
      },
  };
}

class webhook_supervisor_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = persistence::migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    auto cfg = std::make_shared<config::settings>();
    cfg->inbox_retry_interval = std::chrono::hours(1);  // only start-ups and restarts scan
    cfg->webhook_apply_wait = 100ms;
    ctx.cfg = cfg;
    ctx.db_timeout = 5s;
    ctx.db = persistence::spawn_db_pool(sys, schema.url(), 1);
    // Only the payment events of the inbox reach the stand-in, so it can
    // stand for the whole order directory.
    ctx.orders = caf::actor_cast<order_directory_actor>(sys.spawn(counting_orders, &seen));
    pqxx::connection c(schema.url());
    pqxx::work w(c);
    // Stored a minute ago by an intake that never applied it.
    w.exec0(
        "INSERT INTO webhook_events (gateway, event_id, event_type, order_token, result, kind, "
        "gateway_order_id, amount, currency, received_at) VALUES ('razorpay', 'evt_left', "
        "'payment.captured', gen_random_uuid(), 'pending', 'captured', 'order_left', 100, "
        "'INR', now() - interval '1 minute')");
    w.commit();
  }
  void TearDown() override {
    auto orders = caf::actor_cast<caf::actor>(ctx.orders);
    for (auto& a : {supervisor, orders, ctx.db}) self->send_exit(a, caf::exit_reason::kill);
  }

  webhook_children children() {
    webhook_children out;
    self->request(supervisor, 5s, get_atom::value)
        .receive([&](webhook_children& c) { out = c; },
                 [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
    return out;
  }

  scratch_schema schema;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  caf::scoped_actor self{sys};
  actor_context ctx;
  seen_events seen;
  caf::actor supervisor;
};

TEST_F(webhook_supervisor_test, a_dead_child_is_restarted_and_the_inbox_is_applied_again) {
  supervisor = spawn_webhook_supervisor(sys, ctx);
  // The worker's scan at start hands the unapplied event to its order.
  ASSERT_TRUE(eventually([&] { return seen.count("evt_left") == 1; }, 5s));
  auto before = children();
  ASSERT_TRUE(before.intake);
  ASSERT_EQ(before.restarts, 0);

  self->send_exit(before.intake, caf::exit_reason::kill);
  ASSERT_TRUE(eventually([&] { return children().restarts == 1; }, 5s));
  auto after = children();
  EXPECT_NE(after.intake, before.intake);
  EXPECT_EQ(after.inbox, before.inbox);
  // The restart made the worker look at the inbox again.
  EXPECT_TRUE(eventually([&] { return seen.count("evt_left") == 2; }, 5s));

  // The new intake answers: a delivery with a bad signature is refused.
  webhook_delivery d;
  d.gateway = "razorpay";
  d.raw_body = R"({"event":"payment.captured"})";
  d.signature = "00";
  bool refused = false;
  self->request(supervisor, 5s, webhook_atom::value, d)
      .receive([&](webhook_outcome& o) { ADD_FAILURE() << "answered " << o.result; },
               [&](caf::error& err) { refused = is_errc(err, errc::bad_signature); });
  EXPECT_TRUE(refused);

  // A dead worker comes back too, and scans at its start.
  self->send_exit(after.inbox, caf::exit_reason::kill);
  ASSERT_TRUE(eventually([&] { return children().restarts == 2; }, 5s));
  EXPECT_NE(children().inbox, after.inbox);
  EXPECT_TRUE(eventually([&] { return seen.count("evt_left") == 3; }, 5s));
  // Each failed try is recorded on the row for operators; it stays unapplied.
  pqxx::connection c(schema.url());
  auto row = [&] {
    pqxx::read_transaction t(c);
    return t.exec1("SELECT attempts, last_error, applied_at IS NULL FROM webhook_events");
  };
  EXPECT_TRUE(eventually([&] { return row()[0].as<int>() == 3; }, 5s));
  EXPECT_NE(row()[1].as<std::string>().find("order busy"), std::string::npos);
  EXPECT_TRUE(row()[2].as<bool>());
}

}  // namespace
