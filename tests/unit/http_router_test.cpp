// Routing: patterns, params, trailing slashes, 404/405 and throwing handlers.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

#include "http/envelope.hpp"
#include "http/router.hpp"

namespace checkout::http {
namespace {

request make(const std::string& method, const std::string& path) {
  request req;
  req.method = method;
  req.path = path;
  req.target = path;
  req.correlation_id = "cid";
  return req;
}

// Runs dispatch and returns what the responder received synchronously.
std::optional<response> run(const router& r, request req) {
  std::optional<response> out;
  r.dispatch(std::move(req), responder([&](response res) { out = std::move(res); }));
  return out;
}

std::string header_of(const response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return {};
}

class HttpRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto remember = [this](std::string tag) {
      return [this, tag](request&& req, responder res) {
        last_tag = tag;
        last = std::move(req);
        res.send(ok(*last, 200, nullptr));
      };
    };
    routes.add("GET", "/api/v1/cart/{token}", remember("get-cart"));
    routes.add("POST", "/api/v1/cart", remember("create-cart"));
    routes.add("POST", "/api/v1/cart/estimate", remember("estimate"));
    routes.add("PATCH", "/api/v1/cart/{token}/items/{internship_id}", remember("patch-item"));
    routes.add("DELETE", "/api/v1/cart/{token}/items/{internship_id}", remember("delete-item"));
    routes.add("GET", "/healthz", remember("health"));
  }

  router routes;
  std::optional<request> last;
  std::string last_tag;
};

TEST_F(HttpRouter, MatchesAndFillsParamsAndRoute) {
  auto res = run(routes, make("PATCH", "/api/v1/cart/tok-1/items/int-9"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(last_tag, "patch-item");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->params.at("token"), "tok-1");
  EXPECT_EQ(last->params.at("internship_id"), "int-9");
  EXPECT_EQ(last->route, "/api/v1/cart/{token}/items/{internship_id}");
  EXPECT_EQ(last->correlation_id, "cid");
}

TEST_F(HttpRouter, TrailingSlashIsTolerated) {
  ASSERT_TRUE(run(routes, make("GET", "/api/v1/cart/abc/")));
  EXPECT_EQ(last_tag, "get-cart");
  EXPECT_EQ(last->params.at("token"), "abc");
  ASSERT_TRUE(run(routes, make("POST", "/api/v1/cart/")));
  EXPECT_EQ(last_tag, "create-cart");
}

TEST_F(HttpRouter, LiteralSegmentsWinOverParams) {
  routes.add("POST", "/api/v1/cart/{token}", [](request&&, responder r) { r.send(response{}); });
  ASSERT_TRUE(run(routes, make("POST", "/api/v1/cart/estimate")));
  EXPECT_EQ(last_tag, "estimate");
}

TEST_F(HttpRouter, UnknownPathIs404) {
  for (const char* path : {"/api/v1/nothing", "/api/v1/cart/a/b", "/", "", "*", "/api/v1//items",
                           "/api/v1/cart//items/x"}) {
    auto res = run(routes, make("GET", path));
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body.find(R"("code":1404)"), std::string::npos) << path;
    EXPECT_NE(res->body.find(R"("correlation_id":"cid")"), std::string::npos) << path;
  }
  EXPECT_EQ(last_tag, "");
}

TEST_F(HttpRouter, WrongMethodIs405WithAllow) {
  auto res = run(routes, make("PUT", "/api/v1/cart/tok/items/i"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_NE(res->body.find(R"("code":1405)"), std::string::npos);
  EXPECT_EQ(header_of(*res, "Allow"), "PATCH, DELETE");
  EXPECT_EQ(last_tag, "");

  auto get = run(routes, make("DELETE", "/healthz"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(header_of(*get, "Allow"), "GET");
}

TEST_F(HttpRouter, MethodsAreCaseSensitive) {
  auto res = run(routes, make("get", "/healthz"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
}

TEST_F(HttpRouter, RouteOf) {
  EXPECT_EQ(routes.route_of("GET", "/api/v1/cart/x"), "/api/v1/cart/{token}");
  EXPECT_EQ(routes.route_of("POST", "/api/v1/cart/estimate"), "/api/v1/cart/estimate");
  EXPECT_EQ(routes.route_of("PUT", "/healthz"), "/healthz");
  EXPECT_EQ(routes.route_of("GET", "/nope"), "");
}

TEST_F(HttpRouter, ThrowingHandlerBecomes500) {
  routes.add("GET", "/boom", [](request&&, responder) { throw std::runtime_error("kaput"); });
  routes.add("GET", "/boom-int", [](request&&, responder) { throw 42; });
  for (const char* path : {"/boom", "/boom-int"}) {
    auto res = run(routes, make("GET", path));
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 500);
    EXPECT_NE(res->body.find(R"("code":9500)"), std::string::npos);
    EXPECT_NE(res->body.find(R"("correlation_id":"cid")"), std::string::npos);
    EXPECT_EQ(res->body.find("kaput"), std::string::npos);  // internals stay in the log
  }
}

TEST_F(HttpRouter, HandlerThatAnsweredBeforeThrowingKeepsItsAnswer) {
  routes.add("GET", "/half", [](request&& req, responder r) {
    r.send(ok(req, 202, nullptr));
    throw std::runtime_error("after the fact");
  });
  auto res = run(routes, make("GET", "/half"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
}

TEST_F(HttpRouter, EmptyHandlerBecomes500) {
  routes.add("GET", "/empty", handler{});
  auto res = run(routes, make("GET", "/empty"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
}

}  // namespace
}  // namespace checkout::http
