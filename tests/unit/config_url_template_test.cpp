// CART_URL_TEMPLATE (CONTRACT §15): the cart link a buyer gets, shaped by the
// operator; {PUBLIC_BASE_URL} and {token} are filled in.
#include <gtest/gtest.h>

#include "config/url_template.hpp"

namespace checkout::config {
namespace {

const char* const cart_token = "3f1e9a2c-7b4d-4e8f-9a1b-2c3d4e5f6a7b";

settings with(const std::string& base, const std::string& templ) {
  settings s;
  s.public_base_url = base;
  s.cart_url_template = templ;
  return s;
}

TEST(ConfigCartUrl, TheDefaultIsTheStorefrontsCartPage) {
  settings s;
  s.public_base_url = "https://shop.example";
  EXPECT_EQ(cart_url(s, cart_token), std::string("https://shop.example/cart/") + cart_token);
}

TEST(ConfigCartUrl, AnOperatorsTemplateWithBothPlaceholders) {
  auto s = with("https://api.example", "{PUBLIC_BASE_URL}/shop/#/cart?t={token}&again={token}");
  EXPECT_EQ(cart_url(s, cart_token), std::string("https://api.example/shop/#/cart?t=") +
                                         cart_token + "&again=" + cart_token);
}

TEST(ConfigCartUrl, ATemplateOnAnotherHostNeedsNoBaseUrl) {
  auto s = with("https://api.example", "https://store.example/c/{token}");
  EXPECT_EQ(cart_url(s, cart_token), std::string("https://store.example/c/") + cart_token);
}

TEST(ConfigReplaceAll, ReplacesEveryOccurrenceAndNeverItsOwnValue) {
  EXPECT_EQ(replace_all("a{x}b{x}", "{x}", "1"), "a1b1");
  EXPECT_EQ(replace_all("{x}", "{x}", "{x}{x}"), "{x}{x}");
  EXPECT_EQ(replace_all("none here", "{x}", "1"), "none here");
  EXPECT_EQ(replace_all("keep", "", "1"), "keep");
}

TEST(ConfigCartUrl, LoadedFromTheEnvironmentAndRefusedWithoutToken) {
  std::map<std::string, std::string> env = {{"CHECKOUT_ENV", "development"},
                                            {"JWT_SECRET", "unit-test-only-jwt-secret-xyz"},
                                            {"CART_URL_TEMPLATE", "https://s.example/c/{token}"}};
  auto ok = load("", env, false);
  ASSERT_TRUE(ok.value) << ok.error;
  EXPECT_EQ(ok.value->cart_url_template, "https://s.example/c/{token}");
  env["CART_URL_TEMPLATE"] = "https://s.example/cart";
  auto bad = load("", env, false);
  EXPECT_FALSE(bad.value);
  EXPECT_NE(bad.error.find("CART_URL_TEMPLATE"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("{token}"), std::string::npos) << bad.error;
}

}  // namespace
}  // namespace checkout::config
