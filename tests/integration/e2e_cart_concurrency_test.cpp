// Many writers on one cart: within one process the cart actor serializes them;
// across two processes on one database no update is lost.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>
#include <pqxx/pqxx>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;

// Quantities per internship as stored in the carts row (not as any actor remembers them).
std::map<std::string, int> stored_quantities(const std::string& token) {
  pqxx::connection c(test_services::database_url());
  pqxx::read_transaction t(c);
  auto r = t.exec_params("SELECT state::text FROM carts WHERE token = $1::uuid", token);
  std::map<std::string, int> out;
  if (r.empty()) {
    ADD_FAILURE() << "no row for cart " << token;
    return out;
  }
  rapidjson::Document d;
  d.Parse(r[0][0].c_str());
  if (auto lines = json_expect::is(d, "lines", json_expect::kind::array); !lines) {
    ADD_FAILURE() << lines.message();
    return out;
  }
  for (auto& l : d["lines"].GetArray())
    out[json_expect::string_at(l, "internship_id")] =
        static_cast<int>(json_expect::int_at(l, "quantity"));
  return out;
}

// Sends `n` adds of one unit of `id` to the cart through `port`, all at once.
std::vector<std::future<int>> add_units(unsigned short port, const std::string& token,
                                        const std::string& id, int n) {
  std::vector<std::future<int>> calls;
  for (int i = 0; i < n; ++i)
    calls.push_back(std::async(std::launch::async, [=] {
      return call(port, "POST", "/api/v1/cart/" + token + "/items",
                  R"({"internship_id":")" + id + R"(","quantity":1})")
          .status;
    }));
  return calls;
}

// The suite's checkoutd is the one process of the first test and the first of
// the two of the second, which starts the other itself.
class cart_concurrency : public e2e::shared_server<cart_concurrency> {
 protected:
  e2e::shop shop{srv->port()};

  std::string internship() { return shop.internship(100, "null", "c", {}, "conc"); }
};

TEST_F(cart_concurrency, two_hundred_changes_at_once_end_as_if_serial) {
  auto port = srv->port();
  auto a = internship();
  auto b = internship();
  auto created =
      call(port, "POST", "/api/v1/cart",
           R"({"products":[{"internship_id":")" + a + R"("},{"internship_id":")" + b + R"("}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto token = json_expect::string_at(created.json(), "data.cart.token");
  // 99 more units of each: 198 adds, plus two reads racing them.
  auto for_a = add_units(port, token, a, 99);
  auto for_b = add_units(port, token, b, 99);
  int ok = 0;
  for (auto* batch : {&for_a, &for_b})
    for (auto& f : *batch) ok += f.get() == 200;
  EXPECT_EQ(ok, 198);
  auto got = call(port, "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(json_expect::at(got.json(), "data.cart.totals.sub_total", 200 * 100));
  auto stored = stored_quantities(token);
  EXPECT_EQ(stored[a], 100);
  EXPECT_EQ(stored[b], 100);
  // One more is over the limit of 100 and changes nothing.
  auto over = call(port, "POST", "/api/v1/cart/" + token + "/items",
                   R"({"internship_id":")" + a + R"(","quantity":1})");
  EXPECT_TRUE(json_expect::error_envelope(over.status, over.body, 422, 1000));
  EXPECT_EQ(stored_quantities(token)[a], 100);
}

TEST_F(cart_concurrency, two_processes_on_one_database_lose_no_update) {
  auto& one = *srv;
  e2e::server two;  // a second process on the suite's database
  auto a = internship();
  auto created = call(one.port(), "POST", "/api/v1/cart",
                      R"({"products":[{"internship_id":")" + a + R"("}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto token = json_expect::string_at(created.json(), "data.cart.token");
  // Both processes load the cart, then both change it at once.
  ASSERT_EQ(call(two.port(), "GET", "/api/v1/cart/" + token).status, 200);
  // Writers alternate between the processes and all start at one signal, so
  // the two processes' transactions really overlap.
  std::promise<void> gate;
  auto go = gate.get_future().share();
  std::vector<std::future<int>> calls;
  for (int i = 0; i < 60; ++i) {
    auto port = i % 2 ? two.port() : one.port();
    calls.push_back(std::async(std::launch::async, [=] {
      go.wait();
      return call(port, "POST", "/api/v1/cart/" + token + "/items",
                  R"({"internship_id":")" + a + R"(","quantity":1})")
          .status;
    }));
  }
  gate.set_value();
  int ok = 0, conflicts = 0;
  for (auto& f : calls) {
    auto status = f.get();
    ok += status == 200;
    conflicts += status == 409;
  }
  EXPECT_EQ(ok + conflicts, 60);
  // Every accepted change is in the row; none was overwritten.
  EXPECT_EQ(stored_quantities(token)[a], 1 + ok);
  // A lost race is retried once on the fresh row, read under a row lock, so
  // none is refused.
  EXPECT_EQ(conflicts, 0);
}

}  // namespace
