#include "actors/order/return_urls.hpp"

#include "config/url_template.hpp"

namespace checkout::return_urls {

std::string default_url(const std::string& public_base_url, const std::string& order_token) {
  return public_base_url + "/api/v1/checkout/return?order_token=" + order_token;
}

std::string resolve(const std::string& given, const std::string& public_base_url,
                    const std::string& order_token) {
  if (given.empty()) return default_url(public_base_url, order_token);
  return config::replace_all(given, order_token_placeholder, order_token);
}

std::string order_page(const std::string& public_base_url, const std::string& order_token) {
  return public_base_url + "/orders/" + order_token;
}

}  // namespace checkout::return_urls
