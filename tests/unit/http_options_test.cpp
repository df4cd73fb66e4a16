// OPTIONS without routes of its own: preflights and plain OPTIONS.
#include <gtest/gtest.h>

#include <optional>

#include "http/envelope.hpp"
#include "http/options.hpp"

namespace checkout::http {
namespace {

std::string header(const response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

class HttpOptions : public ::testing::Test {
 protected:
  HttpOptions() {
    auto ok_handler = [](request&& req, responder out) { out.send(ok(req, 200, nullptr)); };
    routes.add("GET", "/api/v1/cart/{token}", ok_handler);
    routes.add("DELETE", "/api/v1/cart/{token}", ok_handler);
    routes.add("POST", "/api/v1/cart", ok_handler);
  }

  response options(const std::string& target,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    request req;
    req.method = "OPTIONS";
    req.target = target;
    req.path = target;
    req.headers = std::move(headers);
    req.correlation_id = "cid-1";
    std::optional<response> got;
    answer_options(routes, cors, std::move(req), responder([&](response r) { got = r; }));
    EXPECT_TRUE(got);
    return got.value_or(response{});
  }

  router routes;
  cors_policy cors{{"https://shop.example.com"}};
};

TEST_F(HttpOptions, PreflightFromAnAllowedOriginIs204) {
  auto r = options("/api/v1/cart", {{"Origin", "https://shop.example.com"},
                                    {"Access-Control-Request-Method", "POST"},
                                    {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpOptions, PreflightFromAnotherOriginIs403WithoutAccessControlHeaders) {
  auto r = options("/api/v1/cart", {{"Origin", "https://evil.example.com"},
                                    {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("\"code\":1403"), std::string::npos) << r.body;
  for (const auto& [k, v] : r.headers) EXPECT_EQ(k.rfind("Access-Control-", 0), std::string::npos);
}

TEST_F(HttpOptions, PlainOptionsListsThePathsMethodsWithHeadAndOptions) {
  auto r = options("/api/v1/cart/abc");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header(r, "Allow"), "GET, HEAD, DELETE, OPTIONS");
  EXPECT_EQ(header(options("/api/v1/cart"), "Allow"), "POST, OPTIONS");
}

TEST_F(HttpOptions, PlainOptionsOnAnUnknownPathIs404) {
  auto r = options("/api/v1/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"code\":1404"), std::string::npos) << r.body;
}

TEST_F(HttpOptions, AsteriskListsEveryMethod) {
  auto r = options("*");
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(header(r, "Allow").find("PATCH"), std::string::npos);
}

TEST(HttpAllow, HeadFollowsGetAndOptionsComesLast) {
  EXPECT_EQ(allow_with_head_and_options("GET"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(allow_with_head_and_options("POST, GET"), "POST, GET, HEAD, OPTIONS");
  EXPECT_EQ(allow_with_head_and_options("POST"), "POST, OPTIONS");
  EXPECT_EQ(allow_with_head_and_options("GET, HEAD, OPTIONS"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(allow_with_head_and_options(""), "OPTIONS");
}

}  // namespace
}  // namespace checkout::http
