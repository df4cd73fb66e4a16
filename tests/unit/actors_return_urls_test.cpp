// The URLs a gateway sends the buyer back to (CONTRACT §7): the storefront's
// {order_token} is filled in when the payment session is made.
#include <gtest/gtest.h>

#include "actors/order/return_urls.hpp"

namespace checkout::return_urls {
namespace {

const std::string base = "https://api.shop.example";
const std::string token = "0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d";

TEST(ReturnUrls, TheStorefrontsPlaceholderBecomesTheOrderToken) {
  EXPECT_EQ(resolve("https://shop.example/orders/{order_token}?from=gateway", base, token),
            "https://shop.example/orders/" + token + "?from=gateway");
  EXPECT_EQ(resolve("https://shop.example/o?a={order_token}&b={order_token}", base, token),
            "https://shop.example/o?a=" + token + "&b=" + token);
}

TEST(ReturnUrls, StripesOwnPlaceholderPassesThroughUntouched) {
  EXPECT_EQ(resolve("https://shop.example/orders/{order_token}?session={CHECKOUT_SESSION_ID}", base,
                    token),
            "https://shop.example/orders/" + token + "?session={CHECKOUT_SESSION_ID}");
}

TEST(ReturnUrls, AUrlWithoutPlaceholderIsKeptAsGiven) {
  EXPECT_EQ(resolve("https://shop.example/thanks", base, token), "https://shop.example/thanks");
}

TEST(ReturnUrls, NoUrlGivenIsTheServicesReturnPage) {
  EXPECT_EQ(resolve("", base, token), base + "/api/v1/checkout/return?order_token=" + token);
  EXPECT_EQ(default_url(base, token), base + "/api/v1/checkout/return?order_token=" + token);
}

TEST(ReturnUrls, TheOrderPageIsTheStorefronts) {
  EXPECT_EQ(order_page(base, token), base + "/orders/" + token);
}

}  // namespace
}  // namespace checkout::return_urls
