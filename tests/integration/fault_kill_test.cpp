// kill -9 under load: a stream of paid checkouts while checkoutd is killed
// and restarted again and again. Nothing a client finished may be lost, and
// nothing may happen twice in the database.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <random>
#include <thread>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "fault_support.hpp"

using namespace std::chrono_literals;

namespace {

TEST(fault_kill, kill_9_during_a_stream_of_paid_checkouts) {
  constexpr int checkouts = 1000;
  constexpr int kills = 10;
  fault::bus_tap tap;
  e2e::server srv(fault::fast_recovery());

  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 8;
  opts.lines = 2;
  opts.internships = fault::make_internships(srv.port(), 4, 20000);
  opts.user_prefix = "kill9";

  auto seed = std::random_device{}();
  fault::report("seed", std::to_string(seed));
  std::vector<double> downtime;
  auto stream = fault::run_stream(srv.port(), opts, [&](const std::atomic<int>& done) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> jitter(0, 300);
    for (int k = 1; k <= kills; ++k) {
      // Spread over the stream: after every 1/(kills+1) of it, at a random moment.
      fault::reached(done, checkouts * k / (kills + 1));
      // The random moment is part of the fault (where in a request it lands),
      // not a wait for anything.
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
      auto t0 = std::chrono::steady_clock::now();
      srv.kill_hard();
      try {
        srv.start();
      } catch (const std::exception& e) {
        // run_stream stops the stream and rethrows this after the joins.
        throw std::runtime_error("restart after kill " + std::to_string(k) + ": " + e.what());
      }
      downtime.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  });
  ASSERT_EQ(downtime.size(), static_cast<size_t>(kills));

  auto f = fault::audit(stream.checkouts, tap, 90s);
  double worst = *std::max_element(downtime.begin(), downtime.end());
  fault::report("kills", std::to_string(kills));
  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("longest_restart_seconds", std::to_string(worst));
  fault::report("figures", f.line());
  std::string why;
  for (auto& p : f.problems) why += "\n  " + p;
  EXPECT_EQ(f.unfinished, 0) << why;
  EXPECT_EQ(f.lost, 0) << why;
  EXPECT_EQ(f.duplicated, 0) << why;
  // The kills must have hit requests in flight, or the test proved nothing.
  EXPECT_GT(f.recovered, 0);
  EXPECT_TRUE(srv.alive());
}

// Holds up the statement that records a key's answer, for one user and
// scope, so that a kill lands exactly between the request's own commit and
// that record: the trigger waits for an advisory lock this object holds
// until lift(), so the hold lasts exactly as long as the test needs, however
// slow the machine. The held statement's transaction dies with its client.
// Removed again by the destructor.
class stalled_key_record {
 public:
  stalled_key_record(const std::string& user, const std::string& scope)
      : holder_(test_services::database_url()) {
    pqxx::nontransaction(holder_).exec("SELECT pg_advisory_lock(" + lock_ + ")");
    fault::execute("CREATE FUNCTION " + name_ +
                   "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF NEW.user_id = '" +
                   user + "' AND NEW.scope = '" + scope +
                   "' AND NEW.state = 'done' THEN PERFORM pg_advisory_xact_lock(" + lock_ +
                   "); END IF; RETURN NEW; END $$;"
                   "CREATE TRIGGER " +
                   name_ + " BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION " +
                   name_ + "();");
  }
  ~stalled_key_record() {
    try {
      lift();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
    }
  }
  // Lets the held statement go on (first, or the DROP would wait for it),
  // then removes the trigger.
  void lift() {
    holder_.disconnect();
    fault::execute("DROP TRIGGER IF EXISTS " + name_ + " ON idempotency_keys; DROP FUNCTION IF " +
                   "EXISTS " + name_ + "();");
  }

 private:
  std::string name_ = "fault_stall_" + checkout::random_hex(4);
  std::string lock_ = std::to_string(std::stoll(checkout::random_hex(7), nullptr, 16));
  pqxx::connection holder_;
};

std::string key_state(const std::string& user, const std::string& scope) {
  auto r = fault::query("SELECT state FROM idempotency_keys WHERE user_id = $1 AND scope = $2",
                        user, scope);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

// The storefront's POST /cart dies with the process after the cart was
// committed and before its answer was recorded under the key. The client
// retries with the same key and body: it must get that cart as it was, not
// the products added a second time.
TEST(fault_kill, kill_9_between_a_new_cart_and_its_key_record) {
  e2e::server srv(fault::fast_recovery());
  e2e::shop shop{srv.port()};
  auto internship = shop.internship(21000, "100");
  auto user = e2e::unique("cartkill");
  auto body = R"({"products":[{"internship_id":")" + internship + R"(","quantity":1}]})";
  auto send = [&] {
    return e2e::call(
        srv.port(), "POST", "/api/v1/cart", body,
        {{"Authorization", e2e::shop::bearer(user)}, {"Idempotency-Key", "k-" + user}});
  };
  stalled_key_record stall(user, "cart");
  auto first = std::async(std::launch::async, [&] {
    try {
      return send().status;
    } catch (const std::exception&) {
      return 0;  // died with the process
    }
  });
  auto carts = [&] { return e2e::db_value("SELECT count(*) FROM carts WHERE user_id = $1", user); };
  ASSERT_TRUE(test_services::eventually([&] { return carts() == "1"; }, 10s));
  ASSERT_EQ(key_state(user, "cart"), "in_progress");
  srv.kill_hard();
  EXPECT_EQ(first.get(), 0);
  stall.lift();
  srv.start();

  auto again = fault::until_definite(send, 60s);
  ASSERT_TRUE(again.definite) << again.last_error;
  ASSERT_TRUE(again.reply.status == 201 || again.reply.status == 200) << again.reply.body;
  auto doc = again.reply.json();
  ASSERT_FALSE(fault::text(again.reply, {"data", "cart", "token"}).empty()) << again.reply.body;
  auto& items = doc["data"]["cart"]["items"];
  ASSERT_TRUE(items.IsArray() && items.Size() == 1) << again.reply.body;
  fault::report("retries_until_answered", std::to_string(again.retries));
  fault::report("quantity_after_retry", std::to_string(items[0]["quantity"].GetInt()));
  EXPECT_EQ(items[0]["quantity"].GetInt(), 1)
      << "the retried request added the products to the cart a second time: " << again.reply.body;
  EXPECT_EQ(carts(), "1");
}

// The same for POST /orders: the retry must find the order the dead request
// committed (one order, one payment attempt).
TEST(fault_kill, kill_9_between_a_new_order_and_its_key_record) {
  e2e::server srv(fault::fast_recovery());
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("orderkill");
  auto cart = shop.cart(user, shop.internship(22000, "100"));
  auto key = "k-" + user;
  stalled_key_record stall(user, "orders");
  auto first = std::async(std::launch::async, [&] {
    try {
      return shop.place(user, cart, key).status;
    } catch (const std::exception&) {
      return 0;
    }
  });
  auto orders = [&] {
    return e2e::db_value("SELECT count(*) FROM orders WHERE user_id = $1", user);
  };
  ASSERT_TRUE(test_services::eventually([&] { return orders() == "1"; }, 10s));
  ASSERT_EQ(key_state(user, "orders"), "in_progress");
  srv.kill_hard();
  EXPECT_EQ(first.get(), 0);
  stall.lift();
  srv.start();

  auto again = fault::until_definite([&] { return shop.place(user, cart, key); }, 60s);
  ASSERT_TRUE(again.definite) << again.last_error;
  ASSERT_EQ(again.reply.status, 201) << again.reply.body;
  auto token = fault::text(again.reply, {"data", "order", "order_token"});
  fault::report("retries_until_answered", std::to_string(again.retries));
  EXPECT_EQ(orders(), "1");
  EXPECT_EQ(e2e::db_value("SELECT token::text FROM orders WHERE user_id = $1", user), token);
  EXPECT_EQ(
      e2e::db_value("SELECT count(*) FROM payment_attempts WHERE order_token = $1::uuid", token),
      "1");
}

}  // namespace
