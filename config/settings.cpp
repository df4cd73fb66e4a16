#include "config/settings.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "config/cidr.hpp"
#include "messaging/amqp_url.hpp"

namespace checkout::config {
namespace {

using setter = std::function<std::string(settings&, const std::string&)>;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(text);
  while (std::getline(in, cur, sep)) {
    auto b = cur.find_first_not_of(" \t");
    auto e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
  }
  return out;
}

std::optional<long long> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// "83.25" -> {8325, 2}; only plain positive decimals are accepted.
std::optional<fx_rate> parse_rate(const std::string& s) {
  fx_rate r{0, 0};
  bool dot = false, digit = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
      if (r.numerator > (INT64_MAX - 9) / 10 || r.scale >= 9) return std::nullopt;
      r.numerator = r.numerator * 10 + (c - '0');
      if (dot) ++r.scale;
    } else {
      return std::nullopt;
    }
  }
  if (!digit || r.numerator <= 0) return std::nullopt;
  return r;
}

std::string set_string(std::string settings::*field, settings& s, const std::string& v) {
  if (v.empty()) return "must not be empty";
  s.*field = v;
  return {};
}

setter string_field(std::string settings::*field) {
  return [field](settings& s, const std::string& v) { return set_string(field, s, v); };
}

setter duration_field(duration settings::*field, bool zero_allowed = false) {
  return [field, zero_allowed](settings& s, const std::string& v) -> std::string {
    auto d = parse_duration(v);
    if (!d || d->count() < (zero_allowed ? 0 : 1))
      return "'" + v + "' is not a duration like 500ms, 5s, 30m or 24h";
    s.*field = *d;
    return {};
  };
}

setter url_field(std::string settings::*field) {
  return [field](settings& s, const std::string& v) -> std::string {
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
      return "'" + v + "' is not an http:// or https:// URL";
    s.*field = v;
    return {};
  };
}

setter int_field(int settings::*field, int lo, int hi) {
  return [=](settings& s, const std::string& v) -> std::string {
    auto n = parse_int(v);
    if (!n || *n < lo || *n > hi)
      return "'" + v + "' is not a whole number from " + std::to_string(lo) + " to " +
             std::to_string(hi);
    s.*field = static_cast<int>(*n);
    return {};
  };
}

const std::map<std::string, setter>& setters() {
  static const std::map<std::string, setter> table = {
      {"CHECKOUT_LISTEN",
       [](settings& s, const std::string& v) -> std::string {
         auto colon = v.rfind(':');
         if (colon == std::string::npos || colon == 0) return "'" + v + "' is not HOST:PORT";
         auto port = parse_int(v.substr(colon + 1));
         if (!port || *port < 0 || *port > 65535) return "'" + v + "' has no valid port";
         s.listen_host = v.substr(0, colon);
         s.listen_port = static_cast<std::uint16_t>(*port);
         return {};
       }},
      {"DATABASE_URL", string_field(&settings::database_url)},
      {"AMQP_URL",
       [](settings& s, const std::string& v) -> std::string {
         // Checked here, not at the first connection, so that a bad list stops
         // start-up; the value is never echoed, it holds a password.
         std::string error;
         if (!messaging::parse_amqp_urls(v, &error)) return error;
         s.amqp_url = v;
         return {};
       }},
      {"CHECKOUT_ENV",
       [](settings& s, const std::string& v) -> std::string {
         if (v != "production" && v != "development")
           return "'" + v + "' is not one of production, development";
         s.checkout_env = v;
         return {};
       }},
      {"JWT_SECRET", string_field(&settings::jwt_secret)},
      {"JWT_SECRET_PREVIOUS", string_field(&settings::jwt_secret_previous)},
      {"JWT_ISSUER", string_field(&settings::jwt_issuer)},
      {"JWT_AUDIENCE", string_field(&settings::jwt_audience)},
      {"JWT_LEEWAY", duration_field(&settings::jwt_leeway, true)},
      {"PUBLIC_BASE_URL", string_field(&settings::public_base_url)},
      {"CART_URL_TEMPLATE",
       [](settings& s, const std::string& v) -> std::string {
         // Without {token} every cart would get the same link.
         if (v.find("{token}") == std::string::npos)
           return "'" + v + "' has no {token}, where the cart's token goes";
         s.cart_url_template = v;
         return {};
       }},
      {"SELLER_NAME", string_field(&settings::seller_name)},
      {"PAYMENT_GATEWAY",
       [](settings& s, const std::string& v) -> std::string {
         if (v != "sandbox" && v != "razorpay" && v != "stripe")
           return "'" + v + "' is not one of sandbox, razorpay, stripe";
         s.payment_gateway = v;
         return {};
       }},
      {"RAZORPAY_KEY_ID", string_field(&settings::razorpay_key_id)},
      {"RAZORPAY_KEY_SECRET", string_field(&settings::razorpay_key_secret)},
      {"RAZORPAY_WEBHOOK_SECRET", string_field(&settings::razorpay_webhook_secret)},
      {"RAZORPAY_WEBHOOK_SECRET_PREVIOUS",
       string_field(&settings::razorpay_webhook_secret_previous)},
      {"RAZORPAY_API_BASE", url_field(&settings::razorpay_api_base)},
      {"STRIPE_SECRET_KEY", string_field(&settings::stripe_secret_key)},
      {"STRIPE_WEBHOOK_SECRET", string_field(&settings::stripe_webhook_secret)},
      {"STRIPE_WEBHOOK_SECRET_PREVIOUS", string_field(&settings::stripe_webhook_secret_previous)},
      {"STRIPE_WEBHOOK_TOLERANCE", duration_field(&settings::stripe_webhook_tolerance)},
      {"STRIPE_API_BASE", url_field(&settings::stripe_api_base)},
      {"SELLER_STATE", string_field(&settings::seller_state)},
      {"SELLER_ADDRESS", string_field(&settings::seller_address)},
      {"REFERRAL_DISCOUNT_PERCENT", int_field(&settings::referral_discount_percent, 1, 100)},
      {"REFERRAL_REWARD_PERCENT", int_field(&settings::referral_reward_percent, 1, 100)},
      // Its format and check character are checked at start (gstin.hpp).
      {"SELLER_GSTIN", string_field(&settings::seller_gstin)},
      {"SAC_DEFAULT",
       [](settings& s, const std::string& v) -> std::string {
         if (v.size() != 6 || v.find_first_not_of("0123456789") != std::string::npos)
           return "'" + v + "' is not a SAC code of 6 digits";
         s.sac_default = v;
         return {};
       }},
      {"FX_RATES",
       [](settings& s, const std::string& v) -> std::string {
         std::map<std::string, fx_rate> rates;
         for (auto& pair : split(v, ',')) {
           auto eq = pair.find('=');
           auto colon = pair.find(':');
           if (eq == std::string::npos || colon == std::string::npos || colon > eq)
             return "'" + pair + "' is not FROM:TO=rate";
           auto from = pair.substr(0, colon), to = pair.substr(colon + 1, eq - colon - 1);
           auto rate = parse_rate(pair.substr(eq + 1));
           if (from.size() != 3 || to.size() != 3 || !rate)
             return "'" + pair + "' is not FROM:TO=rate with ISO 4217 codes";
           rates[from + ":" + to] = *rate;
         }
         s.fx_rates = std::move(rates);
         return {};
       }},
      {"TAX_RATES",
       [](settings& s, const std::string& v) -> std::string {
         std::map<std::string, int> rates;
         for (auto& pair : split(v, ',')) {
           auto eq = pair.find('=');
           auto pct = eq == std::string::npos ? std::nullopt : parse_int(pair.substr(eq + 1));
           if (!pct || eq != 2 || *pct < 0 || *pct > 100) return "'" + pair + "' is not CC=percent";
           rates[pair.substr(0, 2)] = static_cast<int>(*pct);
         }
         s.tax_rates = std::move(rates);
         return {};
       }},
      {"ORDER_PAYMENT_TIMEOUT", duration_field(&settings::order_payment_timeout)},
      {"CART_TTL", duration_field(&settings::cart_ttl)},
      {"CART_CLEANUP_INTERVAL", duration_field(&settings::cart_cleanup_interval)},
      {"ORDER_EXPIRY_SCAN_INTERVAL", duration_field(&settings::order_expiry_scan_interval)},
      {"PAYMENT_SYNC_INTERVAL", duration_field(&settings::payment_sync_interval)},
      {"ALLOWED_REDIRECT_ORIGINS",
       [](settings& s, const std::string& v) -> std::string {
         auto origins = split(v, ',');
         for (auto& o : origins)
           if (o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0)
             return "'" + o + "' is not an http(s) origin";
         s.allowed_redirect_origins = std::move(origins);
         return {};
       }},
      {"ACTOR_IDLE_TIMEOUT", duration_field(&settings::actor_idle_timeout)},
      {"SHUTDOWN_GRACE", duration_field(&settings::shutdown_grace)},
      {"ENROLLMENT_MAX_DELIVERIES", int_field(&settings::enrollment_max_deliveries, 1, 100)},
      {"WEBHOOK_APPLY_WAIT", duration_field(&settings::webhook_apply_wait)},
      {"INBOX_RETRY_INTERVAL", duration_field(&settings::inbox_retry_interval)},
      {"ENROLLMENT_CONSUMERS", int_field(&settings::enrollment_consumers, 0, 16)},
      {"SMTP_URL",
       [](settings& s, const std::string& v) -> std::string {
         if (!v.empty() && v.rfind("smtp://", 0) != 0 && v.rfind("smtps://", 0) != 0)
           return "it is not an smtp:// or smtps:// URL";
         s.smtp_url = v;
         return {};
       }},
      {"MAIL_FROM",
       [](settings& s, const std::string& v) -> std::string {
         if (v.find('@') == std::string::npos || v.find_first_of("\r\n") != std::string::npos)
           return "it is not one mail address (as a@b or Name <a@b>)";
         s.mail_from = v;
         return {};
       }},
      {"NOTIFICATION_MAX_DELIVERIES", int_field(&settings::notification_max_deliveries, 1, 100000)},
      {"NOTIFICATION_RETRY_MAX", duration_field(&settings::notification_retry_max)},
      {"ENROLLMENT_RETRY_BASE", duration_field(&settings::enrollment_retry_base)},
      {"ENROLLMENT_RETRY_MAX", duration_field(&settings::enrollment_retry_max)},
      {"ENROLLMENT_SWEEP_INTERVAL", duration_field(&settings::enrollment_sweep_interval)},
      {"ENROLLMENT_GRACE", duration_field(&settings::enrollment_grace)},
      {"GATEWAY_TIMEOUT", duration_field(&settings::gateway_timeout)},
      {"GATEWAY_RETRIES", int_field(&settings::gateway_retries, 0, 10)},
      {"GATEWAY_RETRY_BASE", duration_field(&settings::gateway_retry_base)},
      {"GATEWAY_BREAKER_FAILURES", int_field(&settings::gateway_breaker_failures, 1, 1000)},
      {"GATEWAY_BREAKER_COOLDOWN", duration_field(&settings::gateway_breaker_cooldown)},
      {"GATEWAY_WORKERS", int_field(&settings::gateway_workers, 1, 64)},
      {"DB_POOL_SIZE", int_field(&settings::db_pool_size, 1, 64)},
      {"HTTP_THREADS", int_field(&settings::http_threads, 1, 64)},
      {"REQUEST_TIMEOUT", duration_field(&settings::request_timeout)},
      {"READYZ_TIMEOUT", duration_field(&settings::readyz_timeout)},
      {"LOG_LEVEL",
       [](settings& s, const std::string& v) -> std::string {
         static const std::vector<std::string> levels = {"trace", "debug", "info",
                                                         "warn",  "error", "off"};
         if (std::find(levels.begin(), levels.end(), v) == levels.end())
           return "'" + v + "' is not one of trace, debug, info, warn, error, off";
         s.log_level = v;
         return {};
       }},
      {"RATE_LIMIT_IP", int_field(&settings::rate_limit_ip, 0, 1000000)},
      {"RATE_LIMIT_USER", int_field(&settings::rate_limit_user, 0, 1000000)},
      {"COUPON_ATTEMPTS_PER_CART", int_field(&settings::coupon_attempts_per_cart, 0, 1000000)},
      {"MAX_OPEN_ORDERS_PER_USER", int_field(&settings::max_open_orders_per_user, 0, 1000)},
      {"TRUSTED_PROXIES",
       [](settings& s, const std::string& v) -> std::string {
         auto ranges = split(v, ',');
         for (auto& r : ranges)
           if (!parse_cidr(r)) return "'" + r + "' is not an address or CIDR range";
         s.trusted_proxies = std::move(ranges);
         return {};
       }},
      {"CORS_ALLOWED_ORIGINS",
       [](settings& s, const std::string& v) -> std::string {
         auto origins = split(v, ',');
         for (auto& o : origins) {
           auto scheme = o.find("://");
           bool http = o.rfind("http://", 0) == 0 || o.rfind("https://", 0) == 0;
           // An origin is scheme://host[:port]: no path, no trailing slash.
           if (!http || o.find('/', scheme + 3) != std::string::npos || o.size() == scheme + 3)
             return "'" + o + "' is not an origin like https://shop.example.com";
         }
         s.cors_allowed_origins = std::move(origins);
         return {};
       }},
      {"MAX_CONNECTIONS", int_field(&settings::max_connections, 1, 1000000)},
      {"HTTP_HEADER_TIMEOUT", duration_field(&settings::http_header_timeout)},
      {"HTTP_BODY_TIMEOUT", duration_field(&settings::http_body_timeout)},
      {"HTTP_IDLE_TIMEOUT", duration_field(&settings::http_idle_timeout)},
      {"CART_DATA_RETENTION", duration_field(&settings::cart_data_retention)},
      {"CART_DELETE_AFTER", duration_field(&settings::cart_delete_after)},
      {"LOG_FORMAT",
       [](settings& s, const std::string& v) -> std::
                                                 string {
                                                   if (v != "json" && v != "text")
                                                     return "'" + v + "' is not one of json, text";
                                                   s.log_format = v;
                                                   return {};
                                                 }},
  };
  return table;
}

std::string apply(settings& s, const std::string& key, const std::string& value,
                  const std::string& origin) {
  auto& table = setters();
  auto it = table.find(key);
  if (it == table.end()) return "unknown setting " + key + " in " + origin;
  auto err = it->second(s, value);
  if (!err.empty()) return "invalid setting " + key + " (" + origin + "): " + err;
  return {};
}

// A TOML value becomes the same text the environment would carry.
std::optional<std::string> toml_to_text(const toml::node& node) {
  if (auto s = node.value<std::string>()) return *s;
  // Only a real integer: value<int64_t>() would also convert a float (1e97).
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto arr = node.as_array()) {
    std::string out;
    for (auto& el : *arr) {
      auto part = toml_to_text(el);
      if (!part) return std::nullopt;
      if (!out.empty()) out += ",";
      out += *part;
    }
    return out;
  }
  return std::nullopt;
}

std::string invalid(const char* name, const std::string& why) {
  return std::string("invalid setting ") + name + ": " + why;
}

// Secrets that have appeared in this repository (old defaults, test and demo
// values): anyone who has read the source knows them.
bool published_secret(const std::string& v) {
  static const std::vector<std::string> known = {"dev-jwt-secret-change-me",
                                                 "sandbox-webhook-secret",
                                                 "whsec_sandbox",
                                                 "e2e-jwt-secret-0123456789",
                                                 "e2e-razorpay-webhook-secret",
                                                 "e2e-jwt-secret-0123456789-0123456789-abcdef",
                                                 "0123456789abcdef-long-enough",
                                                 "unit-jwt-secret-0123456789",
                                                 "changeme",
                                                 "secret"};
  return std::find(known.begin(), known.end(), v) != known.end();
}

// A secret production may run with: set, long enough, never published.
std::string check_secret(const char* name, const std::string& v, std::size_t min_length,
                         bool required) {
  if (v.empty())
    return required ? invalid(name, "required with CHECKOUT_ENV=production") : std::string();
  if (v.size() < min_length)
    return invalid(name, "must be at least " + std::to_string(min_length) +
                             " bytes with CHECKOUT_ENV=production");
  if (published_secret(v))
    return invalid(name, "is a value published in the source; choose a secret of your own");
  return {};
}

// Settings that only make sense together (CONTRACT §13): which gateways are
// enabled, which one is the default, and what production refuses.
std::string check_modes(settings& s) {
  const bool dev = is_development(s);
  if (s.jwt_secret.empty()) return invalid("JWT_SECRET", "required");
  if (s.razorpay_key_id.empty() != s.razorpay_key_secret.empty()) {
    bool id_missing = s.razorpay_key_id.empty();
    return invalid(
        id_missing ? "RAZORPAY_KEY_ID" : "RAZORPAY_KEY_SECRET",
        std::string("required with ") + (id_missing ? "RAZORPAY_KEY_SECRET" : "RAZORPAY_KEY_ID"));
  }
  // Keys without a webhook secret would take money that nothing confirms.
  if (!s.razorpay_key_id.empty() && s.razorpay_webhook_secret.empty())
    return invalid("RAZORPAY_WEBHOOK_SECRET", "required with RAZORPAY_KEY_ID");
  if (!s.stripe_secret_key.empty() && s.stripe_webhook_secret.empty())
    return invalid("STRIPE_WEBHOOK_SECRET", "required with STRIPE_SECRET_KEY");
  if (s.payment_gateway.empty()) {
    if (dev)
      s.payment_gateway = "sandbox";
    else if (razorpay_configured(s))
      s.payment_gateway = "razorpay";
    else if (stripe_configured(s))
      s.payment_gateway = "stripe";
  }
  if (!dev) {
    for (auto err : {check_secret("JWT_SECRET", s.jwt_secret, 32, true),
                     check_secret("JWT_SECRET_PREVIOUS", s.jwt_secret_previous, 32, false),
                     check_secret("RAZORPAY_WEBHOOK_SECRET", s.razorpay_webhook_secret, 16, false),
                     check_secret("RAZORPAY_WEBHOOK_SECRET_PREVIOUS",
                                  s.razorpay_webhook_secret_previous, 16, false),
                     check_secret("STRIPE_WEBHOOK_SECRET", s.stripe_webhook_secret, 16, false),
                     check_secret("STRIPE_WEBHOOK_SECRET_PREVIOUS",
                                  s.stripe_webhook_secret_previous, 16, false)})
      if (!err.empty()) return err;
    if (s.payment_gateway == "sandbox")
      return invalid("PAYMENT_GATEWAY",
                     "the sandbox gateway exists only with CHECKOUT_ENV=development");
    if (!razorpay_configured(s) && !stripe_configured(s))
      return invalid("PAYMENT_GATEWAY",
                     "production needs a gateway: RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and "
                     "RAZORPAY_WEBHOOK_SECRET, or STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET");
  }
  if (s.payment_gateway == "razorpay" && !razorpay_configured(s))
    return invalid("PAYMENT_GATEWAY",
                   "'razorpay' needs RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and "
                   "RAZORPAY_WEBHOOK_SECRET");
  if (s.payment_gateway == "stripe" && !stripe_configured(s))
    return invalid("PAYMENT_GATEWAY", "'stripe' needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET");
  if (s.cart_delete_after <= s.cart_data_retention)
    return invalid("CART_DELETE_AFTER", "must be longer than CART_DATA_RETENTION");
  return {};
}

}  // namespace

std::optional<duration> parse_duration(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0 || i > 12) return std::nullopt;
  long long n = std::stoll(text.substr(0, i));
  auto unit = text.substr(i);
  long long ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  if (unit == "s") ms_per_unit = 1000;
  if (unit == "m") ms_per_unit = 60 * 1000;
  if (unit == "h") ms_per_unit = 3600 * 1000;
  if (unit == "d") ms_per_unit = 24LL * 3600 * 1000;
  if (ms_per_unit == 0) return std::nullopt;
  // A century is longer than anything the service waits for, and keeps every
  // duration far from overflowing once turned into microseconds.
  constexpr long long max_ms = 100LL * 366 * 24 * 3600 * 1000;
  if (n > max_ms / ms_per_unit) return std::nullopt;
  return duration(n * ms_per_unit);
}

load_result load(const std::string& file, const std::map<std::string, std::string>& overrides,
                 bool use_process_env) {
  settings s;
  if (!file.empty()) {
    toml::table tbl;
    try {
      tbl = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << "cannot read config file " << file << ": " << e.description();
      return {std::nullopt, msg.str()};
    }
    for (auto& [key, node] : tbl) {
      auto text = toml_to_text(node);
      std::string k(key.str());
      if (!text) return {std::nullopt, "invalid setting " + k + " in " + file + ": wrong type"};
      if (auto err = apply(s, k, *text, file); !err.empty()) return {std::nullopt, err};
    }
  }
  for (auto& [key, _] : setters()) {
    std::optional<std::string> value;
    if (auto it = overrides.find(key); it != overrides.end()) {
      value = it->second;
    } else if (use_process_env) {
      if (const char* v = std::getenv(key.c_str())) value = v;
    }
    if (!value) continue;
    if (auto err = apply(s, key, *value, "environment"); !err.empty()) return {std::nullopt, err};
  }
  if (auto err = check_modes(s); !err.empty()) return {std::nullopt, err};
  return {s, {}};
}

load_result load(const std::string& file) {
  return load(file, {}, true);
}

}  // namespace checkout::config
