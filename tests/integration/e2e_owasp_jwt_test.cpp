// OWASP API2:2023 (broken authentication), CONTRACT §2 and §13, through the real
// binary with JWT_ISSUER, JWT_AUDIENCE, JWT_SECRET_PREVIOUS and JWT_LEEWAY set:
// only an HS256 token signed with a configured secret, for this issuer and
// audience, inside its validity (give or take the leeway), opens anything.
#include <gtest/gtest.h>

#include "e2e_jwt.hpp"
#include "e2e_support.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using e2e::jwt;
using e2e::now_seconds;

const std::string current = "owasp-jwt-suite-current-secret-5e1b7c9d";
const std::string previous = "owasp-jwt-suite-previous-secret-0a2f4e6c";
const std::string issuer = "https://auth.checkout.test";
const std::string audience = "checkout-api";
const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

class OwaspJwt : public e2e::shared_server<OwaspJwt> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"JWT_SECRET", current},
            {"JWT_SECRET_PREVIOUS", previous},
            {"JWT_ISSUER", issuer},
            {"JWT_AUDIENCE", audience},
            {"JWT_LEEWAY", "10s"}};
  }

 protected:
  // Claims for `sub`; `extra` is appended inside the object.
  static std::string claims(const std::string& sub, const std::string& extra = {},
                            long long exp_in = 3600, bool admin = true) {
    return R"({"sub":")" + sub + R"(","iss":")" + issuer + R"(","aud":")" + audience +
           R"(","exp":)" + std::to_string(now_seconds() + exp_in) + R"(,"roles":)" +
           (admin ? R"(["admin"])" : "[]") + extra + "}";
  }
  static std::string claims_without(const std::string& sub, const std::string& fields) {
    return "{" + std::string(R"("sub":")") + sub + "\"," + fields + R"(,"exp":)" +
           std::to_string(now_seconds() + 3600) + R"(,"roles":["admin"]})";
  }
  int status(const std::string& token, const std::string& target = "/api/v1/admin/actors") {
    return call(srv->port(), "GET", target, {}, {{"Authorization", "Bearer " + token}}).status;
  }
};

TEST_F(OwaspJwt, only_tokens_that_satisfy_every_rule_are_accepted) {
  auto sub = e2e::unique("jwt-admin");
  auto good = jwt(hs256, claims(sub), EVP_sha256(), current);
  ASSERT_EQ(status(good), 200);
  ASSERT_EQ(status(good, "/api/v1/orders"), 200);

  struct attempt {
    const char* name;
    std::string token;
    int expected;
  };
  auto payload = claims(sub);
  auto user_token = jwt(hs256, claims(sub, {}, 3600, false), EVP_sha256(), current);
  auto sig = user_token.rfind('.');
  const std::vector<attempt> attempts = {
      {"rotation: the previous secret", jwt(hs256, payload, EVP_sha256(), previous), 200},
      {"aud as an array holding ours",
       jwt(hs256,
           R"({"sub":")" + sub + R"(","iss":")" + issuer + R"(","aud":["other",")" + audience +
               R"("],"exp":)" + std::to_string(now_seconds() + 3600) + R"(,"roles":["admin"]})",
           EVP_sha256(), current),
       200},
      {"expired within the leeway", jwt(hs256, claims(sub, {}, -5), EVP_sha256(), current), 200},
      {"nbf within the leeway",
       jwt(hs256, claims(sub, R"(,"nbf":)" + std::to_string(now_seconds() + 5)), EVP_sha256(),
           current),
       200},
      {"alg none", jwt(R"({"alg":"none","typ":"JWT"})", payload, nullptr, ""), 401},
      {"alg None", jwt(R"({"alg":"None"})", payload, nullptr, ""), 401},
      {"HS512 with our secret",
       jwt(R"({"alg":"HS512","typ":"JWT"})", payload, EVP_sha512(), current), 401},
      {"HS384 with our secret",
       jwt(R"({"alg":"HS384","typ":"JWT"})", payload, EVP_sha384(), current), 401},
      {"a wrong key", jwt(hs256, payload, EVP_sha256(), "an-attackers-own-secret-0123456789"), 401},
      {"a key the attacker points to",
       jwt(R"({"alg":"HS256","jku":"https://evil.example/keys","kid":"evil"})", payload,
           EVP_sha256(), "an-attackers-own-secret-0123456789"),
       401},
      {"expired beyond the leeway", jwt(hs256, claims(sub, {}, -60), EVP_sha256(), current), 401},
      {"nbf beyond the leeway",
       jwt(hs256, claims(sub, R"(,"nbf":)" + std::to_string(now_seconds() + 120)), EVP_sha256(),
           current),
       401},
      {"issued in the future",
       jwt(hs256, claims(sub, R"(,"iat":)" + std::to_string(now_seconds() + 3600)), EVP_sha256(),
           current),
       401},
      {"a wrong issuer",
       jwt(hs256, claims_without(sub, R"("iss":"https://evil.example","aud":")" + audience + "\""),
           EVP_sha256(), current),
       401},
      {"no issuer",
       jwt(hs256, claims_without(sub, R"("aud":")" + audience + "\""), EVP_sha256(), current), 401},
      {"a wrong audience",
       jwt(hs256, claims_without(sub, R"("iss":")" + issuer + R"(","aud":"other-service")"),
           EVP_sha256(), current),
       401},
      {"no audience",
       jwt(hs256, claims_without(sub, R"("iss":")" + issuer + "\""), EVP_sha256(), current), 401},
      {"critical extensions",
       jwt(R"({"alg":"HS256","crit":["exp"]})", payload, EVP_sha256(), current), 401},
      {"a user's token with admin claims pasted in",
       user_token.substr(0, user_token.find('.')) + "." + e2e::base64url(payload) +
           user_token.substr(sig),
       401},
      {"a signature cut off", good.substr(0, good.rfind('.') + 1), 401},
      {"a user's genuine token on an admin route", user_token, 403},
  };
  for (const auto& a : attempts) EXPECT_EQ(status(a.token), a.expected) << a.name;
  // The same refusals on a customer route.
  for (const auto& a : attempts)
    if (a.expected == 401) {
      EXPECT_EQ(status(a.token, "/api/v1/orders"), 401) << a.name;
    }
  // A token from the test helper has neither iss nor aud: refused here.
  EXPECT_EQ(status(e2e::token_for(sub, true)), 401);
}

TEST_F(OwaspJwt, refusals_are_the_contract_envelope_and_echo_no_token) {
  auto bad =
      jwt(hs256, claims(e2e::unique("jwt")), EVP_sha256(), "an-attackers-own-secret-0123456789");
  auto r = call(srv->port(), "GET", "/api/v1/orders", {}, {{"Authorization", "Bearer " + bad}});
  EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 401, 1401));
  EXPECT_EQ(r.body.find(bad), std::string::npos);
  EXPECT_EQ(r.body.find(bad.substr(bad.rfind('.') + 1)), std::string::npos);
}

}  // namespace
