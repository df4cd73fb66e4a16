#include "http/abuse_guard.hpp"

#include <rapidjson/document.h>

#include <algorithm>

#include "http/ascii.hpp"
#include "http/envelope.hpp"

namespace checkout::http {
namespace {

// A cart token as the cart routes accept it (a UUID), lower-cased: the
// database reads any case as the same token, so the count must too.
std::optional<std::string> cart_token_key(std::string_view token) {
  if (token.size() != 36) return std::nullopt;
  std::string out(token);
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = ascii_lower(out[i]);
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    out[i] = c;
  }
  return out;
}

std::optional<std::string> body_cart_token(const request& req) {
  rapidjson::Document d;
  d.Parse(req.body.data(), req.body.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  auto it = d.FindMember("cart_token");
  if (it == d.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return cart_token_key({it->value.GetString(), it->value.GetStringLength()});
}

bool has_authorization(const request& req) {
  return std::any_of(req.headers.begin(), req.headers.end(),
                     [](const auto& h) { return iequals(h.first, "Authorization"); });
}

std::vector<std::string_view> forwarded_for(const request& req) {
  std::vector<std::string_view> out;
  for (const auto& [name, value] : req.headers)
    if (iequals(name, "X-Forwarded-For")) out.emplace_back(value);
  return out;
}

std::unique_ptr<rate_limiter> per_second(int n, const rate_limiter::options& o) {
  if (n <= 0) return nullptr;
  return std::make_unique<rate_limiter>(rate_limiter::limit{n, std::chrono::seconds(1), 2 * n}, o);
}

}  // namespace

bool exempt_from_limits(std::string_view route) {
  static constexpr std::string_view exact[] = {"/healthz", "/readyz", "/api/v1/healthz",
                                               "/api/v1/readyz", "/metrics"};
  if (std::find(std::begin(exact), std::end(exact), route) != std::end(exact)) return true;
  static constexpr std::string_view webhooks = "/api/v1/webhooks/";
  return route.substr(0, webhooks.size()) == webhooks;
}

std::optional<std::string> coupon_attempt_key(const request& req,
                                              const std::optional<std::string>& subject) {
  if (req.method != "POST") return std::nullopt;
  if (req.route == "/api/v1/cart/{token}/coupon") {
    auto it = req.params.find("token");
    return it == req.params.end() ? std::nullopt : cart_token_key(it->second);
  }
  if (req.route == "/api/v1/cart/discount/validate") return body_cart_token(req);
  // Seed 002's aliases apply a coupon to the caller's active cart (401 for a
  // guest): one active cart per user, so the user stands for it.
  if (req.route == "/api/v1/cart/discount" || req.route == "/api/v1/cart/discount/apply") {
    if (auto token = body_cart_token(req)) return token;
    if (subject) return "user:" + *subject;
  }
  return std::nullopt;
}

response too_many_requests(const request& req, std::chrono::seconds retry_after,
                           std::string detail) {
  auto res = fail(req, errc::rate_limited, std::move(detail));
  auto seconds = std::max<std::chrono::seconds::rep>(retry_after.count(), 1);
  res.headers.emplace_back("Retry-After", std::to_string(seconds));
  return res;
}

abuse_guard::abuse_guard(const abuse_limits& limits, jwt_policy jwt, rate_limiter::options table)
    : per_ip_(per_second(limits.per_ip, table)),
      per_user_(per_second(limits.per_user, table)),
      trusted_(limits.trusted_proxies),
      jwt_(std::move(jwt)) {
  if (limits.coupon_attempts > 0)
    coupons_ = std::make_unique<rate_limiter>(
        rate_limiter::limit{limits.coupon_attempts, std::chrono::hours(1), limits.coupon_attempts},
        table);
}

std::optional<response> abuse_guard::check(const request& req) {
  return check(req, rate_limiter::clock::now());
}

std::optional<response> abuse_guard::check(const request& req, rate_limiter::time_point now) {
  if (exempt_from_limits(req.route)) return std::nullopt;
  if (per_ip_) {
    auto v = per_ip_->take(client_key(req.peer, forwarded_for(req), trusted_), now);
    if (!v.allowed)
      return too_many_requests(req, v.retry_after, "too many requests from this client address");
  }
  std::optional<std::string> subject;
  // Verifying a token costs an HMAC: only when a limit is keyed on it.
  bool alias = req.route == "/api/v1/cart/discount" || req.route == "/api/v1/cart/discount/apply";
  if ((per_user_ || (coupons_ && alias)) && has_authorization(req))
    if (auto a = authenticate(req, jwt_); a.user) subject = a.user->user_id;
  if (per_user_ && subject) {
    auto v = per_user_->take(*subject, now);
    if (!v.allowed) return too_many_requests(req, v.retry_after, "too many requests for this user");
  }
  if (coupons_)
    if (auto key = coupon_attempt_key(req, subject)) {
      auto v = coupons_->take(*key, now);
      if (!v.allowed)
        return too_many_requests(req, v.retry_after, "too many coupon attempts on this cart");
    }
  return std::nullopt;
}

}  // namespace checkout::http
