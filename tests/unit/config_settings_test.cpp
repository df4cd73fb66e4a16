// Configuration (CONTRACT §12): a TOML file whose keys are the environment
// names, overridden by the environment; a bad value names the setting.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <string>

#include "config/settings.hpp"

namespace checkout::config {
namespace {

using namespace std::chrono_literals;
using env = std::map<std::string, std::string>;

class ConfigSettings : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ =
        (std::filesystem::temp_directory_path() / "checkout-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string write(const std::string& name, const std::string& text) {
    auto path = (dir_ / name).string();
    std::ofstream out(path);
    out << text;
    return path;
  }

  std::filesystem::path dir_;
};

// Development with a JWT secret: what every test below assumes unless it says
// otherwise (production's own rules have tests of their own further down).
const char* const dev_jwt_secret = "unit-test-only-jwt-secret-of-some-length";

env dev(env overrides = {}) {
  overrides.emplace("CHECKOUT_ENV", "development");
  overrides.emplace("JWT_SECRET", dev_jwt_secret);
  return overrides;
}

// Loads with the given overrides only (never the process environment), in
// development unless the file or the overrides name the mode or the secret.
load_result load_with(const std::string& file, env overrides = {}) {
  std::string text;
  if (!file.empty()) {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (text.find("CHECKOUT_ENV") == std::string::npos)
    overrides.emplace("CHECKOUT_ENV", "development");
  if (text.find("JWT_SECRET") == std::string::npos) overrides.emplace("JWT_SECRET", dev_jwt_secret);
  return load(file, overrides, false);
}

// Production as an operator would start it: every secret of its own.
env production(env overrides = {}) {
  overrides.emplace("JWT_SECRET", "prod-jwt-secret-0f3a9c2e7b1d4f6a8c0e2b4d6f8a1c3e");
  overrides.emplace("RAZORPAY_KEY_ID", "rzp_live_abc");
  overrides.emplace("RAZORPAY_KEY_SECRET", "rzp-live-key-secret-xyz");
  overrides.emplace("RAZORPAY_WEBHOOK_SECRET", "rzp-live-webhook-secret-9f8e7d");
  return overrides;
}

void expect_error_naming(const load_result& r, const std::string& setting) {
  EXPECT_FALSE(r.value.has_value()) << setting;
  EXPECT_NE(r.error.find(setting), std::string::npos) << "error: " << r.error;
}

// ---- parse_duration ------------------------------------------------------------

TEST(ParseDuration, Units) {
  EXPECT_EQ(parse_duration("500ms"), std::optional<duration>(500ms));
  EXPECT_EQ(parse_duration("5s"), std::optional<duration>(5s));
  EXPECT_EQ(parse_duration("30m"), std::optional<duration>(30min));
  EXPECT_EQ(parse_duration("24h"), std::optional<duration>(24h));
  EXPECT_EQ(parse_duration("1ms"), std::optional<duration>(1ms));
  EXPECT_EQ(parse_duration("90s"), std::optional<duration>(90s));
  EXPECT_EQ(parse_duration("0s"), std::optional<duration>(0s));
  EXPECT_EQ(parse_duration("30d"), std::optional<duration>(720h));
}

TEST(ParseDuration, Rejects) {
  for (auto bad : {"", "5", "ms", "s", "-5s", "+5s", "5 s", " 5s", "5s ", "5D", "5sec", "1.5h",
                   "5S", "5H", "5M", "h5", "5us", "5m5s", "soon"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

// Found by the settings fuzzer: huge values overflowed milliseconds (and later
// microseconds). A century is the most any duration may be.
TEST(ParseDuration, RejectsMoreThanACentury) {
  for (auto huge : {"999999999999d", "999999999999h", "999999999999m", "3660000000s", "36601d"})
    EXPECT_FALSE(parse_duration(huge).has_value()) << huge;
  EXPECT_EQ(parse_duration("36500d"), std::optional<duration>(std::chrono::hours(24 * 36500)));
  EXPECT_EQ(parse_duration("999999999999ms"), std::optional<duration>(999999999999ms));
}

// ---- defaults -----------------------------------------------------------------

TEST_F(ConfigSettings, DefaultsWithoutFileOrEnvironment) {
  auto r = load_with("");
  ASSERT_TRUE(r.value) << r.error;
  const auto& s = *r.value;
  EXPECT_EQ(s.listen_host, "0.0.0.0");
  EXPECT_EQ(s.listen_port, 8080);
  EXPECT_EQ(s.order_payment_timeout, 30min);
  EXPECT_EQ(s.cart_ttl, 24h);
  EXPECT_EQ(s.cart_cleanup_interval, 15min);
  EXPECT_EQ(s.order_expiry_scan_interval, 1min);
  EXPECT_EQ(s.payment_sync_interval, 1h);
  EXPECT_EQ(s.actor_idle_timeout, 5min);
  EXPECT_EQ(s.enrollment_max_deliveries, 5);
  EXPECT_EQ(s.cart_url_template, "{PUBLIC_BASE_URL}/cart/{token}");
  EXPECT_EQ(s.seller_name, "Checkout Internships");
  EXPECT_EQ(s.sac_default, "999293");
  EXPECT_EQ(s.referral_discount_percent, 10);
  EXPECT_EQ(s.referral_reward_percent, 10);
  EXPECT_TRUE(s.seller_gstin.empty());
  EXPECT_TRUE(s.tax_rates.empty());
  EXPECT_TRUE(r.error.empty());
}

// ---- file ---------------------------------------------------------------------

TEST_F(ConfigSettings, FileKeysAreTheEnvironmentNames) {
  auto file = write("checkout.toml", R"(
CHECKOUT_LISTEN = "127.0.0.1:9090"
DATABASE_URL = "postgresql://u:p@db:5432/x"
AMQP_URL = "amqp://u:p@mq:5672/%2f"
JWT_SECRET = "0123456789abcdef-long-enough"
PUBLIC_BASE_URL = "https://shop.example"
PAYMENT_GATEWAY = "razorpay"
RAZORPAY_KEY_ID = "rzp_live_1"
RAZORPAY_KEY_SECRET = "ks"
RAZORPAY_WEBHOOK_SECRET = "whs"
RAZORPAY_API_BASE = "http://127.0.0.1:1234"
STRIPE_SECRET_KEY = "sk_1"
STRIPE_WEBHOOK_SECRET = "whsec_1"
STRIPE_API_BASE = "http://127.0.0.1:4321"
SELLER_STATE = "MH"
FX_RATES = "USD:INR=83.25,EUR:INR=90"
TAX_RATES = "US=0,GB=20"
ORDER_PAYMENT_TIMEOUT = "45m"
CART_TTL = "2h"
CART_CLEANUP_INTERVAL = "30s"
ORDER_EXPIRY_SCAN_INTERVAL = "500ms"
PAYMENT_SYNC_INTERVAL = "6h"
ALLOWED_REDIRECT_ORIGINS = ["https://shop.example", "http://localhost:3000"]
ACTOR_IDLE_TIMEOUT = "10m"
ENROLLMENT_MAX_DELIVERIES = 7
)");
  auto r = load_with(file);
  ASSERT_TRUE(r.value) << r.error;
  const auto& s = *r.value;
  EXPECT_EQ(s.listen_host, "127.0.0.1");
  EXPECT_EQ(s.listen_port, 9090);
  EXPECT_EQ(s.database_url, "postgresql://u:p@db:5432/x");
  EXPECT_EQ(s.amqp_url, "amqp://u:p@mq:5672/%2f");
  EXPECT_EQ(s.jwt_secret, "0123456789abcdef-long-enough");
  EXPECT_EQ(s.public_base_url, "https://shop.example");
  EXPECT_EQ(s.payment_gateway, "razorpay");
  EXPECT_EQ(s.razorpay_key_id, "rzp_live_1");
  EXPECT_EQ(s.razorpay_key_secret, "ks");
  EXPECT_EQ(s.razorpay_webhook_secret, "whs");
  EXPECT_EQ(s.razorpay_api_base, "http://127.0.0.1:1234");
  EXPECT_EQ(s.stripe_secret_key, "sk_1");
  EXPECT_EQ(s.stripe_webhook_secret, "whsec_1");
  EXPECT_EQ(s.stripe_api_base, "http://127.0.0.1:4321");
  EXPECT_EQ(s.seller_state, "MH");
  ASSERT_EQ(s.fx_rates.size(), 2u);
  EXPECT_EQ(s.fx_rates.at("USD:INR"), (fx_rate{8325, 2}));
  EXPECT_EQ(s.fx_rates.at("EUR:INR"), (fx_rate{90, 0}));
  EXPECT_EQ(s.tax_rates, (std::map<std::string, int>{{"US", 0}, {"GB", 20}}));
  EXPECT_EQ(s.order_payment_timeout, 45min);
  EXPECT_EQ(s.cart_ttl, 2h);
  EXPECT_EQ(s.cart_cleanup_interval, 30s);
  EXPECT_EQ(s.order_expiry_scan_interval, 500ms);
  EXPECT_EQ(s.payment_sync_interval, 6h);
  EXPECT_EQ(s.allowed_redirect_origins,
            (std::vector<std::string>{"https://shop.example", "http://localhost:3000"}));
  EXPECT_EQ(s.actor_idle_timeout, 10min);
  EXPECT_EQ(s.enrollment_max_deliveries, 7);
}

TEST_F(ConfigSettings, FileLeavesOtherSettingsAtTheirDefaults) {
  auto r = load_with(write("partial.toml", "CART_TTL = \"1h\"\n"));
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->cart_ttl, 1h);
  EXPECT_EQ(r.value->order_payment_timeout, 30min);
  EXPECT_EQ(r.value->listen_port, 8080);
}

TEST_F(ConfigSettings, EnvironmentOverridesTheFile) {
  auto file = write("c.toml", R"(
CART_TTL = "2h"
SELLER_STATE = "MH"
CHECKOUT_LISTEN = "127.0.0.1:9090"
)");
  auto r = load_with(
      file,
      {{"CART_TTL", "3h"}, {"CHECKOUT_LISTEN", "0.0.0.0:7000"}, {"FX_RATES", "USD:INR=83.5"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->cart_ttl, 3h);
  EXPECT_EQ(r.value->seller_state, "MH");  // from the file, not overridden
  EXPECT_EQ(r.value->listen_host, "0.0.0.0");
  EXPECT_EQ(r.value->listen_port, 7000);
  EXPECT_EQ(r.value->fx_rates.at("USD:INR"), (fx_rate{835, 1}));
}

TEST_F(ConfigSettings, EnvironmentAloneWithoutFile) {
  auto r = load_with("", {{"ORDER_PAYMENT_TIMEOUT", "90s"},
                          {"ENROLLMENT_MAX_DELIVERIES", "3"},
                          {"TAX_RATES", "GB=20, DE=19"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->order_payment_timeout, 90s);
  EXPECT_EQ(r.value->enrollment_max_deliveries, 3);
  EXPECT_EQ(r.value->tax_rates, (std::map<std::string, int>{{"GB", 20}, {"DE", 19}}));
}

TEST_F(ConfigSettings, ProcessEnvironmentOnlyWhenAsked) {
  ASSERT_EQ(setenv("CART_CLEANUP_INTERVAL", "7m", 1), 0);
  auto without = load("", dev(), false);
  auto with = load("", dev(), true);
  auto overridden = load("", dev({{"CART_CLEANUP_INTERVAL", "8m"}}), true);
  unsetenv("CART_CLEANUP_INTERVAL");
  ASSERT_TRUE(without.value) << without.error;
  EXPECT_EQ(without.value->cart_cleanup_interval, 15min);
  ASSERT_TRUE(with.value) << with.error;
  EXPECT_EQ(with.value->cart_cleanup_interval, 7min);
  ASSERT_TRUE(overridden.value) << overridden.error;
  EXPECT_EQ(overridden.value->cart_cleanup_interval, 8min);
}

TEST_F(ConfigSettings, ProcessEnvironmentOverridesTheFile) {
  auto file = write("c.toml", "ACTOR_IDLE_TIMEOUT = \"2m\"\n");
  ASSERT_EQ(setenv("ACTOR_IDLE_TIMEOUT", "3m", 1), 0);
  auto r = load(file, dev(), true);
  unsetenv("ACTOR_IDLE_TIMEOUT");
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->actor_idle_timeout, 3min);
}

// ---- values -------------------------------------------------------------------

TEST_F(ConfigSettings, ListenAddresses) {
  auto r = load_with("", {{"CHECKOUT_LISTEN", "localhost:1"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->listen_host, "localhost");
  EXPECT_EQ(r.value->listen_port, 1);
  r = load_with("", {{"CHECKOUT_LISTEN", "[::1]:65535"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->listen_host, "[::1]");
  EXPECT_EQ(r.value->listen_port, 65535);
}

TEST_F(ConfigSettings, FxRates) {
  auto r = load_with("", {{"FX_RATES", "USD:INR=83.25, GBP:INR=105.125 ,INR:USD=0.012"}});
  ASSERT_TRUE(r.value) << r.error;
  const auto& fx = r.value->fx_rates;
  ASSERT_EQ(fx.size(), 3u);
  EXPECT_EQ(fx.at("USD:INR"), (fx_rate{8325, 2}));
  EXPECT_EQ(fx.at("GBP:INR"), (fx_rate{105125, 3}));
  EXPECT_EQ(fx.at("INR:USD"), (fx_rate{12, 3}));
  EXPECT_EQ(fx.count("INR:GBP"), 0u);
}

TEST_F(ConfigSettings, FxRatesReplaceRatherThanMerge) {
  auto file = write("fx.toml", "FX_RATES = \"USD:INR=83\"\n");
  auto r = load_with(file, {{"FX_RATES", "EUR:INR=90"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->fx_rates.size(), 1u);
  EXPECT_EQ(r.value->fx_rates.count("EUR:INR"), 1u);
}

struct bad_value {
  const char* setting;
  const char* value;
};

void PrintTo(const bad_value& b, std::ostream* os) {
  *os << b.setting << "=" << b.value;
}

class ConfigBadValue : public ConfigSettings, public ::testing::WithParamInterface<bad_value> {};

TEST_P(ConfigBadValue, FromTheEnvironmentNamesTheSetting) {
  const auto& p = GetParam();
  expect_error_naming(load_with("", {{p.setting, p.value}}), p.setting);
}

TEST_P(ConfigBadValue, FromTheFileNamesTheSetting) {
  const auto& p = GetParam();
  auto file = write("bad.toml", std::string(p.setting) + " = \"" + p.value + "\"\n");
  expect_error_naming(load_with(file), p.setting);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigBadValue,
    ::testing::Values(
        bad_value{"CART_TTL", "soon"}, bad_value{"CART_TTL", "24"}, bad_value{"CART_TTL", "0h"},
        bad_value{"CART_TTL", "-1h"}, bad_value{"CART_TTL", ""},
        bad_value{"ORDER_PAYMENT_TIMEOUT", "30 minutes"}, bad_value{"CART_CLEANUP_INTERVAL", "15x"},
        bad_value{"ORDER_EXPIRY_SCAN_INTERVAL", "m"}, bad_value{"PAYMENT_SYNC_INTERVAL", "1.5h"},
        bad_value{"ACTOR_IDLE_TIMEOUT", "0ms"}, bad_value{"CHECKOUT_LISTEN", "8080"},
        bad_value{"CHECKOUT_LISTEN", ":8080"}, bad_value{"CHECKOUT_LISTEN", "host:"},
        bad_value{"CHECKOUT_LISTEN", "host:http"}, bad_value{"CHECKOUT_LISTEN", "host:65536"},
        bad_value{"CHECKOUT_LISTEN", "host:-1"}, bad_value{"FX_RATES", "USD-INR=83"},
        bad_value{"FX_RATES", "USD:INR"}, bad_value{"FX_RATES", "USD:INR=abc"},
        bad_value{"FX_RATES", "USD:INR=0"}, bad_value{"FX_RATES", "USD:INR=-83"},
        bad_value{"FX_RATES", "USD:INR=8.3.2"}, bad_value{"FX_RATES", "US:INR=83"},
        bad_value{"FX_RATES", "USD:INR=83,EUR"}, bad_value{"TAX_RATES", "GB"},
        bad_value{"TAX_RATES", "GB=abc"}, bad_value{"TAX_RATES", "GBR=20"},
        bad_value{"TAX_RATES", "GB=101"}, bad_value{"TAX_RATES", "GB=-1"},
        bad_value{"PAYMENT_GATEWAY", "paypal"}, bad_value{"PAYMENT_GATEWAY", ""},
        bad_value{"AMQP_URL", "http://mq"}, bad_value{"AMQP_URL", ""},
        bad_value{"AMQP_URL", "amqp://u:p@mq1,,amqp://u:p@mq2"},
        bad_value{"AMQP_URL", "amqp://u:p@mq1,mq2:5672"},
        bad_value{"AMQP_URL", "amqp://u:p@mq1/a,amqp://u:p@mq2/b"},
        bad_value{"AMQP_URL", "amqp://u:p@mq1,amqp://u:q@mq2"},
        bad_value{"AMQP_URL", "amqp://u:p@mq1,amqp://u:p@mq1"}, bad_value{"JWT_SECRET", ""},
        bad_value{"CHECKOUT_ENV", "staging"}, bad_value{"CHECKOUT_ENV", "Production"},
        bad_value{"JWT_LEEWAY", "soon"}, bad_value{"JWT_ISSUER", ""},
        bad_value{"RATE_LIMIT_IP", "-1"}, bad_value{"RATE_LIMIT_USER", "lots"},
        bad_value{"COUPON_ATTEMPTS_PER_CART", "1.5"}, bad_value{"MAX_OPEN_ORDERS_PER_USER", "-3"},
        bad_value{"TRUSTED_PROXIES", "10.0.0.0/33"}, bad_value{"TRUSTED_PROXIES", "proxy.local"},
        bad_value{"TRUSTED_PROXIES", "10.0.0.1,::1/129"},
        bad_value{"CORS_ALLOWED_ORIGINS", "shop.example"},
        bad_value{"CORS_ALLOWED_ORIGINS", "https://shop.example/"},
        bad_value{"CORS_ALLOWED_ORIGINS", "https://shop.example/path"},
        bad_value{"MAX_CONNECTIONS", "0"}, bad_value{"HTTP_HEADER_TIMEOUT", "0s"},
        bad_value{"CART_DATA_RETENTION", "forever"}, bad_value{"CART_DELETE_AFTER", "1d"},
        bad_value{"DATABASE_URL", ""}, bad_value{"SELLER_STATE", ""},
        bad_value{"RAZORPAY_WEBHOOK_SECRET", ""},
        bad_value{"ALLOWED_REDIRECT_ORIGINS", "shop.example"},
        bad_value{"ALLOWED_REDIRECT_ORIGINS", "https://ok.example,ftp://x"},
        bad_value{"ENROLLMENT_MAX_DELIVERIES", "0"}, bad_value{"ENROLLMENT_MAX_DELIVERIES", "five"},
        bad_value{"ENROLLMENT_MAX_DELIVERIES", "5x"}, bad_value{"GATEWAY_TIMEOUT", "5"},
        bad_value{"GATEWAY_TIMEOUT", "0s"}, bad_value{"GATEWAY_RETRIES", "-1"},
        bad_value{"GATEWAY_RETRIES", "11"}, bad_value{"GATEWAY_RETRIES", "two"},
        bad_value{"GATEWAY_RETRY_BASE", "0ms"}, bad_value{"GATEWAY_RETRY_BASE", "fast"},
        bad_value{"GATEWAY_BREAKER_FAILURES", "0"}, bad_value{"GATEWAY_BREAKER_FAILURES", "1001"},
        bad_value{"GATEWAY_BREAKER_COOLDOWN", "30"}, bad_value{"GATEWAY_WORKERS", "0"},
        bad_value{"GATEWAY_WORKERS", "65"}, bad_value{"RAZORPAY_API_BASE", "api.razorpay.com"},
        bad_value{"STRIPE_API_BASE", "ftp://api.stripe.com"}, bad_value{"STRIPE_API_BASE", ""},
        bad_value{"CART_URL_TEMPLATE", "{PUBLIC_BASE_URL}/cart/"},
        bad_value{"CART_URL_TEMPLATE", "https://shop.example/cart/{TOKEN}"},
        bad_value{"CART_URL_TEMPLATE", ""}, bad_value{"SELLER_NAME", ""},
        bad_value{"SAC_DEFAULT", "99929"}, bad_value{"SAC_DEFAULT", "99929a"},
        bad_value{"SAC_DEFAULT", "9992930"}, bad_value{"REFERRAL_DISCOUNT_PERCENT", "0"},
        bad_value{"REFERRAL_REWARD_PERCENT", "101"}),
    [](const auto& info) {
      std::string n = std::string(info.param.setting) + "_" + std::to_string(info.index);
      return n;
    });

// AMQP_URL may list the nodes of one cluster (CONTRACT §14).
TEST_F(ConfigSettings, AmqpUrlListsTheNodesOfACluster) {
  const std::string list = "amqp://u:p@mq1:5672/shop,amqp://u:p@mq2:5672/shop";
  auto r = load_with("", {{"AMQP_URL", list}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->amqp_url, list);
}

// The refusal names the setting and the entry, never the password in it.
TEST_F(ConfigSettings, ABadAmqpUrlListIsRefusedWithoutItsPassword) {
  auto r = load_with("", {{"AMQP_URL", "amqp://u:s3cret@mq1,amqp://u:s3cret@mq2:x"}});
  expect_error_naming(r, "AMQP_URL");
  EXPECT_NE(r.error.find("entry 2"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("s3cret"), std::string::npos) << r.error;
}

// ---- gateways -------------------------------------------------------------------

TEST_F(ConfigSettings, GatewayDefaults) {
  auto r = load_with("");
  ASSERT_TRUE(r.value) << r.error;
  const auto& s = *r.value;
  EXPECT_EQ(s.gateway_timeout, 5s);
  EXPECT_EQ(s.gateway_retries, 2);
  EXPECT_EQ(s.gateway_retry_base, 200ms);
  EXPECT_EQ(s.gateway_breaker_failures, 5);
  EXPECT_EQ(s.gateway_breaker_cooldown, 30s);
  EXPECT_EQ(s.gateway_workers, 2);
  // No real gateway is configured out of the box.
  EXPECT_FALSE(razorpay_configured(s));
  EXPECT_FALSE(stripe_configured(s));
}

TEST_F(ConfigSettings, GatewaySettingsFromFileAndEnvironment) {
  auto file = write("gw.toml", R"(
GATEWAY_TIMEOUT = "750ms"
GATEWAY_RETRIES = 0
GATEWAY_RETRY_BASE = "50ms"
GATEWAY_BREAKER_FAILURES = 3
GATEWAY_BREAKER_COOLDOWN = "2s"
GATEWAY_WORKERS = 4
)");
  auto r = load_with(file, {{"GATEWAY_WORKERS", "6"}});
  ASSERT_TRUE(r.value) << r.error;
  const auto& s = *r.value;
  EXPECT_EQ(s.gateway_timeout, 750ms);
  EXPECT_EQ(s.gateway_retries, 0);
  EXPECT_EQ(s.gateway_retry_base, 50ms);
  EXPECT_EQ(s.gateway_breaker_failures, 3);
  EXPECT_EQ(s.gateway_breaker_cooldown, 2s);
  EXPECT_EQ(s.gateway_workers, 6);
}

TEST_F(ConfigSettings, RealGatewayModeNeedsCredentials) {
  expect_error_naming(load_with("", {{"PAYMENT_GATEWAY", "razorpay"}}), "PAYMENT_GATEWAY");
  expect_error_naming(load_with("", {{"PAYMENT_GATEWAY", "stripe"}}), "PAYMENT_GATEWAY");
  expect_error_naming(
      load_with("", {{"PAYMENT_GATEWAY", "razorpay"}, {"RAZORPAY_KEY_ID", "rzp_1"}}),
      "RAZORPAY_KEY_SECRET");
  expect_error_naming(load_with("", {{"PAYMENT_GATEWAY", "stripe"},
                                     {"RAZORPAY_KEY_SECRET", "ks"},
                                     {"STRIPE_SECRET_KEY", "sk_1"}}),
                      "RAZORPAY_KEY_ID");
  // Keys without a webhook secret would take money nothing can confirm.
  expect_error_naming(load_with("", {{"RAZORPAY_KEY_ID", "rzp_1"}, {"RAZORPAY_KEY_SECRET", "k"}}),
                      "RAZORPAY_WEBHOOK_SECRET");
  expect_error_naming(load_with("", {{"STRIPE_SECRET_KEY", "sk_1"}}), "STRIPE_WEBHOOK_SECRET");

  auto stripe_only = load_with("", {{"PAYMENT_GATEWAY", "stripe"},
                                    {"STRIPE_SECRET_KEY", "sk_1"},
                                    {"STRIPE_WEBHOOK_SECRET", "whsec_1"}});
  ASSERT_TRUE(stripe_only.value) << stripe_only.error;
  EXPECT_TRUE(stripe_configured(*stripe_only.value));
  EXPECT_FALSE(razorpay_configured(*stripe_only.value));
  expect_error_naming(load_with("", {{"PAYMENT_GATEWAY", "razorpay"},
                                     {"STRIPE_SECRET_KEY", "sk_1"},
                                     {"STRIPE_WEBHOOK_SECRET", "whsec_1"}}),
                      "PAYMENT_GATEWAY");

  auto razorpay_only = load_with("", {{"PAYMENT_GATEWAY", "razorpay"},
                                      {"RAZORPAY_KEY_ID", "rzp_1"},
                                      {"RAZORPAY_KEY_SECRET", "k"},
                                      {"RAZORPAY_WEBHOOK_SECRET", "whs"}});
  ASSERT_TRUE(razorpay_only.value) << razorpay_only.error;
  EXPECT_TRUE(razorpay_configured(*razorpay_only.value));
  EXPECT_FALSE(stripe_configured(*razorpay_only.value));
}

TEST_F(ConfigSettings, DevelopmentDefaultsToTheSandboxWithoutCredentials) {
  auto r = load_with("");
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->payment_gateway, "sandbox");
  EXPECT_TRUE(sandbox_enabled(*r.value));
  EXPECT_FALSE(razorpay_configured(*r.value));
  EXPECT_FALSE(stripe_configured(*r.value));
}

// ---- production (CONTRACT §13) ------------------------------------------------

TEST_F(ConfigSettings, ProductionIsTheDefaultMode) {
  auto r = load("", production(), false);
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->checkout_env, "production");
  EXPECT_FALSE(is_development(*r.value));
  EXPECT_FALSE(sandbox_enabled(*r.value));
  // The first enabled real gateway is the default.
  EXPECT_EQ(r.value->payment_gateway, "razorpay");
}

TEST_F(ConfigSettings, ProductionRefusesAMissingShortOrPublishedJwtSecret) {
  auto missing = production();
  missing.erase("JWT_SECRET");
  expect_error_naming(load("", missing, false), "JWT_SECRET");
  // Nothing falls back to a value in the code, in either mode.
  expect_error_naming(load("", {{"CHECKOUT_ENV", "development"}}, false), "JWT_SECRET");
  expect_error_naming(load("", production({{"JWT_SECRET", std::string(31, 'k')}}), false),
                      "JWT_SECRET");
  EXPECT_TRUE(load("", production({{"JWT_SECRET", std::string(32, 'k')}}), false).value);
  for (auto published : {"dev-jwt-secret-change-me", "e2e-jwt-secret-0123456789-0123456789-abcdef"})
    expect_error_naming(load("", production({{"JWT_SECRET", published}}), false), "JWT_SECRET");
  expect_error_naming(load("", production({{"JWT_SECRET_PREVIOUS", "too-short"}}), false),
                      "JWT_SECRET_PREVIOUS");
}

TEST_F(ConfigSettings, ProductionRefusesTheSandboxAndGatewaysWithoutWebhookSecrets) {
  expect_error_naming(load("", production({{"PAYMENT_GATEWAY", "sandbox"}}), false),
                      "PAYMENT_GATEWAY");
  auto no_webhook = production();
  no_webhook.erase("RAZORPAY_WEBHOOK_SECRET");
  expect_error_naming(load("", no_webhook, false), "RAZORPAY_WEBHOOK_SECRET");
  expect_error_naming(load("", production({{"STRIPE_SECRET_KEY", "sk_live_1"}}), false),
                      "STRIPE_WEBHOOK_SECRET");
  // No gateway at all: production cannot take money.
  expect_error_naming(
      load("", {{"JWT_SECRET", "prod-jwt-secret-0f3a9c2e7b1d4f6a8c0e2b4d6f8a1c3e"}}, false),
      "PAYMENT_GATEWAY");
  // Old shipped webhook secrets are known to everyone.
  expect_error_naming(
      load("", production({{"RAZORPAY_WEBHOOK_SECRET", "sandbox-webhook-secret"}}), false),
      "RAZORPAY_WEBHOOK_SECRET");
  expect_error_naming(load("",
                           production({{"STRIPE_SECRET_KEY", "sk_live_1"},
                                       {"STRIPE_WEBHOOK_SECRET", "whsec_sandbox"}}),
                           false),
                      "STRIPE_WEBHOOK_SECRET");
  // Development allows the sandbox and short secrets.
  auto d = load("", dev({{"PAYMENT_GATEWAY", "sandbox"}, {"JWT_SECRET", "short"}}), false);
  EXPECT_TRUE(d.value) << d.error;
}

TEST_F(ConfigSettings, AbuseLimitAndRetentionSettings) {
  auto defaults = load_with("");
  ASSERT_TRUE(defaults.value) << defaults.error;
  EXPECT_EQ(defaults.value->rate_limit_ip, 50);
  EXPECT_EQ(defaults.value->rate_limit_user, 20);
  EXPECT_EQ(defaults.value->coupon_attempts_per_cart, 20);
  EXPECT_EQ(defaults.value->max_open_orders_per_user, 3);
  EXPECT_EQ(defaults.value->jwt_leeway, 30s);
  EXPECT_EQ(defaults.value->cart_data_retention, 720h);
  EXPECT_TRUE(defaults.value->cors_allowed_origins.empty());
  EXPECT_TRUE(defaults.value->trusted_proxies.empty());
  auto r = load_with("", {{"RATE_LIMIT_IP", "0"},
                          {"TRUSTED_PROXIES", "10.0.0.0/8, ::1"},
                          {"CORS_ALLOWED_ORIGINS", "https://shop.example,http://localhost:3000"},
                          {"JWT_LEEWAY", "0s"},
                          {"CART_DATA_RETENTION", "7d"},
                          {"CART_DELETE_AFTER", "30d"}});
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->rate_limit_ip, 0);
  EXPECT_EQ(r.value->trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(r.value->cors_allowed_origins,
            (std::vector<std::string>{"https://shop.example", "http://localhost:3000"}));
  EXPECT_EQ(r.value->jwt_leeway, 0s);
  EXPECT_EQ(r.value->cart_data_retention, 168h);
  expect_error_naming(load_with("", {{"CART_DATA_RETENTION", "30d"}, {"CART_DELETE_AFTER", "30d"}}),
                      "CART_DELETE_AFTER");
}

TEST_F(ConfigSettings, WrongTomlTypeNamesTheSetting) {
  expect_error_naming(load_with(write("t1.toml", "CART_TTL = true\n")), "CART_TTL");
  expect_error_naming(load_with(write("t2.toml", "CART_TTL = 1.5\n")), "CART_TTL");
  expect_error_naming(load_with(write("t3.toml", "[CART_TTL]\nx = 1\n")), "CART_TTL");
}

// Found by the TOML fuzzer: a float was converted (1e97 is undefined behaviour).
TEST_F(ConfigSettings, TomlFloatIsNotAnInteger) {
  expect_error_naming(load_with(write("f1.toml", "DB_POOL_SIZE = 4.0\n")), "DB_POOL_SIZE");
  expect_error_naming(load_with(write("f2.toml", "DB_POOL_SIZE = 1e97\n")), "DB_POOL_SIZE");
  auto ok = load_with(write("f3.toml", "DB_POOL_SIZE = 6\n"));
  ASSERT_TRUE(ok.value) << ok.error;
  EXPECT_EQ(ok.value->db_pool_size, 6);
}

TEST_F(ConfigSettings, TomlIntegerOutOfRangeNamesTheSetting) {
  expect_error_naming(load_with(write("i.toml", "ENROLLMENT_MAX_DELIVERIES = 0\n")),
                      "ENROLLMENT_MAX_DELIVERIES");
}

TEST_F(ConfigSettings, MissingFileIsAnError) {
  auto r = load_with((dir_ / "does-not-exist.toml").string());
  EXPECT_FALSE(r.value.has_value());
  EXPECT_FALSE(r.error.empty());
}

TEST_F(ConfigSettings, MalformedTomlIsAnError) {
  auto file = write("broken.toml", "CART_TTL = \"1h\nSELLER_STATE = \n");
  auto r = load_with(file);
  EXPECT_FALSE(r.value.has_value());
  EXPECT_NE(r.error.find(file), std::string::npos) << r.error;
}

TEST_F(ConfigSettings, OneBadValueAmongGoodOnesStillFails) {
  auto file = write("mixed.toml", R"(
SELLER_STATE = "MH"
CART_TTL = "2h"
PAYMENT_SYNC_INTERVAL = "often"
)");
  expect_error_naming(load_with(file), "PAYMENT_SYNC_INTERVAL");
}

}  // namespace
}  // namespace checkout::config
