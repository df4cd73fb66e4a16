// The link to an order's printable invoice that the confirmation email and
// the order's page carry (CONTRACT §16): a browser following it sends no
// Bearer token, so the link holds a key, an HMAC of the order token under the
// JWT secret, that lets its holder read that one invoice.
#pragma once

#include <string>

namespace checkout::invoice {

std::string access_key(const std::string& secret, const std::string& order_token);
// Compared in constant time.
bool valid_access_key(const std::string& secret, const std::string& order_token,
                      const std::string& key);
// {public_base_url}/api/v1/orders/{token}/invoice?key=...
std::string link(const std::string& public_base_url, const std::string& secret,
                 const std::string& order_token);

}  // namespace checkout::invoice
