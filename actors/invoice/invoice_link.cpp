#include "actors/invoice/invoice_link.hpp"

#include "actors/webhook/webhook_payload.hpp"

namespace checkout::invoice {
namespace {

// A purpose of its own, so the key is no signature valid anywhere else.
const std::string purpose = "checkout invoice link v1:";

}  // namespace

std::string access_key(const std::string& secret, const std::string& order_token) {
  return webhook_payload::hmac_sha256_hex(secret, purpose + order_token);
}

bool valid_access_key(const std::string& secret, const std::string& order_token,
                      const std::string& key) {
  return !secret.empty() &&
         webhook_payload::equal_constant_time(access_key(secret, order_token), key);
}

std::string link(const std::string& public_base_url, const std::string& secret,
                 const std::string& order_token) {
  return public_base_url + "/api/v1/orders/" + order_token +
         "/invoice?key=" + access_key(secret, order_token);
}

}  // namespace checkout::invoice
