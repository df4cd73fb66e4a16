// The storefront compiled into checkoutd is the one in http/storefront/,
// byte for byte (cmake/embed_assets.cmake), and each file is served with the
// type a browser will run or style it by (nosniff is on every answer).
#include "http/routes/storefront_assets.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using checkout::http::asset_content_type;
using checkout::http::embedded_assets;
using checkout::http::find_asset;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(storefront_assets, every_file_of_the_folder_is_embedded_unchanged) {
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(STOREFRONT_DIR)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    auto name = entry.path().filename().string();
    const auto* a = find_asset(name);
    ASSERT_NE(a, nullptr) << name << " is not embedded";
    EXPECT_EQ(std::string(a->body), read_file(entry.path())) << name << " differs";
  }
  EXPECT_EQ(files, embedded_assets().size());
  EXPECT_GE(files, 4u);  // the page, its script and style, the console
  EXPECT_EQ(find_asset("missing.js"), nullptr);
}

TEST(storefront_assets, types_follow_the_extension) {
  EXPECT_EQ(asset_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(asset_content_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset_content_type("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(asset_content_type("logo.svg"), "image/svg+xml");
  EXPECT_EQ(asset_content_type("app.js.map"), "application/octet-stream");
  EXPECT_EQ(asset_content_type("js"), "application/octet-stream");
}

}  // namespace
