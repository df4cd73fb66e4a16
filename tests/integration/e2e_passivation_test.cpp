// A cart actor is passivated after ACTOR_IDLE_TIMEOUT and reloaded unchanged on
// the next message; a restart loses nothing either.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "e2e_support.hpp"

namespace {

using e2e::call;
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
  auto admin = "Bearer " + e2e::token_for("admin", true);
  auto id = e2e::unique("passive");
  ASSERT_EQ(call(srv.port(), "POST", "/api/v1/admin/internships",
                 R"({"id":")" + id +
                     R"(","title":"T","category":"c","price":4200,"currency":"INR","seats":null})",
                 {{"Authorization", admin}})
                .status,
            201);
  auto created = call(srv.port(), "POST", "/api/v1/cart",
                      R"({"products":[{"internship_id":")" + id + R"(","quantity":3}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto token = std::string(created.json()["data"]["cart"]["token"].GetString());
  ASSERT_EQ(call(srv.port(), "PUT", "/api/v1/cart/" + token + "/billing",
                 R"({"country":"IN","state":"KA"})")
                .status,
            200);
  auto before = call(srv.port(), "GET", "/api/v1/cart/" + token).json();
  auto spawned = metric(srv.port(), "checkout_actors_spawned_total", "cart");
  EXPECT_GE(spawned, 1);

  EXPECT_TRUE(e2e::eventually(
      [&] { return metric(srv.port(), "checkout_actors_passivated_total", "cart") >= 1; }, 3s));
  EXPECT_EQ(metric(srv.port(), "checkout_actors_live", "cart"), 0);

  auto after = call(srv.port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(after.status, 200) << after.body;
  auto a = after.json();
  EXPECT_EQ(metric(srv.port(), "checkout_actors_spawned_total", "cart"), spawned + 1);
  auto& bc = before["data"]["cart"];
  auto& ac = a["data"]["cart"];
  EXPECT_EQ(ac["items"][0]["quantity"].GetInt(), 3);
  EXPECT_EQ(std::string(ac["billing"]["state"].GetString()), "KA");
  EXPECT_EQ(ac["totals"]["total"].GetInt64(), bc["totals"]["total"].GetInt64());
  EXPECT_EQ(std::string(ac["updated_at"].GetString()), std::string(bc["updated_at"].GetString()));

  srv.kill_hard();
  srv.start();
  auto restarted = call(srv.port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  auto r = restarted.json();
  EXPECT_EQ(r["data"]["cart"]["totals"]["total"].GetInt64(), bc["totals"]["total"].GetInt64());
  EXPECT_EQ(std::string(r["data"]["cart"]["updated_at"].GetString()),
            std::string(bc["updated_at"].GetString()));
}

}  // namespace
