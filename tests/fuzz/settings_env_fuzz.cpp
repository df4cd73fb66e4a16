// The settings parsers (config/settings.hpp): parse_duration, and load() with
// environment overrides. Input: lines "KEY=VALUE"; a KEY that is not a real
// setting name picks one of them, so every value reaches a real parser.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "config/settings.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

// The names config::load reads (CONTRACT §12, §13 and the README's extras).
const char* const names[] = {
    "CHECKOUT_LISTEN",
    "DATABASE_URL",
    "AMQP_URL",
    "CHECKOUT_ENV",
    "JWT_SECRET",
    "JWT_SECRET_PREVIOUS",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_LEEWAY",
    "PUBLIC_BASE_URL",
    "PAYMENT_GATEWAY",
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
    "RAZORPAY_WEBHOOK_SECRET",
    "RAZORPAY_WEBHOOK_SECRET_PREVIOUS",
    "RAZORPAY_API_BASE",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_WEBHOOK_SECRET_PREVIOUS",
    "STRIPE_WEBHOOK_TOLERANCE",
    "STRIPE_API_BASE",
    "SELLER_STATE",
    "FX_RATES",
    "TAX_RATES",
    "ORDER_PAYMENT_TIMEOUT",
    "CART_TTL",
    "CART_CLEANUP_INTERVAL",
    "ORDER_EXPIRY_SCAN_INTERVAL",
    "PAYMENT_SYNC_INTERVAL",
    "ALLOWED_REDIRECT_ORIGINS",
    "ACTOR_IDLE_TIMEOUT",
    "ENROLLMENT_MAX_DELIVERIES",
    "WEBHOOK_APPLY_WAIT",
    "INBOX_RETRY_INTERVAL",
    "ENROLLMENT_CONSUMERS",
    "ENROLLMENT_RETRY_BASE",
    "ENROLLMENT_RETRY_MAX",
    "ENROLLMENT_SWEEP_INTERVAL",
    "ENROLLMENT_GRACE",
    "GATEWAY_TIMEOUT",
    "GATEWAY_RETRIES",
    "GATEWAY_RETRY_BASE",
    "GATEWAY_BREAKER_FAILURES",
    "GATEWAY_BREAKER_COOLDOWN",
    "GATEWAY_WORKERS",
    "DB_POOL_SIZE",
    "HTTP_THREADS",
    "REQUEST_TIMEOUT",
    "READYZ_TIMEOUT",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "RATE_LIMIT_IP",
    "RATE_LIMIT_USER",
    "COUPON_ATTEMPTS_PER_CART",
    "MAX_OPEN_ORDERS_PER_USER",
    "TRUSTED_PROXIES",
    "CORS_ALLOWED_ORIGINS",
    "MAX_CONNECTIONS",
    "HTTP_HEADER_TIMEOUT",
    "HTTP_BODY_TIMEOUT",
    "HTTP_IDLE_TIMEOUT",
    "CART_DATA_RETENTION",
    "CART_DELETE_AFTER",
};
constexpr std::size_t name_count = sizeof(names) / sizeof(names[0]);

std::string setting_name(const std::string& key) {
  for (const char* n : names)
    if (key == n) return key;
  return names[std::hash<std::string>{}(key) % name_count];
}

// "<1 to 12 digits><ms|s|m|h|d>" and nothing else, read independently: the
// exact number of milliseconds, or nothing when that does not fit. (The
// parser may refuse absurd lengths; anything up to a year it must accept.)
void check_duration(const std::string& text) {
  auto d = config::parse_duration(text);
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  constexpr std::int64_t day = 24 * 60 * 60 * 1000;
  const std::map<std::string, std::int64_t> millis = {
      {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}, {"d", day}};
  auto factor = millis.find(text.substr(digits));
  if (digits < 1 || digits > 12 || factor == millis.end()) {
    FUZZ_CHECK(!d);
    return;
  }
  std::int64_t expected = 0;
  if (__builtin_mul_overflow(std::stoll(text.substr(0, digits)), factor->second, &expected)) {
    FUZZ_CHECK(!d);
    return;
  }
  if (expected <= 365 * day) FUZZ_CHECK(d.has_value());
  if (d) FUZZ_CHECK(d->count() == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::map<std::string, std::string> overrides;
  for (const auto& line : fuzz::lines(fuzz::as_view(data, size))) {
    auto eq = line.find('=');
    auto key = setting_name(line.substr(0, eq));
    auto value = eq == std::string::npos ? std::string{} : line.substr(eq + 1);
    check_duration(value);
    overrides[key] = value;
  }
  auto r = config::load("", overrides, false);
  FUZZ_CHECK(r.value.has_value() == r.error.empty());
  return 0;
}
