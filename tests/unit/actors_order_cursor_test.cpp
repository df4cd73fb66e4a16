// The orders list cursor (GET /orders?cursor=): a position it wrote reads back;
// anything else is no cursor — never an exception (found by the cursor fuzzer:
// 19 digits overflowed std::stoll, a 500 for any signed-in user).
#include <gtest/gtest.h>

#include "actors/catalog/catalog_cursor.hpp"
#include "actors/order/order_queries.hpp"

namespace checkout::order_queries {
namespace {

const std::string token = "6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f";

TEST(OrderCursor, RoundTrips) {
  for (std::int64_t at :
       {std::int64_t{0}, std::int64_t{1733145600123456}, std::int64_t{999999999999999999}}) {
    auto p = decode_cursor(encode_cursor({at, token}));
    ASSERT_TRUE(p) << at;
    EXPECT_EQ(p->created_at, at);
    EXPECT_EQ(p->token, token);
  }
}

TEST(OrderCursor, OverlongNumbersAreNoCursor) {
  for (auto digits : {"9999999999999999999", "9223372036854775808", "99999999999999999999999"})
    EXPECT_FALSE(decode_cursor(catalog_cursor::encode(std::string(digits) + "/" + token)))
        << digits;
  EXPECT_FALSE(decode_cursor(catalog_cursor::encode("12x/" + token)));
  EXPECT_FALSE(decode_cursor(catalog_cursor::encode("/" + token)));
  EXPECT_FALSE(decode_cursor(catalog_cursor::encode("12/not-a-uuid")));
}

}  // namespace
}  // namespace checkout::order_queries
