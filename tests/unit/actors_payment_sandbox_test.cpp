// The sandbox adapter: no outbound call, ids stable per attempt.
#include <gtest/gtest.h>

#include <regex>

#include "actors/payment/sandbox_adapter.hpp"

namespace checkout::payment {
namespace {

session_request attempt(const std::string& payment_token) {
  session_request r;
  r.order_token = "order-token";
  r.payment_token = payment_token;
  r.amount = 500;
  r.currency = "INR";
  return r;
}

TEST(SandboxAdapter, CreateSession) {
  sandbox_adapter a("http://localhost:8080");
  EXPECT_EQ(a.name(), "sandbox");
  auto s = a.create_session(attempt("p-1"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->gateway, "sandbox");
  EXPECT_TRUE(std::regex_match(s->gateway_order_id, std::regex("order_[0-9a-f]{14}")))
      << s->gateway_order_id;
  EXPECT_EQ(s->checkout_url, "http://localhost:8080/api/v1/sandbox/checkout/p-1");
  // A resumed create answers the same order; another attempt another one.
  EXPECT_EQ(a.create_session(attempt("p-1"))->gateway_order_id, s->gateway_order_id);
  EXPECT_NE(a.create_session(attempt("p-2"))->gateway_order_id, s->gateway_order_id);
}

TEST(SandboxAdapter, FetchIsOpenExpireAndRefundSucceed) {
  sandbox_adapter a("http://x");
  auto f = a.fetch("order_00000000000000");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, remote_state::open);
  EXPECT_FALSE(a.expire("order_00000000000000"));
  refund_request r;
  r.idempotency_key = "k-1";
  auto done = a.refund(r);
  ASSERT_TRUE(done);
  EXPECT_TRUE(std::regex_match(done->refund_id, std::regex("rfnd_[0-9a-f]{14}")));
  EXPECT_EQ(done->status, "processed");
  EXPECT_EQ(a.refund(r)->refund_id, done->refund_id);
}

}  // namespace
}  // namespace checkout::payment
