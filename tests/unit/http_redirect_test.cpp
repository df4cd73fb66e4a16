// 303 See Other answers and the Location they carry.
#include <gtest/gtest.h>

#include "http/redirect.hpp"

namespace checkout::http {
namespace {

std::string location_of(const response& r) {
  for (const auto& [name, value] : r.headers)
    if (name == "Location") return value;
  return {};
}

TEST(SeeOther, AnswersThreeOhThreeWithTheLocation) {
  auto r = see_other("https://shop.example/orders/abc?from=gateway");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(location_of(r), "https://shop.example/orders/abc?from=gateway");
}

TEST(SeeOther, AStoredUrlCannotSplitTheHeader) {
  auto r = see_other("https://shop.example/x\r\nSet-Cookie: a=b");
  EXPECT_EQ(location_of(r), "https://shop.example/x%0D%0ASet-Cookie:%20a=b");
  EXPECT_EQ(header_safe_url("https://shop.example/caf\xC3\xA9"), "https://shop.example/caf%C3%A9");
  EXPECT_EQ(header_safe_url("https://s.example/{CHECKOUT_SESSION_ID}"),
            "https://s.example/{CHECKOUT_SESSION_ID}");
}

}  // namespace
}  // namespace checkout::http
