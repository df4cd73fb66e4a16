// Retention of carts through the real binary, with retention settings short
// enough to watch: an expired cart loses its analytics data and device id after
// CART_DATA_RETENTION and is deleted after CART_DELETE_AFTER; an ordered cart
// loses the same data but stays, and its order is whole.
// (The batching and several instances at once: persistence_cart_retention_test.cpp.)
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;

class cart_retention_e2e : public e2e::shared_server<cart_retention_e2e> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"CART_TTL", "2s"},
            {"CART_DATA_RETENTION", "2s"},
            {"CART_DELETE_AFTER", "4s"},
            {"CART_CLEANUP_INTERVAL", "200ms"},
            // Carts passivate long before they are deleted, so a read goes to the table.
            {"ACTOR_IDLE_TIMEOUT", "1s"}};
  }

 protected:
  // A cart with analytics data and a device id, for `user_id` ("" for a guest).
  std::string cart(const std::string& user_id, const std::string& internship) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!user_id.empty()) h.push_back({"Authorization", shop.bearer(user_id)});
    auto r = call(shop.port, "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + internship +
                      R"("}],"analytics_data":{"utm_source":"mail"},"device_id":"dev-retention"})",
                  h);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }

  // "device|analytics|status" of a cart's row; "" once the row is gone.
  static std::string row(const std::string& token) {
    return e2e::db_value(
        "SELECT COALESCE(device_id, 'null') || '|' || COALESCE(analytics_data::text, 'null') || "
        "'|' || status FROM carts WHERE token = $1::uuid",
        token);
  }

  e2e::shop shop{srv->port()};
};

TEST_F(cart_retention_e2e, expired_carts_lose_their_data_then_go_and_ordered_ones_stay) {
  auto internship = shop.internship(10000, "null");
  auto guest = cart("", internship);
  auto buyer = e2e::unique("retention-buyer");
  auto ordered = cart(buyer, internship);
  auto placed = shop.place(buyer, ordered, e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = placed.json();
  auto order_token = json_expect::string_at(order, "data.order.order_token");
  auto total = json_expect::int_at(order, "data.order.total");
  EXPECT_EQ(row(guest), R"(dev-retention|{"utm_source": "mail"}|active)");

  // Expired, then erased while the row is still there (between 4 s and 6 s
  // after its last change), then deleted.
  EXPECT_TRUE(e2e::eventually([&] { return row(guest) == "null|null|expired"; }, 10s))
      << row(guest);
  EXPECT_TRUE(e2e::eventually([&] { return row(guest).empty(); }, 10s)) << row(guest);
  auto gone = call(shop.port, "GET", "/api/v1/cart/" + guest);
  EXPECT_TRUE(json_expect::error_envelope(gone.status, gone.body, 404, 1001));

  // The ordered cart was converted long enough ago for both horizons by now:
  // its data is gone, its row and its order are not.
  EXPECT_EQ(row(ordered), "null|null|converted");
  auto again = shop.order(buyer, order_token);
  ASSERT_EQ(again.status, 200) << again.body;
  auto d = again.json();
  EXPECT_TRUE(json_expect::at(d, "data.order.status", "awaiting_payment"));
  EXPECT_TRUE(json_expect::at(d, "data.order.total", total));
  EXPECT_TRUE(json_expect::has_size(d, "data.order.items", 1));
  EXPECT_EQ(
      e2e::db_value("SELECT cart_token::text FROM orders WHERE token = $1::uuid", order_token),
      ordered);
}

}  // namespace
