// request::header, responder, target splitting, correlation ids and UUIDs.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "http/correlation_id.hpp"
#include "http/request.hpp"
#include "http/uri.hpp"
#include "http/uuid.hpp"

namespace checkout::http {
namespace {

response with_status(int status) {
  response r;
  r.status = status;
  return r;
}

TEST(HttpRequest, HeaderLookupIgnoresCase) {
  request req;
  req.headers = {{"Content-Type", "application/json"}, {"x-correlation-id", "abc"}};
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(req.header("X-Correlation-ID"), "abc");
  EXPECT_EQ(req.header("Authorization"), "");
}

TEST(HttpResponder, OnlyTheFirstSendCounts) {
  std::vector<int> seen;
  responder r([&](response res) { seen.push_back(res.status); });
  responder copy = r;
  copy.send(with_status(201));
  r.send(with_status(500));
  copy.send(with_status(404));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 201);
}

TEST(HttpResponder, ConcurrentSendsDeliverExactlyOnce) {
  std::atomic<int> delivered{0};
  responder r([&](response) { delivered.fetch_add(1); });
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([r] {
      for (int k = 0; k < 100; ++k) r.send(with_status(200));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(delivered.load(), 1);
}

TEST(HttpResponder, DefaultConstructedIsANoOp) {
  responder r;
  r.send(with_status(200));  // must not crash
  SUCCEED();
}

TEST(HttpUri, SplitsPathAndDecodesQuery) {
  auto t = split_target("/api/v1/items/a%20b/?q=x+y%26z&limit=10&empty&q=second&=v");
  EXPECT_EQ(t.path, "/api/v1/items/a b/");
  EXPECT_EQ(t.query.at("q"), "x y&z");  // the first occurrence wins
  EXPECT_EQ(t.query.at("limit"), "10");
  EXPECT_EQ(t.query.at("empty"), "");
  EXPECT_EQ(t.query.count(""), 1u);
}

TEST(HttpUri, PlusIsLiteralInThePathAndBadEscapesStay) {
  EXPECT_EQ(percent_decode("/a+b", false), "/a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("100%", true), "100%");
  EXPECT_EQ(percent_decode("%zz%4", true), "%zz%4");
  EXPECT_EQ(percent_decode("%41%62", false), "Ab");
}

TEST(HttpUri, NoQuery) {
  auto t = split_target("/healthz");
  EXPECT_EQ(t.path, "/healthz");
  EXPECT_TRUE(t.query.empty());
}

TEST(HttpCorrelationId, Validity) {
  EXPECT_TRUE(valid_correlation_id("abc-123._XYZ"));
  EXPECT_TRUE(valid_correlation_id(std::string(128, 'a')));
  EXPECT_FALSE(valid_correlation_id(""));
  EXPECT_FALSE(valid_correlation_id(std::string(129, 'a')));
  EXPECT_FALSE(valid_correlation_id("has space"));
  EXPECT_FALSE(valid_correlation_id("semi;colon"));
  EXPECT_FALSE(valid_correlation_id("new\nline"));
}

TEST(HttpCorrelationId, KeepsValidAndReplacesInvalid) {
  EXPECT_EQ(correlation_id_for("req-42"), "req-42");
  auto replaced = correlation_id_for("bad id");
  EXPECT_NE(replaced, "bad id");
  EXPECT_TRUE(valid_correlation_id(replaced));
  EXPECT_NE(correlation_id_for(""), correlation_id_for(""));
}

TEST(HttpUuid, IsVersion4AndUnique) {
  const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = uuid_v4();
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(std::regex_match(*id, shape)) << *id;
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace checkout::http
