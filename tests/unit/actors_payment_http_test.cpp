// The HTTP plumbing's pure parts: URLs, answers mapped onto the adapter's
// errors, Basic auth.
#include <gtest/gtest.h>

#include "actors/errors.hpp"
#include "actors/payment/gateway_http.hpp"
#include "actors/payment/http_client.hpp"

namespace checkout::payment {
namespace {

TEST(ParseUrl, Forms) {
  auto a = parse_url("https://api.razorpay.com/v1/orders?receipt=x");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "api.razorpay.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->host_header, "api.razorpay.com");
  EXPECT_EQ(a->target, "/v1/orders?receipt=x");

  auto b = parse_url("http://127.0.0.1:8081");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, "8081");
  EXPECT_EQ(b->host_header, "127.0.0.1:8081");
  EXPECT_EQ(b->target, "/");

  auto c = parse_url("http://[::1]:9000/x#frag");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "9000");
  EXPECT_EQ(c->host_header, "[::1]:9000");
  EXPECT_EQ(c->target, "/x");

  auto d = parse_url("http://host?q=1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, "80");
  EXPECT_EQ(d->target, "/?q=1");
}

TEST(ParseUrl, Rejects) {
  for (auto bad :
       {"", "ftp://x", "api.stripe.com", "http://", "http://:80/", "http://h:0", "http://h:65536",
        "http://h:8o", "http://user:pw@h/", "http://[::1/", "http://[::1]x/"})
    EXPECT_FALSE(parse_url(bad).has_value()) << bad;
}

http_result answered(int status, std::string body = {}) {
  http_result r;
  r.response = http_response{status, {}, std::move(body)};
  return r;
}

TEST(AnswerBody, TwoHundredsAreTheBody) {
  auto b = answer_body("stripe", "get session", answered(200, "{}"));
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "{}");
  EXPECT_TRUE(answer_body("stripe", "x", answered(201, "")));
}

TEST(AnswerBody, NoAnswerIsUnavailable) {
  http_result r;
  r.error = {transport_errc::timeout, "deadline"};
  auto b = answer_body("razorpay", "create order", r);
  ASSERT_FALSE(b);
  EXPECT_TRUE(is_errc(b.error(), errc::gateway_unavailable));
  auto v = describe(b.error());
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.code, 4001);
  EXPECT_TRUE(v.retryable);
}

TEST(AnswerBody, RetryableStatusesAreUnavailableOthersRejected) {
  for (int s : {429, 500, 502, 503})
    EXPECT_TRUE(is_errc(answer_body("g", "s", answered(s)).error(), errc::gateway_unavailable))
        << s;
  for (int s : {301, 400, 401, 402, 404, 409})
    EXPECT_TRUE(is_errc(answer_body("g", "s", answered(s)).error(), errc::gateway_rejected)) << s;
  auto v = describe(answer_body("g", "s", answered(400)).error());
  EXPECT_EQ(v.status, 502);
  EXPECT_EQ(v.code, 4002);
}

TEST(GatewayMessage, FromEitherFormat) {
  EXPECT_EQ(gateway_message(R"({"error":{"code":"BAD_REQUEST_ERROR","description":"Bad amount"}})"),
            "Bad amount");
  EXPECT_EQ(gateway_message(R"({"error":{"type":"invalid_request_error","message":"No such"}})"),
            "No such");
  EXPECT_EQ(gateway_message("<html>"), "");
  EXPECT_EQ(gateway_message(R"({"error":"flat"})"), "");
  EXPECT_EQ(gateway_message(R"({"error":{"message":")" + std::string(500, 'x') + R"("}})").size(),
            200u);
  EXPECT_EQ(gateway_error_field(R"({"error":{"param":"expires_at"}})", "param"), "expires_at");
}

TEST(ParseObject, NonObjectsAreUnavailable) {
  EXPECT_TRUE(parse_object("g", "s", R"({"id":"x"})"));
  for (auto bad : {"", "[]", "<html>", "{\"id\":"})
    EXPECT_TRUE(is_errc(parse_object("g", "s", bad).error(), errc::gateway_unavailable)) << bad;
}

TEST(BasicAuth, KnownValue) {
  // RFC 7617's example.
  EXPECT_EQ(basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_auth("rzp_test_1", ""), "Basic cnpwX3Rlc3RfMTo=");
}

TEST(JoinUrl, TrailingSlashes) {
  EXPECT_EQ(join_url("http://h:1/", "/v1/x"), "http://h:1/v1/x");
  EXPECT_EQ(join_url("http://h:1", "/v1/x"), "http://h:1/v1/x");
  EXPECT_EQ(join_url("http://h:1/base//", "/v1"), "http://h:1/base/v1");
}

TEST(HttpResponse, HeaderLookupIgnoresCase) {
  http_response r{200, {{"Content-Type", "application/json"}, {"Idempotent-Replayed", "true"}}, ""};
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("IDEMPOTENT-REPLAYED"), "true");
  EXPECT_EQ(r.header("missing"), "");
}

}  // namespace
}  // namespace checkout::payment
