// Bearer JWT (HS256 only) through libjwt: CONTRACT §2.
#pragma once

#include <caf/error.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace checkout::http {

struct auth_user {
  std::string user_id;
  std::string email;
  std::vector<std::string> roles;
  bool has_role(const std::string& role) const;
};

// What a token must satisfy (CONTRACT §2, §13; RFC 8725 for HS256): signed
// with one of `secrets` (the current one first, then the one being rotated
// out), iss / aud equal to `issuer` / `audience` when those are set, exp and
// nbf within `leeway` of now.
struct jwt_policy {
  std::vector<std::string> secrets;
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
};

// No Authorization header: user is empty and error is none. A header that is
// not a valid HS256 token with `sub` and an unexpired `exp` (or uses any other
// algorithm, `none` included): error is errc::unauthenticated.
struct auth_result {
  std::optional<auth_user> user;
  caf::error error;
};
auth_result authenticate(const request& req, const jwt_policy& policy);

// For tests, the demo walk-through, `checkoutd --issue-token` and the
// development token route. `issuer` / `audience` are added when not empty.
std::string issue_token(const std::string& secret, const std::string& user_id,
                        const std::vector<std::string>& roles, std::chrono::seconds ttl,
                        const std::string& email = {}, const std::string& issuer = {},
                        const std::string& audience = {});

}  // namespace checkout::http
