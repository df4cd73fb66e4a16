// Cart rules of CONTRACT §6 that need the catalog and the enrollments as they
// are now, through the real binary: a quantity above the free seats is 409
// 1102 on PATCH as on adding, and an internship the signed-in user is already
// enrolled in is 409 1103 wherever it would enter their cart.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using headers = std::vector<std::pair<std::string, std::string>>;

// A cart's row as stored (version, status, lines): any write bumps the version.
std::string stored(const std::string& token) {
  pqxx::connection c(test_services::database_url());
  pqxx::read_transaction t(c);
  auto r = t.exec_params(
      "SELECT version::text || ' ' || status || ' ' || (state->'lines')::text FROM carts "
      "WHERE token = $1::uuid",
      token);
  return r.empty() ? std::string("<no row>") : r[0][0].as<std::string>();
}

class cart_rules_e2e : public e2e::shared_server<cart_rules_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }
  headers admin{{"Authorization", "Bearer " + e2e::token_for("admin", true)}};

  static headers as(const std::string& user_id) {
    return {{"Authorization", "Bearer " + e2e::token_for(user_id)}};
  }

  e2e::shop shop{srv->port()};

  std::string internship(long long price, const std::string& seats = "null") {
    return shop.internship(price, seats, "c", {}, "rules-intern");
  }

  static std::string products(const std::string& id) {
    return R"({"products":[{"internship_id":")" + id + "\"}]}";
  }
  static std::string item(const std::string& id, int quantity = 1) {
    return R"({"internship_id":")" + id + R"(","quantity":)" + std::to_string(quantity) + "}";
  }

  e2e::reply create(const std::string& id, const headers& h = {}) {
    return call(port(), "POST", "/api/v1/cart", products(id), h);
  }
  std::string cart(const std::string& id, const headers& h = {}) {
    auto r = create(id, h);
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }
  e2e::reply patch(const std::string& token, const std::string& id, int quantity,
                   const headers& h = {}) {
    return call(port(), "PATCH", "/api/v1/cart/" + token + "/items/" + id,
                R"({"quantity":)" + std::to_string(quantity) + "}", h);
  }
  void admin_patch(const std::string& id, const std::string& body) {
    auto r = call(port(), "PATCH", "/api/v1/admin/internships/" + id, body, admin);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The quantity of the line of `id` in the cart served; 0 when there is no
  // such line, and a failure when the answer has no items array at all.
  static std::int64_t quantity_of(const e2e::reply& r, const std::string& id) {
    auto d = r.json();
    if (auto listed = json_expect::is(d, "data.cart.items", json_expect::kind::array); !listed) {
      ADD_FAILURE() << listed.message();
      return 0;
    }
    for (auto& i : d["data"]["cart"]["items"].GetArray())
      if (json_expect::at(i, "internship_id", id)) return json_expect::int_at(i, "quantity");
    return 0;
  }
};

using json_expect::error_envelope;

TEST_F(cart_rules_e2e, patch_above_the_free_seats_is_409_1102_as_adding_is) {
  auto id = internship(1000, "3");
  auto token = cart(id);
  auto before = stored(token);
  auto over = patch(token, id, 4);
  EXPECT_TRUE(error_envelope(over.status, over.body, 409, 1102));
  // Adding to the same total is refused the same way.
  auto add = call(port(), "POST", "/api/v1/cart/" + token + "/items", item(id, 3));
  EXPECT_TRUE(error_envelope(add.status, add.body, 409, 1102));
  EXPECT_EQ(stored(token), before) << "a refused change writes nothing";
  auto to3 = patch(token, id, 3);
  ASSERT_EQ(to3.status, 200) << to3.body;
  EXPECT_EQ(quantity_of(to3, id), 3);

  // Fewer seats now than the line holds: the same quantity is refused, fewer is fine.
  admin_patch(id, R"({"seats":2})");
  auto kept = patch(token, id, 3);
  EXPECT_TRUE(error_envelope(kept.status, kept.body, 409, 1102));
  auto to2 = patch(token, id, 2);
  ASSERT_EQ(to2.status, 200) << to2.body;
  EXPECT_EQ(quantity_of(to2, id), 2);

  // Unlimited seats again: any quantity up to 100.
  admin_patch(id, R"({"seats":null})");
  auto to50 = patch(token, id, 50);
  ASSERT_EQ(to50.status, 200) << to50.body;
  EXPECT_EQ(quantity_of(to50, id), 50);

  // An internship taken off sale: no quantity can be set, but 0 still removes the line.
  admin_patch(id, R"({"active":false})");
  auto off_sale = patch(token, id, 1);
  EXPECT_TRUE(error_envelope(off_sale.status, off_sale.body, 409, 1102));
  auto removed = patch(token, id, 0);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(json_expect::has_size(removed.json(), "data.cart.items", 0));
}

TEST_F(cart_rules_e2e, an_internship_the_user_is_enrolled_in_is_409_1103) {
  auto free_id = internship(0);
  auto other_id = internship(500);
  auto user_id = e2e::unique("enrolled");
  auto me = as(user_id);

  // A free order (total 0) enrolls at once.
  auto first = cart(free_id, me);
  auto order_headers = me;
  order_headers.push_back({"Idempotency-Key", e2e::unique("free-order")});
  auto order =
      call(port(), "POST", "/api/v1/orders", R"({"cart_token":")" + first + "\"}", order_headers);
  ASSERT_EQ(order.status, 201) << order.body;
  ASSERT_TRUE(json_expect::at(order.json(), "data.order.status", "completed"));

  // POST /cart with it: the user has no active cart, so this would make one.
  auto fresh = create(free_id, me);
  EXPECT_TRUE(error_envelope(fresh.status, fresh.body, 409, 1103));

  // Into a cart the user has: POST items, and POST /cart merging into it.
  auto mine = cart(other_id, me);
  auto before = stored(mine);
  auto added = call(port(), "POST", "/api/v1/cart/" + mine + "/items", item(free_id), me);
  EXPECT_TRUE(error_envelope(added.status, added.body, 409, 1103));
  auto merged = create(free_id, me);
  EXPECT_TRUE(error_envelope(merged.status, merged.body, 409, 1103));
  EXPECT_EQ(stored(mine), before) << "a refused add writes nothing";

  // Signing in with a guest cart holding it merges that cart into the user's: refused.
  auto guest = cart(free_id);
  auto login = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/login", {}, me);
  EXPECT_TRUE(error_envelope(login.status, login.body, 409, 1103));
  EXPECT_EQ(stored(mine), before);
  // A signed-in user adding it to a guest cart (which ordering would attach) is refused too.
  auto other_guest = cart(other_id);
  auto into_guest =
      call(port(), "POST", "/api/v1/cart/" + other_guest + "/items", item(free_id), me);
  EXPECT_TRUE(error_envelope(into_guest.status, into_guest.body, 409, 1103));

  // Only the enrolled user is refused; guests and other users may add it.
  auto someone = as(e2e::unique("someone"));
  EXPECT_EQ(create(free_id, someone).status, 201);
  EXPECT_EQ(call(port(), "POST", "/api/v1/cart/" + other_guest + "/items", item(free_id)).status,
            200);

  // A revoked enrollment (a refund) no longer stands in the way.
  {
    pqxx::connection c(test_services::database_url());
    pqxx::work w(c);
    w.exec_params0("UPDATE enrollments SET status = 'revoked' WHERE user_id = $1", user_id);
    w.commit();
  }
  auto again = call(port(), "POST", "/api/v1/cart/" + mine + "/items", item(free_id), me);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(quantity_of(again, free_id), 1);
}

}  // namespace
