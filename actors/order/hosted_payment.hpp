// What a hosted checkout page shows for one payment attempt (the sandbox
// gateway's page, CONTRACT §8): the attempt, its order's lines with their
// titles, and where the buyer returns afterwards. Found by the payment token,
// which is the page's capability (no owner check, as at a real gateway).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/order/order_record.hpp"

namespace checkout {

struct hosted_payment_lookup {
  std::string payment_token;
};

struct hosted_line {
  std::string title;
  int quantity = 1;
  std::int64_t amount = 0;  // the line's total, tax included, in minor units
};

struct hosted_payment {
  payment_info payment;
  std::string order_token;
  // As the storefront gave them (may hold {order_token}); empty: none given.
  std::string success_url;
  std::string cancel_url;
  std::vector<hosted_line> lines;
};

namespace order_store {

// The attempt with its order's lines and return URLs; nullopt for an unknown token.
std::optional<hosted_payment> find_hosted_payment(pqxx::transaction_base& txn,
                                                  const std::string& payment_token);

}  // namespace order_store
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::hosted_payment_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::hosted_payment)
