// A cart actor is passivated after ACTOR_IDLE_TIMEOUT and reloaded unchanged on
// the next message; a restart loses nothing either. The one test has a server
// of its own: it sets the idle timeout and kills and restarts the server.
#include <gtest/gtest.h>

#include <regex>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using json_expect::at;
using json_expect::int_at;
using json_expect::string_at;
using namespace std::chrono_literals;

long long metric(unsigned short port, const std::string& name, const std::string& kind) {
  auto r = call(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  std::smatch m;
  std::regex line(name + "\\{kind=\"" + kind + "\"\\} (-?[0-9]+)");
  return std::regex_search(r.body, m, line) ? std::stoll(m[1]) : -1;
}

TEST(passivation, a_cart_survives_passivation_and_a_restart_unchanged) {
  e2e::server srv(std::map<std::string, std::string>{{"ACTOR_IDLE_TIMEOUT", "500ms"}});
  auto id = e2e::shop{srv.port()}.internship(4200, "null");
  auto created = call(srv.port(), "POST", "/api/v1/cart",
                      R"({"products":[{"internship_id":")" + id + R"(","quantity":3}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto token = string_at(created.json(), "data.cart.token");
  ASSERT_EQ(call(srv.port(), "PUT", "/api/v1/cart/" + token + "/billing",
                 R"({"country":"IN","state":"KA"})")
                .status,
            200);
  auto before = call(srv.port(), "GET", "/api/v1/cart/" + token).json();
  auto total = int_at(before, "data.cart.totals.total");
  auto updated_at = string_at(before, "data.cart.updated_at");
  ASSERT_GT(total, 0);
  ASSERT_FALSE(updated_at.empty());
  auto spawned = metric(srv.port(), "checkout_actors_spawned_total", "cart");
  EXPECT_GE(spawned, 1);

  EXPECT_TRUE(e2e::eventually(
      [&] { return metric(srv.port(), "checkout_actors_passivated_total", "cart") >= 1; }, 3s));
  EXPECT_EQ(metric(srv.port(), "checkout_actors_live", "cart"), 0);

  auto after = call(srv.port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(after.status, 200) << after.body;
  auto a = after.json();
  EXPECT_EQ(metric(srv.port(), "checkout_actors_spawned_total", "cart"), spawned + 1);
  EXPECT_TRUE(at(a, "data.cart.items[0].quantity", 3));
  EXPECT_TRUE(at(a, "data.cart.billing.state", "KA"));
  EXPECT_TRUE(at(a, "data.cart.totals.total", total));
  EXPECT_TRUE(at(a, "data.cart.updated_at", updated_at));

  srv.kill_hard();
  srv.start();
  auto restarted = call(srv.port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  auto r = restarted.json();
  EXPECT_TRUE(at(r, "data.cart.totals.total", total));
  EXPECT_TRUE(at(r, "data.cart.updated_at", updated_at));
}

}  // namespace
