// Links the service hands out that an operator shapes with a template
// (CONTRACT §15): CART_URL_TEMPLATE with its {PUBLIC_BASE_URL} and {token}.
#pragma once

#include <string>

#include "config/settings.hpp"

namespace checkout::config {

// `text` with every `placeholder` replaced by `value` (a value that itself
// contains the placeholder is not expanded again).
std::string replace_all(std::string text, const std::string& placeholder, const std::string& value);

// The cart's page for a buyer: CART_URL_TEMPLATE with {PUBLIC_BASE_URL} and
// {token} filled in.
std::string cart_url(const settings& s, const std::string& cart_token);

}  // namespace checkout::config
