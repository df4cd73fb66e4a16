#include "http/auth.hpp"

#include <jwt.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "actors/errors.hpp"
#include "http/ascii.hpp"

namespace checkout::http {
namespace {

struct jwt_deleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using jwt_ptr = std::unique_ptr<jwt_t, jwt_deleter>;

// libjwt hands out malloc'ed strings.
struct free_deleter {
  void operator()(char* p) const { std::free(p); }
};
using c_string = std::unique_ptr<char, free_deleter>;

// Far above any real token; keeps libjwt from decoding arbitrary blobs.
constexpr std::size_t max_token_length = 8192;

auth_result reject(const char* reason) {
  return {std::nullopt, make_error(errc::unauthenticated, reason)};
}

// "Bearer <token>": the scheme is case-insensitive (RFC 7235), the token is one word.
std::optional<std::string> bearer_token(const std::string& header) {
  static constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() ||
      !iequals(std::string_view(header).substr(0, scheme.size()), scheme))
    return std::nullopt;
  auto rest = header.find_first_not_of(' ', scheme.size());
  if (rest == scheme.size() || rest == std::string::npos) return std::nullopt;
  auto token = header.substr(rest);
  while (!token.empty() && token.back() == ' ') token.pop_back();
  if (token.empty() || token.find_first_of(" \t") != std::string::npos) return std::nullopt;
  return token;
}

// Present but empty still counts as an attempt to authenticate.
bool has_authorization(const request& req) {
  return std::any_of(req.headers.begin(), req.headers.end(),
                     [](const auto& h) { return iequals(h.first, "Authorization"); });
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool numeric_date(const rapidjson::Value& v, double& out) {
  if (!v.IsNumber()) return false;
  out = v.GetDouble();
  return true;
}

// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
bool audience_matches(const rapidjson::Value& aud, const std::string& expected) {
  auto same = [&](const rapidjson::Value& v) {
    return v.IsString() && expected == std::string_view(v.GetString(), v.GetStringLength());
  };
  if (same(aud)) return true;
  if (!aud.IsArray()) return false;
  for (const auto& a : aud.GetArray())
    if (same(a)) return true;
  return false;
}

// Reads the verified claims; an error names the first missing or malformed one.
auth_result claims_to_user(const rapidjson::Document& claims, const jwt_policy& policy) {
  if (!claims.IsObject()) return reject("the token's claims are not an object");
  double now = static_cast<double>(now_seconds());
  double leeway = static_cast<double>(policy.leeway.count());

  auto exp = claims.FindMember("exp");
  double exp_at = 0;
  if (exp == claims.MemberEnd() || !numeric_date(exp->value, exp_at))
    return reject("the token has no exp claim");
  if (exp_at + leeway <= now) return reject("the token has expired");

  auto nbf = claims.FindMember("nbf");
  double nbf_at = 0;
  if (nbf != claims.MemberEnd() && (!numeric_date(nbf->value, nbf_at) || nbf_at - leeway > now))
    return reject("the token is not valid yet");
  // A token issued in the future was minted by a skewed or hostile clock.
  auto iat = claims.FindMember("iat");
  double iat_at = 0;
  if (iat != claims.MemberEnd() && (!numeric_date(iat->value, iat_at) || iat_at - leeway > now))
    return reject("the token was issued in the future");

  if (!policy.issuer.empty()) {
    auto iss = claims.FindMember("iss");
    if (iss == claims.MemberEnd() || !iss->value.IsString() ||
        policy.issuer != std::string_view(iss->value.GetString(), iss->value.GetStringLength()))
      return reject("the token's issuer is not accepted");
  }
  if (!policy.audience.empty()) {
    auto aud = claims.FindMember("aud");
    if (aud == claims.MemberEnd() || !audience_matches(aud->value, policy.audience))
      return reject("the token is not meant for this service");
  }

  auth_user user;
  auto sub = claims.FindMember("sub");
  if (sub == claims.MemberEnd() || !sub->value.IsString() || sub->value.GetStringLength() == 0)
    return reject("the token has no sub claim");
  user.user_id.assign(sub->value.GetString(), sub->value.GetStringLength());

  auto email = claims.FindMember("email");
  if (email != claims.MemberEnd() && !email->value.IsNull()) {
    if (!email->value.IsString()) return reject("the token's email claim is not a string");
    user.email.assign(email->value.GetString(), email->value.GetStringLength());
  }

  auto roles = claims.FindMember("roles");
  if (roles != claims.MemberEnd() && !roles->value.IsNull()) {
    if (!roles->value.IsArray()) return reject("the token's roles claim is not an array");
    for (const auto& r : roles->value.GetArray()) {
      if (!r.IsString()) return reject("the token's roles claim is not an array of strings");
      user.roles.emplace_back(r.GetString(), r.GetStringLength());
    }
  }
  return {std::move(user), caf::error{}};
}

// The token verified with the first secret that checks out, or null. libjwt
// verifies whatever algorithm the header names, so the algorithm is pinned
// here (RFC 8725 §3.1): HS384/HS512 signed with the same secret, RS* and none
// all fail.
jwt_ptr verified(const std::string& token, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    // Without a key libjwt skips verification, so an empty secret accepts nothing.
    if (secret.empty()) continue;
    jwt_t* raw = nullptr;
    int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size()));
    jwt_ptr jwt(raw);
    if (rc == 0 && jwt && jwt_get_alg(jwt.get()) == JWT_ALG_HS256) return jwt;
  }
  return nullptr;
}

}  // namespace

bool auth_user::has_role(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

auth_result authenticate(const request& req, const jwt_policy& policy) {
  auto header = req.header("Authorization");
  if (header.empty() && !has_authorization(req)) return {};
  auto token = bearer_token(header);
  if (!token) return reject("the Authorization header must be 'Bearer <token>'");
  if (token->size() > max_token_length) return reject("the token is not a valid HS256 JWT");
  auto jwt = verified(*token, policy.secrets);
  if (!jwt) return reject("the token is not a valid HS256 JWT");
  // Extensions we do not understand must not be ignored (RFC 7515 §4.1.11).
  if (c_string crit(jwt_get_headers_json(jwt.get(), "crit")); crit)
    return reject("the token names critical extensions");

  c_string json(jwt_get_grants_json(jwt.get(), nullptr));
  if (!json) return reject("the token has no claims");
  rapidjson::Document claims;
  claims.Parse(json.get());
  if (claims.HasParseError()) return reject("the token's claims are not valid JSON");
  return claims_to_user(claims, policy);
}

std::string issue_token(const std::string& secret, const std::string& user_id,
                        const std::vector<std::string>& roles, std::chrono::seconds ttl,
                        const std::string& email, const std::string& issuer,
                        const std::string& audience) {
  if (secret.empty() || user_id.empty()) return {};
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return {};
  jwt_ptr jwt(raw);

  auto now = now_seconds();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("sub");
  w.String(user_id.data(), static_cast<rapidjson::SizeType>(user_id.size()));
  w.Key("iat");
  w.Int64(now);
  w.Key("exp");
  w.Int64(now + ttl.count());
  if (!email.empty()) {
    w.Key("email");
    w.String(email.data(), static_cast<rapidjson::SizeType>(email.size()));
  }
  if (!issuer.empty()) {
    w.Key("iss");
    w.String(issuer.data(), static_cast<rapidjson::SizeType>(issuer.size()));
  }
  if (!audience.empty()) {
    w.Key("aud");
    w.String(audience.data(), static_cast<rapidjson::SizeType>(audience.size()));
  }
  w.Key("roles");
  w.StartArray();
  for (const auto& r : roles) w.String(r.data(), static_cast<rapidjson::SizeType>(r.size()));
  w.EndArray();
  w.EndObject();

  if (jwt_add_grants_json(jwt.get(), buf.GetString()) != 0) return {};
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0)
    return {};
  c_string token(jwt_encode_str(jwt.get()));
  return token ? std::string(token.get()) : std::string{};
}

}  // namespace checkout::http
