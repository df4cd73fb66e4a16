#include "actors/payment/sandbox_adapter.hpp"

#include <openssl/sha.h>

namespace checkout::payment {
namespace {

// The first 7 bytes of SHA-256(scope ":" key), as 14 hex digits.
std::string derived_hex(const std::string& scope, const std::string& key) {
  auto text = scope + ":" + key;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 7; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace

sandbox_adapter::sandbox_adapter(std::string public_base_url)
    : public_base_url_(std::move(public_base_url)) {}

caf::expected<session> sandbox_adapter::create_session(const session_request& req) {
  return session{name_, "order_" + derived_hex("order", req.payment_token),
                 public_base_url_ + "/api/v1/sandbox/checkout/" + req.payment_token};
}

caf::expected<remote_payment> sandbox_adapter::fetch(const std::string&) {
  return remote_payment{};
}

caf::error sandbox_adapter::expire(const std::string&) {
  return caf::none;
}

caf::expected<refund_result> sandbox_adapter::refund(const refund_request& req) {
  return refund_result{"rfnd_" + derived_hex("refund", req.idempotency_key), "processed"};
}

}  // namespace checkout::payment
