// MAX_OPEN_ORDERS_PER_USER (CONTRACT §13): the decision the placement
// transaction takes once it holds the user's lock and has counted.
#include <gtest/gtest.h>

#include "actors/order/order_placement.hpp"

namespace checkout::order_placement {
namespace {

TEST(OpenOrderLimit, OneMoreThanTheLimitIsRefused) {
  EXPECT_FALSE(open_order_limit_reached(0, 3, 1000));
  EXPECT_FALSE(open_order_limit_reached(2, 3, 1000));
  EXPECT_TRUE(open_order_limit_reached(3, 3, 1000));
  EXPECT_TRUE(open_order_limit_reached(7, 3, 1000));  // e.g. after the limit was lowered
  EXPECT_TRUE(open_order_limit_reached(1, 1, 1));
}

TEST(OpenOrderLimit, FreeOrdersNeverAwaitPayment) {
  EXPECT_FALSE(open_order_limit_reached(3, 3, 0));
  EXPECT_FALSE(open_order_limit_reached(100, 1, 0));
}

TEST(OpenOrderLimit, ZeroTurnsItOff) {
  EXPECT_FALSE(open_order_limit_reached(0, 0, 1000));
  EXPECT_FALSE(open_order_limit_reached(1000, 0, 1000));
}

}  // namespace
}  // namespace checkout::order_placement
