// The service's settings (CONTRACT §12): one struct, loaded from an optional TOML
// file and then overridden by environment variables of the same names.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace checkout::config {

using duration = std::chrono::milliseconds;

// An exchange rate kept as an exact decimal: value = numerator / 10^scale.
struct fx_rate {
  std::int64_t numerator = 1;
  int scale = 0;
  bool operator==(const fx_rate& o) const { return numerator == o.numerator && scale == o.scale; }
};

struct settings {
  // CONTRACT §13: production (the default) refuses unsafe settings at start-up;
  // the sandbox gateway and every development aid exist only in development.
  std::string checkout_env = "production";  // production | development
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 8080;
  std::string database_url = "postgresql://checkout:checkout@127.0.0.1:5432/checkout";
  // One node, or several of one cluster comma-separated (messaging/amqp_url.hpp).
  std::string amqp_url = "amqp://guest:guest@127.0.0.1:5672/%2f";
  // No secret has a value in the code: unset means unset (load() decides).
  std::string jwt_secret;
  // Accepted beside jwt_secret during a rotation (never used to sign).
  std::string jwt_secret_previous;
  // When set, a token's iss / aud must match.
  std::string jwt_issuer;
  std::string jwt_audience;
  // Clock skew allowed on exp and nbf.
  duration jwt_leeway = std::chrono::seconds(30);
  std::string public_base_url = "http://localhost:8080";
  // A cart's page for buyers (`cart_url`, CONTRACT §15): {PUBLIC_BASE_URL} and
  // {token} are replaced (config/url_template.hpp); {token} is required.
  std::string cart_url_template = "{PUBLIC_BASE_URL}/cart/{token}";
  // The merchant a buyer sees on the sandbox's hosted checkout (CONTRACT §16
  // names it for invoices too).
  std::string seller_name = "Checkout Internships";
  // The default gateway: sandbox | razorpay | stripe. Unset: the sandbox in
  // development, otherwise the first enabled of razorpay, stripe (load() fills it).
  std::string payment_gateway;
  // Empty means "not configured": a real gateway is enabled only with its credentials.
  std::string razorpay_key_id;
  std::string razorpay_key_secret;
  std::string razorpay_webhook_secret;
  std::string razorpay_api_base = "https://api.razorpay.com";
  std::string stripe_secret_key;
  std::string stripe_webhook_secret;
  // During a webhook secret rotation the old (or next) secret is accepted too.
  std::string razorpay_webhook_secret_previous;
  std::string stripe_webhook_secret_previous;
  // A Stripe-Signature timestamp further than this from now is refused (replays).
  duration stripe_webhook_tolerance = std::chrono::seconds(300);
  std::string stripe_api_base = "https://api.stripe.com";
  std::string seller_state = "KA";
  // The seller on each tax invoice (CONTRACT §16), beside SELLER_NAME and
  // SELLER_STATE: its address and GSTIN (empty: printed as not given), and
  // the SAC code of an internship that names none.
  std::string seller_address;
  std::string seller_gstin;
  std::string sac_default = "999293";
  // Referrals (CONTRACT §16): percent off a friend's first order with a
  // user's code, and the percent of the referrer's reward coupon.
  int referral_discount_percent = 10;
  int referral_reward_percent = 10;
  // "FROM:TO=rate" pairs, e.g. USD:INR=83.25.
  std::map<std::string, fx_rate> fx_rates;
  // Tax rates in percent for billing countries other than India (default 0).
  std::map<std::string, int> tax_rates;
  duration order_payment_timeout = std::chrono::minutes(30);
  duration cart_ttl = std::chrono::hours(24);
  duration cart_cleanup_interval = std::chrono::minutes(15);
  duration order_expiry_scan_interval = std::chrono::minutes(1);
  duration payment_sync_interval = std::chrono::hours(1);
  std::vector<std::string> allowed_redirect_origins = {"http://localhost:8080",
                                                       "http://localhost:3000"};
  duration actor_idle_timeout = std::chrono::minutes(5);
  // SIGTERM: /readyz answers 503 at once, requests in flight get this long to
  // finish, then the process exits 0 (CONTRACT §14).
  duration shutdown_grace = std::chrono::seconds(20);
  int enrollment_max_deliveries = 5;
  // Webhook intake: how long the answer waits for the order to apply an event
  // that is already durable in the inbox (then 200 "accepted"), and how often
  // the inbox worker re-applies events nobody finished.
  duration webhook_apply_wait = std::chrono::seconds(2);
  duration inbox_retry_interval = std::chrono::seconds(10);
  // Enrollment: consumer threads on checkout.enrollment (0 = not consuming),
  // NACK back-off, and the sweeper that re-publishes order.paid for paid orders
  // still without enrollments after the grace period.
  int enrollment_consumers = 1;
  // Confirmation emails (CONTRACT §16): the SMTP server (smtp:// or smtps://,
  // credentials in the URL; empty: no mail is sent and the requests wait in
  // checkout.notifications), the sender, and how often one is tried before it
  // is dead-lettered (at the growing back-off up to NOTIFICATION_RETRY_MAX: a
  // mail server away for hours delays mails, it does not lose them).
  std::string smtp_url;
  std::string mail_from = "Checkout Internships <no-reply@checkout.localhost>";
  int notification_max_deliveries = 1000;
  duration notification_retry_max = std::chrono::seconds(30);
  duration enrollment_retry_base = std::chrono::milliseconds(200);
  duration enrollment_retry_max = std::chrono::seconds(5);
  duration enrollment_sweep_interval = std::chrono::minutes(1);
  duration enrollment_grace = std::chrono::minutes(2);
  // Outbound gateway calls (actors/payment): per-request deadline, retries after
  // the first try, back-off base, circuit breaker, detached workers per gateway.
  duration gateway_timeout = std::chrono::seconds(5);
  int gateway_retries = 2;
  duration gateway_retry_base = std::chrono::milliseconds(200);
  int gateway_breaker_failures = 5;
  duration gateway_breaker_cooldown = std::chrono::seconds(30);
  int gateway_workers = 2;
  // Not in the contract's minimum list, but needed to size the process.
  int db_pool_size = 4;
  int http_threads = 1;
  duration request_timeout = std::chrono::seconds(10);
  // /readyz checks the database and the broker at once, each within this long.
  duration readyz_timeout = std::chrono::seconds(1);
  std::string log_level = "info";
  // json: one JSON object per line (config/logging.hpp); text: one readable line.
  std::string log_format = "json";

  // Abuse limits (CONTRACT §13), per instance; 0 turns one off.
  int rate_limit_ip = 50;             // requests per second per client address (bursts of 2x)
  int rate_limit_user = 20;           // requests per second per JWT subject (bursts of 2x)
  int coupon_attempts_per_cart = 20;  // coupon applications + validations per cart per hour
  int max_open_orders_per_user = 3;   // orders awaiting payment at once
  // CIDRs of proxies whose X-Forwarded-For is believed (default: none).
  std::vector<std::string> trusted_proxies;
  // Exact origins allowed cross-origin access (default: none).
  std::vector<std::string> cors_allowed_origins;
  // Connections beyond this are closed at accept; slow clients get deadlines:
  // the whole header within http_header_timeout, the whole body within
  // http_body_timeout, and an idle keep-alive connection is closed after
  // http_idle_timeout.
  int max_connections = 10000;
  duration http_header_timeout = std::chrono::seconds(10);
  duration http_body_timeout = std::chrono::seconds(30);
  duration http_idle_timeout = std::chrono::seconds(60);

  // Retention of expired carts: their analytics data and device id are
  // erased after cart_data_retention, the carts deleted after cart_delete_after
  // (orders and enrollments are kept).
  duration cart_data_retention = std::chrono::hours(24 * 30);
  duration cart_delete_after = std::chrono::hours(24 * 180);
};

inline bool is_development(const settings& s) {
  return s.checkout_env == "development";
}

// Whether a real gateway is enabled (CONTRACT §13): all its credentials set.
inline bool razorpay_configured(const settings& s) {
  return !s.razorpay_key_id.empty() && !s.razorpay_key_secret.empty() &&
         !s.razorpay_webhook_secret.empty();
}
inline bool stripe_configured(const settings& s) {
  return !s.stripe_secret_key.empty() && !s.stripe_webhook_secret.empty();
}
// The sandbox (development only) signs its events as Razorpay events.
inline bool sandbox_enabled(const settings& s) {
  return is_development(s);
}
// The gateways with a webhook route, and so a label in
// checkout_webhooks_total: Razorpay's route also takes the sandbox's events.
inline std::vector<std::string> webhook_gateways(const settings& s) {
  std::vector<std::string> out;
  if (razorpay_configured(s) || sandbox_enabled(s)) out.emplace_back("razorpay");
  if (stripe_configured(s)) out.emplace_back("stripe");
  return out;
}

// Parses "500ms", "5s", "30m", "24h", "30d" (a whole number and a unit).

std::optional<duration> parse_duration(const std::string& text);

// The result of loading: either settings or a message naming the bad setting.
struct load_result {
  std::optional<settings> value;
  std::string error;
};

// Loads `file` (may be empty: no file) and applies the environment on top.
// `env` looks a variable up; the default reads the process environment.
load_result load(const std::string& file);
load_result load(const std::string& file, const std::map<std::string, std::string>& env_overrides,
                 bool use_process_env);

}  // namespace checkout::config
