// Bearer JWT: only HS256 with the configured secret, `sub` and unexpired `exp`.
#include <gtest/gtest.h>
#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "actors/errors.hpp"
#include "http/auth.hpp"

namespace checkout::http {
namespace {

const std::string secret = "test-secret-of-reasonable-length";

std::string base64url(const std::string& in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
  }
  return out;
}

long now() {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
}

// A token signed by libjwt with any algorithm and claims.
std::string signed_token(jwt_alg_t alg, const std::string& key, const std::string& claims_json) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), claims_json.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  char* s = jwt_encode_str(jwt.get());
  EXPECT_NE(s, nullptr);
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

std::string claims(const std::string& extra = {}) {
  return R"({"sub":"user-1","exp":)" + std::to_string(now() + 600) + extra + "}";
}

request with_auth(const std::string& value) {
  request req;
  req.headers.emplace_back("Authorization", value);
  return req;
}

void expect_rejected(const request& req, const std::string& what) {
  auto res = authenticate(req, secret);
  EXPECT_FALSE(res.user) << what;
  ASSERT_TRUE(res.error) << what;
  auto v = describe(res.error);
  EXPECT_EQ(v.status, 401) << what;
  EXPECT_EQ(v.code, 1401) << what;
}

TEST(HttpAuth, NoHeaderIsAGuest) {
  auto res = authenticate(request{}, secret);
  EXPECT_FALSE(res.user);
  EXPECT_FALSE(res.error);
}

TEST(HttpAuth, IssuedTokenIsAccepted) {
  auto token =
      issue_token(secret, "user-7", {"admin", "ops"}, std::chrono::minutes(5), "u7@example.com");
  ASSERT_FALSE(token.empty());
  auto res = authenticate(with_auth("Bearer " + token), secret);
  ASSERT_FALSE(res.error) << describe(res.error).validation_messages.size();
  ASSERT_TRUE(res.user);
  EXPECT_EQ(res.user->user_id, "user-7");
  EXPECT_EQ(res.user->email, "u7@example.com");
  EXPECT_EQ(res.user->roles, (std::vector<std::string>{"admin", "ops"}));
  EXPECT_TRUE(res.user->has_role("admin"));
  EXPECT_FALSE(res.user->has_role("root"));
}

TEST(HttpAuth, SchemeIsCaseInsensitiveAndHeaderNameToo) {
  auto token = issue_token(secret, "u", {}, std::chrono::minutes(5));
  request req;
  req.headers.emplace_back("authorization", "bearer  " + token);
  auto res = authenticate(req, secret);
  ASSERT_TRUE(res.user);
  EXPECT_EQ(res.user->user_id, "u");
  EXPECT_TRUE(res.user->roles.empty());
  EXPECT_TRUE(res.user->email.empty());
}

TEST(HttpAuth, HandMadeHs256TokenWithOptionalClaims) {
  auto token = signed_token(JWT_ALG_HS256, secret,
                            claims(R"(,"email":"a@b.c","roles":["admin"],"extra":{"x":1})"));
  auto res = authenticate(with_auth("Bearer " + token), secret);
  ASSERT_TRUE(res.user);
  EXPECT_EQ(res.user->email, "a@b.c");
  EXPECT_TRUE(res.user->has_role("admin"));
}

TEST(HttpAuth, RejectsMalformedHeaders) {
  auto token = issue_token(secret, "u", {}, std::chrono::minutes(5));
  for (const std::string& h : {std::string(""), std::string("Bearer"), std::string("Bearer "),
                               "Basic " + token, token, "Bearer " + token + " extra",
                               std::string("Bearer not.a.jwt"), std::string("Bearer garbage")}) {
    expect_rejected(with_auth(h), "header: " + h);
  }
}

TEST(HttpAuth, RejectsNoneAlgorithm) {
  std::string header = base64url(R"({"alg":"none","typ":"JWT"})");
  std::string payload = base64url(claims(R"(,"roles":["admin"])"));
  expect_rejected(with_auth("Bearer " + header + "." + payload + "."), "alg none");
  // The same with a signature part attached.
  auto real = issue_token(secret, "user-1", {}, std::chrono::minutes(5));
  auto sig = real.substr(real.rfind('.') + 1);
  expect_rejected(with_auth("Bearer " + header + "." + payload + "." + sig), "alg none + sig");
}

TEST(HttpAuth, RejectsOtherHmacAlgorithmsEvenWithTheRightSecret) {
  expect_rejected(with_auth("Bearer " + signed_token(JWT_ALG_HS512, secret, claims())), "HS512");
  expect_rejected(with_auth("Bearer " + signed_token(JWT_ALG_HS384, secret, claims())), "HS384");
}

TEST(HttpAuth, RejectsRsaHeader) {
  std::string header = base64url(R"({"alg":"RS256","typ":"JWT"})");
  std::string payload = base64url(claims());
  expect_rejected(with_auth("Bearer " + header + "." + payload + "." + base64url("not a sig")),
                  "RS256");
}

TEST(HttpAuth, RejectsWrongSecretAndTampering) {
  auto other = issue_token("another-secret", "user-1", {}, std::chrono::minutes(5));
  expect_rejected(with_auth("Bearer " + other), "wrong secret");

  auto token = issue_token(secret, "user-1", {}, std::chrono::minutes(5));
  auto first_dot = token.find('.');
  auto second_dot = token.find('.', first_dot + 1);
  std::string forged_payload = base64url(claims(R"(,"roles":["admin"])"));
  auto forged = token.substr(0, first_dot + 1) + forged_payload + token.substr(second_dot);
  expect_rejected(with_auth("Bearer " + forged), "payload swapped");
}

TEST(HttpAuth, RejectsExpiredAndMissingClaims) {
  auto expired =
      signed_token(JWT_ALG_HS256, secret, R"({"sub":"u","exp":)" + std::to_string(now() - 5) + "}");
  expect_rejected(with_auth("Bearer " + expired), "expired");
  expect_rejected(with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, R"({"sub":"u"})")),
                  "no exp");
  expect_rejected(
      with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret,
                                         R"({"exp":)" + std::to_string(now() + 60) + "}")),
      "no sub");
  expect_rejected(
      with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, R"({"sub":"u","exp":"tomorrow"})")),
      "string exp");
  expect_rejected(
      with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, claims(R"(,"roles":"admin")"))),
      "roles not an array");
  expect_rejected(
      with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret,
                                         claims(R"(,"nbf":)" + std::to_string(now() + 600)))),
      "not yet valid");
}

TEST(HttpAuth, IssuedTokenExpires) {
  auto token = issue_token(secret, "u", {}, std::chrono::seconds(-1));
  expect_rejected(with_auth("Bearer " + token), "issued already expired");
}

TEST(HttpAuth, EmptySecretAcceptsNothing) {
  auto token = issue_token(secret, "u", {}, std::chrono::minutes(5));
  auto res = authenticate(with_auth("Bearer " + token), "");
  EXPECT_FALSE(res.user);
  EXPECT_TRUE(res.error);
  EXPECT_TRUE(issue_token("", "u", {}, std::chrono::minutes(5)).empty());
}

TEST(HttpAuth, TokensAreNeverInTheErrorMessages) {
  auto other = issue_token("another-secret", "user-1", {}, std::chrono::minutes(5));
  auto res = authenticate(with_auth("Bearer " + other), secret);
  auto v = describe(res.error);
  for (const auto& m : v.validation_messages) EXPECT_EQ(m.find(other), std::string::npos);
}

}  // namespace
}  // namespace checkout::http
