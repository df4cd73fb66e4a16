// application/x-www-form-urlencoded with Stripe's nested keys, against known
// encodings (not only round trips).
#include <gtest/gtest.h>

#include "actors/payment/form_encoding.hpp"

namespace checkout::payment {
namespace {

TEST(FormEncoding, NestedKeys) {
  EXPECT_EQ(form_key({"mode"}), "mode");
  EXPECT_EQ(form_key({"metadata", "order_token"}), "metadata[order_token]");
  EXPECT_EQ(form_key({"line_items", "0", "price_data", "product_data", "name"}),
            "line_items[0][price_data][product_data][name]");
}

TEST(FormEncoding, KnownEncodings) {
  EXPECT_EQ(form_encode({}), "");
  EXPECT_EQ(form_encode({{"mode", "payment"}}), "mode=payment");
  EXPECT_EQ(form_encode({{"a", "1"}, {"b", ""}}), "a=1&b=");
  EXPECT_EQ(form_encode({{form_key({"line_items", "0", "quantity"}), "1"}}),
            "line_items%5B0%5D%5Bquantity%5D=1");
  EXPECT_EQ(form_encode({{"name", "Data Science & ML (6 months)"}}),
            "name=Data+Science+%26+ML+%286+months%29");
  EXPECT_EQ(form_encode({{"url", "https://shop.example/ok?order=a-b_c.d~e&x=1#top"}}),
            "url=https%3A%2F%2Fshop.example%2Fok%3Forder%3Da-b_c.d%7Ee%26x%3D1%23top");
  EXPECT_EQ(form_encode({{"k", "a+b=c*"}}), "k=a%2Bb%3Dc*");
  // UTF-8 is escaped byte by byte.
  EXPECT_EQ(form_encode({{"name", "caf\xc3\xa9 \xe2\x82\xb9"}}), "name=caf%C3%A9+%E2%82%B9");
  EXPECT_EQ(form_encode({{"placeholder", "{CHECKOUT_SESSION_ID}"}}),
            "placeholder=%7BCHECKOUT_SESSION_ID%7D");
}

TEST(FormEncoding, DecodesKnownBodies) {
  auto f = form_decode("a=1&b=x+y&c=%26%3D&line_items%5B0%5D%5Bquantity%5D=1&empty=&flag");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 6u);
  EXPECT_EQ((*f)[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ((*f)[1], (std::pair<std::string, std::string>{"b", "x y"}));
  EXPECT_EQ((*f)[2], (std::pair<std::string, std::string>{"c", "&="}));
  EXPECT_EQ((*f)[3], (std::pair<std::string, std::string>{"line_items[0][quantity]", "1"}));
  EXPECT_EQ((*f)[4], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ((*f)[5], (std::pair<std::string, std::string>{"flag", ""}));
  // Unescaped brackets (as some clients send them) decode the same.
  auto raw = form_decode("metadata[order_token]=t%2D1&&");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].first, "metadata[order_token]");
  EXPECT_EQ((*raw)[0].second, "t-1");
}

TEST(FormEncoding, RejectsBrokenEscapes) {
  for (auto bad : {"a=%", "a=%4", "a=%G1", "a%ZZ=1", "a=1&b=%%"})
    EXPECT_FALSE(form_decode(bad).has_value()) << bad;
}

TEST(FormEncoding, RoundTripsEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  auto f = form_decode(form_encode({{all, all}}));
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].first, all);
  EXPECT_EQ((*f)[0].second, all);
}

TEST(FormEncoding, UrlComponent) {
  EXPECT_EQ(url_encode_component("0f1c-aa_b.c~d"), "0f1c-aa_b.c~d");
  EXPECT_EQ(url_encode_component("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(url_encode_component("+*"), "%2B%2A");
}

}  // namespace
}  // namespace checkout::payment
