// The security headers every answer carries and the CSP helpers (CONTRACT §13).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>

#include "http/csp.hpp"
#include "http/security_headers.hpp"

namespace checkout::http {
namespace {

std::map<std::string, std::string> as_map(const header_list& h) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : h) out[k] = v;
  return out;
}

TEST(HttpSecurityHeaders, JsonAnswersAreNotSniffedReferredStoredOrFramed) {
  auto h = as_map(security_headers("application/json", ""));
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(h["Cache-Control"], "no-store");
  EXPECT_EQ(h["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'");
}

TEST(HttpSecurityHeaders, HtmlKeepsThePagesPolicyButNeverAllowsFraming) {
  auto h = as_map(security_headers("text/html; charset=utf-8",
                                   "default-src 'none'; frame-ancestors https://evil.example"));
  EXPECT_EQ(h["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(h["X-Frame-Options"], "DENY");
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["Cache-Control"], "no-store");
}

TEST(HttpSecurityHeaders, HtmlWithoutAPolicyGetsOneThatAllowsNothing) {
  auto csp = as_map(security_headers("TEXT/HTML", ""))["Content-Security-Policy"];
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
}

TEST(HttpSecurityHeaders, RoutesCannotSetTheServersHeaders) {
  for (const char* name :
       {"Access-Control-Allow-Origin", "access-control-allow-credentials", "X-Content-Type-Options",
        "Referrer-Policy", "Cache-Control", "Vary", "X-Frame-Options"})
    EXPECT_TRUE(server_owned_header(name)) << name;
  for (const char* name : {"Allow", "Retry-After", "Idempotent-Replayed", "Location"})
    EXPECT_FALSE(server_owned_header(name)) << name;
}

TEST(HttpCsp, HashIsTheBase64Sha256OfTheExactContent) {
  // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
  EXPECT_EQ(csp_hash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
  EXPECT_NE(csp_hash("alert(1)"), csp_hash("alert(1) "));
}

TEST(HttpCsp, BuilderGroupsSourcesByDirectiveInFirstMentionOrder) {
  csp_builder b;
  b.allow("default-src", "'none'")
      .allow("script-src", "https://a.example")
      .allow("img-src", "data:")
      .allow("script-src", "'sha256-x'")
      .allow("script-src", "https://a.example");
  EXPECT_EQ(b.str(), "default-src 'none'; script-src https://a.example 'sha256-x'; img-src data:");
}

TEST(HttpCsp, FrameAncestorsIsForcedToNone) {
  EXPECT_EQ(with_frame_ancestors_none("default-src 'self'"),
            "default-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(with_frame_ancestors_none(" FRAME-ANCESTORS * ; script-src 'self';"),
            "script-src 'self'; frame-ancestors 'none'");
}

}  // namespace
}  // namespace checkout::http
