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

// No Authorization header: user is empty and error is none. A header that is
// not a valid HS256 token with `sub` and an unexpired `exp` (or uses any other
// algorithm, `none` included): error is errc::unauthenticated.
struct auth_result {
  std::optional<auth_user> user;
  caf::error error;
};
auth_result authenticate(const request& req, const std::string& secret);

// For tests, the demo walk-through and `checkoutd --issue-token`.
std::string issue_token(const std::string& secret, const std::string& user_id,
                        const std::vector<std::string>& roles, std::chrono::seconds ttl,
                        const std::string& email = {});

}  // namespace checkout::http
