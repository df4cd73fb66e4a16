// Bearer JWT verification, http::authenticate (http/auth.hpp). Input, one part
// a line:
//   1. an Authorization header value, verified as sent;
//   2. (optional) a JOSE header and 3. a claims set, both JSON: the target
//      signs them itself with HMAC-SHA256 and the current secret, so the
//      fuzzer reaches the claims and header checks behind a valid signature.
// Properties: a token signed with a wrong secret, or with HS512 and the right
// one, never authenticates; a token that authenticates names HS256, no
// critical extension, an unexpired exp, a non-empty sub, and the issuer and
// audience of the policy.
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "http/auth.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

const std::string current_secret = "fuzz-current-secret-0123456789abcdef";
const std::string previous_secret = "fuzz-previous-secret-0123456789abcdef";
const std::string wrong_secret = "fuzz-wrong-secret-0123456789abcdefgh";
const std::string issuer = "https://issuer.example";
const std::string audience = "checkout";

const http::jwt_policy& policy() {
  static const http::jwt_policy p{
      {current_secret, "", previous_secret}, issuer, audience, std::chrono::seconds(30)};
  return p;
}

http::auth_result authenticate(const std::string& authorization) {
  http::request req;
  req.method = "GET";
  req.target = "/api/v1/orders";
  req.headers = {{"Host", "localhost"}, {"Authorization", authorization}};
  return http::authenticate(req, policy());
}

std::string base64url(std::string_view bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

// header.claims.signature, HS256 over the first two parts.
std::string sign_hs256(const std::string& secret, const std::string& header,
                       const std::string& claims) {
  auto input = base64url(header) + "." + base64url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url(std::string_view(reinterpret_cast<const char*>(mac), len));
}

struct jwt_deleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
struct free_deleter {
  void operator()(char* p) const { std::free(p); }
};

// The claims and JOSE header as libjwt verified them (the service reads the
// same), for checking what was accepted.
struct verified_token {
  jwt_alg_t alg = JWT_ALG_NONE;
  rapidjson::Document claims;
  rapidjson::Document header;
};
std::unique_ptr<verified_token> decode(const std::string& token) {
  jwt_t* raw = nullptr;
  for (const auto& secret : {current_secret, previous_secret}) {
    if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                   static_cast<int>(secret.size())) == 0)
      break;
    raw = nullptr;
  }
  std::unique_ptr<jwt_t, jwt_deleter> jwt(raw);
  if (!jwt) return nullptr;
  std::unique_ptr<char, free_deleter> claims(jwt_get_grants_json(jwt.get(), nullptr));
  std::unique_ptr<char, free_deleter> header(jwt_get_headers_json(jwt.get(), nullptr));
  if (!claims || !header) return nullptr;
  auto out = std::make_unique<verified_token>();
  out->alg = jwt_get_alg(jwt.get());
  out->claims.Parse(claims.get());
  out->header.Parse(header.get());
  return out;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool audience_ok(const rapidjson::Value& aud) {
  if (aud.IsString()) return aud.GetString() == audience;
  if (!aud.IsArray()) return false;
  for (const auto& a : aud.GetArray())
    if (a.IsString() && a.GetString() == audience) return true;
  return false;
}

// What the policy demands of any token that authenticated.
void check_accepted(const std::string& token, const http::auth_user& user) {
  FUZZ_CHECK(!user.user_id.empty());
  auto v = decode(token);
  FUZZ_CHECK(v != nullptr);
  const auto& c = v->claims;
  const auto& h = v->header;
  FUZZ_CHECK(c.IsObject() && h.IsObject());
  FUZZ_CHECK(v->alg == JWT_ALG_HS256);
  // RFC 7515 §4.1.11: "crit" is an array of names; none is understood here.
  FUZZ_CHECK(!h.HasMember("crit"));
  // Leeway 30 s; 5 s more for the time this check takes.
  const double now = static_cast<double>(now_seconds());
  FUZZ_CHECK(c.HasMember("exp") && c["exp"].IsNumber() && c["exp"].GetDouble() + 30 > now - 5);
  for (const char* not_before : {"nbf", "iat"})
    FUZZ_CHECK(!c.HasMember(not_before) ||
               (c[not_before].IsNumber() && c[not_before].GetDouble() - 30 <= now + 5));
  FUZZ_CHECK(c.HasMember("sub") && c["sub"].IsString() &&
             user.user_id == std::string(c["sub"].GetString(), c["sub"].GetStringLength()));
  FUZZ_CHECK(c.HasMember("iss") && c["iss"].IsString() &&
             std::string(c["iss"].GetString(), c["iss"].GetStringLength()) == issuer);
  FUZZ_CHECK(c.HasMember("aud") && audience_ok(c["aud"]));
}

void verify_as_sent(const std::string& token) {
  auto r = authenticate("Bearer " + token);
  FUZZ_CHECK(r.user.has_value() != static_cast<bool>(r.error));
  if (r.user) check_accepted(token, *r.user);
}

// libjwt signs the claims with HS512 and the right secret: the algorithm is
// pinned, so this must fail.
void check_hs512_refused(const std::string& claims) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return;
  std::unique_ptr<jwt_t, jwt_deleter> jwt(raw);
  if (jwt_add_grants_json(jwt.get(), claims.c_str()) != 0) return;
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS512,
                  reinterpret_cast<const unsigned char*>(current_secret.data()),
                  static_cast<int>(current_secret.size())) != 0)
    return;
  std::unique_ptr<char, free_deleter> token(jwt_encode_str(jwt.get()));
  if (!token) return;
  auto r = authenticate(std::string("Bearer ") + token.get());
  FUZZ_CHECK(!r.user);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::as_view(data, size);
  const auto authorization = fuzz::take_line(in);
  auto r = authenticate(authorization);
  FUZZ_CHECK(r.user.has_value() != static_cast<bool>(r.error));
  if (r.user) {
    // "Bearer", then spaces, then the token (trailing spaces allowed).
    auto token = authorization.substr(authorization.find_first_not_of(' ', 6));
    while (!token.empty() && token.back() == ' ') token.pop_back();
    check_accepted(token, *r.user);
  }

  if (in.empty()) return 0;
  const auto header = fuzz::take_line(in);
  const std::string claims(in);
  verify_as_sent(sign_hs256(current_secret, header, claims));
  FUZZ_CHECK(!authenticate("Bearer " + sign_hs256(wrong_secret, header, claims)).user);
  check_hs512_refused(claims);
  return 0;
}
