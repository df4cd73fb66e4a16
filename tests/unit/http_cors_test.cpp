// CORS decisions (CONTRACT §13): which origins get Access-Control-* headers.
#include <gtest/gtest.h>

#include <map>

#include "http/cors.hpp"

namespace checkout::http {
namespace {

std::map<std::string, std::string> as_map(const header_list& h) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : h) out[k] = v;
  return out;
}

const cors_policy shop({"https://shop.example.com", "http://localhost:3000"});

TEST(HttpCors, AllowedOriginGetsItsOriginBackAndTheExposedHeaders) {
  auto h = as_map(shop.answer_headers("https://shop.example.com"));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "https://shop.example.com");
  EXPECT_EQ(h["Vary"], "Origin");
  EXPECT_EQ(h["Access-Control-Expose-Headers"],
            "X-Correlation-ID, Idempotent-Replayed, Retry-After");
  EXPECT_EQ(h.count("Access-Control-Allow-Credentials"), 0u);
}

TEST(HttpCors, OtherOriginsGetNoAccessControlHeaderAtAll) {
  for (const char* origin : {"https://evil.example.com", "https://shop.example.com.evil.com",
                             "https://shop.example.com:8443", "http://shop.example.com", "null",
                             "https://shop.example.com/", ""}) {
    EXPECT_FALSE(shop.allows(origin)) << origin;
    for (const auto& [name, value] : shop.answer_headers(origin))
      EXPECT_EQ(name.rfind("Access-Control-", 0), std::string::npos) << origin << " " << name;
    EXPECT_TRUE(shop.preflight_headers(origin).empty()) << origin;
  }
  // Vary still tells caches the answer depends on Origin.
  EXPECT_EQ(as_map(shop.answer_headers("https://evil.example.com"))["Vary"], "Origin");
}

TEST(HttpCors, SchemeAndHostCaseDoesNotMatterAndTheRequestSpellingIsEchoed) {
  EXPECT_TRUE(shop.allows("HTTPS://Shop.Example.com"));
  EXPECT_EQ(as_map(shop.answer_headers("HTTPS://Shop.Example.com"))["Access-Control-Allow-Origin"],
            "HTTPS://Shop.Example.com");
}

TEST(HttpCors, NoOriginsConfiguredMeansNoHeadersAtAll) {
  cors_policy none;
  EXPECT_FALSE(none.enabled());
  EXPECT_TRUE(none.answer_headers("https://shop.example.com").empty());
  EXPECT_TRUE(none.preflight_headers("https://shop.example.com").empty());
}

TEST(HttpCors, PreflightNamesMethodsHeadersAndMaxAge) {
  auto h = as_map(shop.preflight_headers("http://localhost:3000"));
  EXPECT_NE(h["Access-Control-Allow-Methods"].find("POST"), std::string::npos);
  EXPECT_NE(h["Access-Control-Allow-Methods"].find("DELETE"), std::string::npos);
  for (const char* needed :
       {"Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-ID"})
    EXPECT_NE(h["Access-Control-Allow-Headers"].find(needed), std::string::npos) << needed;
  EXPECT_EQ(h["Access-Control-Max-Age"], "600");
}

TEST(HttpCors, OnlyOptionsWithOriginAndRequestMethodIsAPreflight) {
  EXPECT_TRUE(is_preflight("OPTIONS", "https://a.example", "POST"));
  EXPECT_FALSE(is_preflight("OPTIONS", "", "POST"));
  EXPECT_FALSE(is_preflight("OPTIONS", "https://a.example", ""));
  EXPECT_FALSE(is_preflight("GET", "https://a.example", "POST"));
}

}  // namespace
}  // namespace checkout::http
