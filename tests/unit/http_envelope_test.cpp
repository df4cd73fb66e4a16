// The exact bytes of CONTRACT §1 envelopes.
#include <gtest/gtest.h>

#include "http/envelope.hpp"

namespace checkout::http {
namespace {

TEST(HttpEnvelope, SuccessBytes) {
  auto body = success_body(
      200,
      [](json_writer& w) {
        w.Key("cart");
        w.StartObject();
        w.Key("token");
        w.String("t-1");
        w.EndObject();
      },
      "cid-1");
  EXPECT_EQ(
      body,
      R"({"status":200,"success":true,"data":{"cart":{"token":"t-1"}},"correlation_id":"cid-1"})");
}

TEST(HttpEnvelope, SuccessWithEmptyData) {
  EXPECT_EQ(success_body(201, nullptr, "x"),
            R"({"status":201,"success":true,"data":{},"correlation_id":"x"})");
}

TEST(HttpEnvelope, ErrorBytes) {
  error_view v{422, 2004, "Coupon is invalid.", {"coupon has expired"}, false, "Try another."};
  EXPECT_EQ(error_body(v, "cid-2"),
            R"({"status":422,"success":false,"error":{"code":2004,"message":"Coupon is invalid.",)"
            R"("validation_messages":["coupon has expired"],"correlation_id":"cid-2",)"
            R"("retryable":false,"suggested_action":"Try another."}})");
}

TEST(HttpEnvelope, ErrorEscapesStrings) {
  error_view v{400, 1000, "a \"quoted\"\nline", {}, true, ""};
  EXPECT_EQ(
      error_body(v, "c"),
      R"({"status":400,"success":false,"error":{"code":1000,"message":"a \"quoted\"\nline",)"
      R"("validation_messages":[],"correlation_id":"c","retryable":true,"suggested_action":""}})");
}

TEST(HttpEnvelope, OkBuildsResponse) {
  request req;
  req.correlation_id = "abc";
  auto res = ok(req, 201, [](json_writer& w) {
    w.Key("n");
    w.Int(1);
  });
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, R"({"status":201,"success":true,"data":{"n":1},"correlation_id":"abc"})");
}

TEST(HttpEnvelope, FailUsesTheErrorTable) {
  request req;
  req.correlation_id = "abc";
  auto res = fail(req, errc::coupon_invalid, "coupon has expired");
  EXPECT_EQ(res.status, 422);
  auto v = describe(errc::coupon_invalid, "coupon has expired");
  EXPECT_EQ(res.body, error_body(v, "abc"));
  EXPECT_NE(res.body.find(R"("code":2004)"), std::string::npos);
  EXPECT_NE(res.body.find(R"("validation_messages":["coupon has expired"])"), std::string::npos);

  auto many = fail(req, make_error(errc::invalid_field, std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(many.status, 422);
  EXPECT_NE(many.body.find(R"("validation_messages":["a","b"])"), std::string::npos);
}

TEST(HttpEnvelope, RetryableErrors) {
  request req;
  req.correlation_id = "r";
  auto res = fail(req, errc::idempotency_in_progress);
  EXPECT_EQ(res.status, 409);
  EXPECT_NE(res.body.find(R"("code":6002)"), std::string::npos);
  EXPECT_NE(res.body.find(R"("retryable":true)"), std::string::npos);
}

}  // namespace
}  // namespace checkout::http
