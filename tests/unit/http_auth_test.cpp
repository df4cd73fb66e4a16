// Bearer JWT: only HS256 with the configured secret, `sub` and unexpired `exp`.
#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

// One secret and no leeway, so expiry is tested to the second.
jwt_policy only(const std::string& key) {
  jwt_policy p;
  p.secrets = {key};
  p.leeway = std::chrono::seconds(0);
  return p;
}

request with_auth(const std::string& value) {
  request req;
  req.headers.emplace_back("Authorization", value);
  return req;
}

void expect_rejected(const request& req, const std::string& what) {
  auto res = authenticate(req, only(secret));
  EXPECT_FALSE(res.user) << what;
  ASSERT_TRUE(res.error) << what;
  auto v = describe(res.error);
  EXPECT_EQ(v.status, 401) << what;
  EXPECT_EQ(v.code, 1401) << what;
}

TEST(HttpAuth, NoHeaderIsAGuest) {
  auto res = authenticate(request{}, only(secret));
  EXPECT_FALSE(res.user);
  EXPECT_FALSE(res.error);
}

TEST(HttpAuth, IssuedTokenIsAccepted) {
  auto token =
      issue_token(secret, "user-7", {"admin", "ops"}, std::chrono::minutes(5), "u7@example.com");
  ASSERT_FALSE(token.empty());
  auto res = authenticate(with_auth("Bearer " + token), only(secret));
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
  auto res = authenticate(req, only(secret));
  ASSERT_TRUE(res.user);
  EXPECT_EQ(res.user->user_id, "u");
  EXPECT_TRUE(res.user->roles.empty());
  EXPECT_TRUE(res.user->email.empty());
}

TEST(HttpAuth, HandMadeHs256TokenWithOptionalClaims) {
  auto token = signed_token(JWT_ALG_HS256, secret,
                            claims(R"(,"email":"a@b.c","roles":["admin"],"extra":{"x":1})"));
  auto res = authenticate(with_auth("Bearer " + token), only(secret));
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
  auto res = authenticate(with_auth("Bearer " + token), only(""));
  EXPECT_FALSE(res.user);
  EXPECT_TRUE(res.error);
  EXPECT_TRUE(issue_token("", "u", {}, std::chrono::minutes(5)).empty());
}

TEST(HttpAuth, TokensAreNeverInTheErrorMessages) {
  auto other = issue_token("another-secret", "user-1", {}, std::chrono::minutes(5));
  auto res = authenticate(with_auth("Bearer " + other), only(secret));
  auto v = describe(res.error);
  for (const auto& m : v.validation_messages) EXPECT_EQ(m.find(other), std::string::npos);
}

// ---- CONTRACT §13: issuer, audience, leeway, rotation; RFC 8725 ----------

jwt_policy strict() {
  auto p = only(secret);
  p.issuer = "https://auth.example.com";
  p.audience = "checkout";
  return p;
}

TEST(HttpAuth, IssuerAndAudienceMustMatchWhenSet) {
  auto good = claims(R"(,"iss":"https://auth.example.com","aud":"checkout")");
  auto res =
      authenticate(with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, good)), strict());
  ASSERT_TRUE(res.user) << to_string(res.error);
  auto in_list = claims(R"(,"iss":"https://auth.example.com","aud":["other","checkout"])");
  EXPECT_TRUE(
      authenticate(with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, in_list)), strict())
          .user);
  for (auto bad : {claims(R"(,"iss":"https://evil.example.com","aud":"checkout")"),
                   claims(R"(,"aud":"checkout")"),
                   claims(R"(,"iss":"https://auth.example.com","aud":"other")"),
                   claims(R"(,"iss":"https://auth.example.com","aud":["other"])"),
                   claims(R"(,"iss":"https://auth.example.com")"),
                   claims(R"(,"iss":["https://auth.example.com"],"aud":"checkout")")}) {
    auto r =
        authenticate(with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, bad)), strict());
    EXPECT_FALSE(r.user) << bad;
    EXPECT_TRUE(is_errc(r.error, errc::unauthenticated)) << bad;
  }
  // Unset, they are not required.
  EXPECT_TRUE(authenticate(with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, claims())),
                           only(secret))
                  .user);
}

TEST(HttpAuth, LeewayAppliesToExpAndNbf) {
  auto p = only(secret);
  p.leeway = std::chrono::seconds(30);
  auto expired_10s = R"({"sub":"u","exp":)" + std::to_string(now() - 10) + "}";
  auto expired_60s = R"({"sub":"u","exp":)" + std::to_string(now() - 60) + "}";
  auto nbf_10s = claims(R"(,"nbf":)" + std::to_string(now() + 10));
  auto nbf_60s = claims(R"(,"nbf":)" + std::to_string(now() + 60));
  auto bearer = [&](const std::string& c) {
    return with_auth("Bearer " + signed_token(JWT_ALG_HS256, secret, c));
  };
  EXPECT_TRUE(authenticate(bearer(expired_10s), p).user);
  EXPECT_FALSE(authenticate(bearer(expired_60s), p).user);
  EXPECT_TRUE(authenticate(bearer(nbf_10s), p).user);
  EXPECT_FALSE(authenticate(bearer(nbf_60s), p).user);
  EXPECT_FALSE(authenticate(bearer(expired_10s), only(secret)).user);
  EXPECT_FALSE(authenticate(bearer(nbf_10s), only(secret)).user);
  // Issued in the future beyond the leeway: minted by a clock we do not trust.
  EXPECT_FALSE(authenticate(bearer(claims(R"(,"iat":)" + std::to_string(now() + 600))), p).user);
}

TEST(HttpAuth, PreviousSecretIsAcceptedDuringARotation) {
  const std::string old_secret = "the-secret-being-rotated-out-0123";
  auto p = only(secret);
  p.secrets.push_back(old_secret);
  auto by_old = issue_token(old_secret, "u-old", {}, std::chrono::minutes(5));
  auto by_new = issue_token(secret, "u-new", {}, std::chrono::minutes(5));
  auto res = authenticate(with_auth("Bearer " + by_old), p);
  ASSERT_TRUE(res.user);
  EXPECT_EQ(res.user->user_id, "u-old");
  EXPECT_TRUE(authenticate(with_auth("Bearer " + by_new), p).user);
  // Once the rotation is over the old secret signs nothing.
  EXPECT_FALSE(authenticate(with_auth("Bearer " + by_old), only(secret)).user);
  // A third secret never.
  auto by_other =
      issue_token("some-third-secret-nobody-configured", "u", {}, std::chrono::minutes(5));
  EXPECT_FALSE(authenticate(with_auth("Bearer " + by_other), p).user);
}

TEST(HttpAuth, CriticalHeaderExtensionsAreRefused) {
  auto header = R"({"alg":"HS256","typ":"JWT","crit":["exp"]})";
  auto body = claims();
  auto signing_input = base64url(header) + "." + base64url(body);
  // Re-sign by hand: libjwt would not emit a crit header.
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  auto token = signing_input + "." + base64url(std::string(reinterpret_cast<char*>(mac), len));
  EXPECT_FALSE(authenticate(with_auth("Bearer " + token), only(secret)).user);
}

TEST(HttpAuth, IssuedTokensCarryIssuerAndAudience) {
  auto t = issue_token(secret, "u", {}, std::chrono::minutes(5), "", "https://auth.example.com",
                       "checkout");
  EXPECT_TRUE(authenticate(with_auth("Bearer " + t), strict()).user);
}

}  // namespace
}  // namespace checkout::http
