// Domain errors and their mapping onto the contract's status and code (CONTRACT §1-§8).
#include <gtest/gtest.h>

#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <string>
#include <vector>

#include "actors/errors.hpp"

namespace checkout {
namespace {

struct mapping {
  errc code;
  int status;
  int contract_code;
  bool retryable;
};

// Status and code as the contract names them.
const std::vector<mapping> table = {
    {errc::malformed_json, 400, 1000, false},
    {errc::invalid_field, 422, 1000, false},
    {errc::payload_too_large, 413, 1413, false},
    {errc::unauthenticated, 401, 1401, false},
    {errc::forbidden, 403, 1403, false},
    {errc::route_not_found, 404, 1404, false},
    {errc::method_not_allowed, 405, 1405, false},
    {errc::cart_not_found, 404, 1001, false},
    {errc::cart_expired, 410, 1002, false},
    {errc::cart_converted, 409, 1003, false},
    {errc::cart_empty, 422, 1004, false},
    {errc::internship_unknown, 422, 1101, false},
    {errc::internship_unavailable, 409, 1102, false},
    {errc::already_enrolled, 409, 1103, false},
    {errc::internship_not_found, 404, 1104, false},
    {errc::internship_exists, 409, 1105, false},
    {errc::coupon_invalid, 422, 2004, false},
    {errc::order_not_found, 404, 5001, false},
    {errc::order_state_conflict, 409, 5005, false},
    {errc::gateway_unavailable, 503, 4001, true},
    {errc::gateway_rejected, 502, 4002, false},
    {errc::price_changed, 409, 5002, false},
    {errc::sold_out, 409, 5003, false},
    {errc::cart_changed, 409, 5004, true},
    {errc::idempotency_key_missing, 400, 6000, false},
    {errc::idempotency_key_mismatch, 422, 6001, false},
    {errc::idempotency_in_progress, 409, 6002, true},
    {errc::bad_signature, 400, 7001, false},
    {errc::amount_mismatch, 422, 7002, false},
    {errc::bad_webhook, 400, 7003, false},
    {errc::unavailable, 503, 9503, true},
    {errc::timeout, 503, 9504, true},
    {errc::internal, 500, 9500, true},
};

TEST(Errors, TableMatchesTheContract) {
  for (auto& m : table) {
    SCOPED_TRACE(static_cast<int>(m.code));
    auto v = describe(m.code);
    EXPECT_EQ(v.status, m.status);
    EXPECT_EQ(v.code, m.contract_code);
    EXPECT_EQ(v.retryable, m.retryable);
    EXPECT_FALSE(v.message.empty());
    EXPECT_FALSE(v.suggested_action.empty());
    EXPECT_TRUE(v.validation_messages.empty());
  }
}

TEST(Errors, CouponInvalidMessage) {
  EXPECT_EQ(describe(errc::coupon_invalid).message, "Coupon is invalid.");
}

TEST(Errors, EveryCodeGoesThroughCafError) {
  for (auto& m : table) {
    SCOPED_TRACE(static_cast<int>(m.code));
    auto e = make_error(m.code);
    ASSERT_TRUE(e);
    EXPECT_EQ(e.category(), checkout_error_category);
    EXPECT_EQ(static_cast<errc>(e.code()), m.code);
    auto v = describe(e);
    EXPECT_EQ(v.status, m.status);
    EXPECT_EQ(v.code, m.contract_code);
    EXPECT_EQ(v.retryable, m.retryable);
    EXPECT_TRUE(v.validation_messages.empty());
  }
}

TEST(Errors, DetailBecomesOneValidationMessage) {
  auto v = describe(make_error(errc::coupon_invalid, "coupon has expired"));
  EXPECT_EQ(v.status, 422);
  EXPECT_EQ(v.code, 2004);
  EXPECT_EQ(v.message, "Coupon is invalid.");
  EXPECT_EQ(v.validation_messages, (std::vector<std::string>{"coupon has expired"}));

  auto direct = describe(errc::invalid_field, "quantity must be 1-100");
  EXPECT_EQ(direct.validation_messages, (std::vector<std::string>{"quantity must be 1-100"}));
}

TEST(Errors, EmptyDetailMeansNoMessage) {
  EXPECT_TRUE(describe(make_error(errc::invalid_field, std::string())).validation_messages.empty());
  EXPECT_TRUE(describe(errc::invalid_field, "").validation_messages.empty());
}

TEST(Errors, SeveralValidationMessagesInOrder) {
  std::vector<std::string> reasons = {"coupon has expired", "minimum order value is 50000",
                                      "not valid for this internship"};
  auto e = make_error(errc::coupon_invalid, reasons);
  EXPECT_EQ(e.category(), checkout_error_category);
  auto v = describe(e);
  EXPECT_EQ(v.status, 422);
  EXPECT_EQ(v.code, 2004);
  EXPECT_EQ(v.validation_messages, reasons);
}

TEST(Errors, EmptyVectorOfMessages) {
  auto v = describe(make_error(errc::coupon_invalid, std::vector<std::string>{}));
  EXPECT_EQ(v.code, 2004);
  EXPECT_TRUE(v.validation_messages.empty());
}

TEST(Errors, ActorTimeoutIsRetryable503) {
  auto v = describe(caf::make_error(caf::sec::request_timeout));
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.code, 9504);
  EXPECT_TRUE(v.retryable);
}

TEST(Errors, ActorDownIsUnavailable) {
  auto v = describe(caf::make_error(caf::sec::request_receiver_down));
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.code, 9503);
  EXPECT_TRUE(v.retryable);
}

TEST(Errors, OtherSystemErrorsAreInternal) {
  auto v = describe(caf::make_error(caf::sec::unexpected_message));
  EXPECT_EQ(v.status, 500);
  EXPECT_EQ(v.code, 9500);
}

TEST(Errors, DatabaseErrorsAreUnavailable) {
  auto v = describe(caf::error(static_cast<std::uint8_t>(3), caf::atom("db")));
  EXPECT_EQ(v.status, 503);
  EXPECT_EQ(v.code, 9503);
  EXPECT_TRUE(v.retryable);
}

TEST(Errors, ForeignCategoryIsInternal) {
  auto v = describe(caf::error(static_cast<std::uint8_t>(1), caf::atom("other")));
  EXPECT_EQ(v.status, 500);
  EXPECT_EQ(v.code, 9500);
}

TEST(Errors, UnknownCheckoutCodeIsInternal) {
  auto v = describe(caf::error(static_cast<std::uint8_t>(200), checkout_error_category));
  EXPECT_EQ(v.status, 500);
  EXPECT_EQ(v.code, 9500);
}

}  // namespace
}  // namespace checkout
