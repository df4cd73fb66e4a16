// The abuse limits of CONTRACT §13 as an HTTP policy, run by the router after a
// route is matched and before its handler (router::set_guard):
//
//  - every route but the exempt ones (webhooks, health, readiness, metrics)
//    takes a token from the client address's bucket (RATE_LIMIT_IP per second,
//    bursts of twice that) and, when the request carries a valid token, from
//    its subject's bucket (RATE_LIMIT_USER per second, bursts of twice that);
//  - a coupon application or validation also takes one from its cart's bucket
//    (COUPON_ATTEMPTS_PER_CART per hour, all of them at once at most).
//
// Over a limit: 429, code 1429, retryable, with Retry-After. An invalid token
// is not this guard's business (the handler answers 401): it keys nothing.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/auth.hpp"
#include "http/client_address.hpp"
#include "http/rate_limiter.hpp"
#include "http/request.hpp"

namespace checkout::http {

// The settings the guard needs (0 turns a limit off).
struct abuse_limits {
  int per_ip = 0;           // RATE_LIMIT_IP: requests per second per client address
  int per_user = 0;         // RATE_LIMIT_USER: requests per second per JWT subject
  int coupon_attempts = 0;  // COUPON_ATTEMPTS_PER_CART: per cart token per hour
  std::vector<std::string> trusted_proxies;  // TRUSTED_PROXIES (CIDR ranges)
};

// Routes no limit applies to: what gateways and operators' probes call. They
// must keep answering while a client is being throttled.
bool exempt_from_limits(std::string_view route);

// What a coupon attempt is counted against, or nullopt when the request is
// not one (or names no well-formed cart token: the handler answers it).
// `subject` is the caller's JWT subject, if any: the seeds' alias routes act
// on the caller's active cart, whose token the request does not carry.
std::optional<std::string> coupon_attempt_key(const request& req,
                                              const std::optional<std::string>& subject);

// The 429 envelope (code 1429, retryable) with Retry-After.
response too_many_requests(const request& req, std::chrono::seconds retry_after,
                           std::string detail);

class abuse_guard {
 public:
  abuse_guard(const abuse_limits& limits, jwt_policy jwt, rate_limiter::options table = {});

  // nullopt: go on to the handler. Otherwise the answer to send instead.
  std::optional<response> check(const request& req);
  std::optional<response> check(const request& req, rate_limiter::time_point now);

  // Whether any limit is on (add_routes installs nothing otherwise).
  bool active() const { return per_ip_ || per_user_ || coupons_; }

 private:
  std::unique_ptr<rate_limiter> per_ip_;
  std::unique_ptr<rate_limiter> per_user_;
  std::unique_ptr<rate_limiter> coupons_;
  trusted_proxies trusted_;
  jwt_policy jwt_;
};

}  // namespace checkout::http
