// The storefront's static files (CONTRACT §15), compiled into checkoutd from
// http/storefront/ by cmake/embed_assets.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace checkout::http {

struct embedded_asset {
  std::string_view name;  // file name, e.g. "app.js"
  std::string_view body;
};

const std::vector<embedded_asset>& embedded_assets();

// The asset called `name`, or nullptr.
const embedded_asset* find_asset(std::string_view name);

// The Content-Type a browser needs for a file of that name (by extension).
std::string_view asset_content_type(std::string_view name);

}  // namespace checkout::http
