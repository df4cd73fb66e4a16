// Structured logs (issue 6): each line is one JSON object with time, level,
// message and the innermost value of each context field; text and JSON lines
// mask secrets, bearer tokens, JWTs, signatures and URL passwords; bytes that
// are not UTF-8 never break the JSON.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "config/log_context.hpp"
#include "config/logging.hpp"
#include "config/settings.hpp"
#include "rc_support.hpp"

namespace checkout::logging {
namespace {

using spdlog::level::level_enum;

const std::string secret = "whsec_unit_test_secret";
const std::string jwt_secret = "unit-jwt-secret-0123456789";
// 64 hex digits: the shape of an HMAC-SHA256 signature.
const std::string hmac = "3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
const std::string jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsImV4cCI6MTl9.c2lnbmF0dXJlX2J5dGVz";

// 2026-11-22T10:00:00.123Z
spdlog::log_clock::time_point fixed_time() {
  return spdlog::log_clock::time_point(std::chrono::milliseconds(1795341600123LL));
}

std::string format_line(line_format f, level_enum level, const std::string& message,
                        std::vector<std::string> secrets = {secret, jwt_secret}) {
  auto formatter = make_formatter(f, std::move(secrets));
  spdlog::details::log_msg msg(fixed_time(), spdlog::source_loc{}, "test", level, message);
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

std::string json_line(const std::string& message, level_enum level = spdlog::level::info) {
  return format_line(line_format::json, level, message);
}

// Parses one line strictly (UTF-8 validated) and checks it is a single line.
rapidjson::Document parse(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size() - 1);
  EXPECT_FALSE(d.HasParseError()) << rapidjson::GetParseError_En(d.GetParseError()) << " in "
                                  << line;
  EXPECT_TRUE(d.IsObject()) << line;
  return d;
}

std::string member(const rapidjson::Document& d, const char* key) {
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString()
                                                               : std::string("<absent>");
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// ---- shape -------------------------------------------------------------------

TEST(LogLine, HasTimeLevelAndMessage) {
  auto d = parse(json_line("order placed"));
  EXPECT_EQ(member(d, "time"), "2026-11-22T10:00:00.123Z");
  EXPECT_EQ(member(d, "level"), "info");
  EXPECT_EQ(member(d, "message"), "order placed");
  EXPECT_EQ(d.MemberCount(), 3u);
}

TEST(LogLine, MillisecondsArePadded) {
  auto formatter = make_formatter(line_format::json, {});
  for (auto [ms, text] :
       std::vector<std::pair<long long, std::string>>{{7, "2026-11-22T10:00:00.007Z"},
                                                      {60, "2026-11-22T10:00:00.060Z"},
                                                      {86399999, "2026-11-23T09:59:59.999Z"}}) {
    spdlog::details::log_msg msg(
        spdlog::log_clock::time_point(std::chrono::milliseconds(1795341600000LL + ms)),
        spdlog::source_loc{}, "test", spdlog::level::info, "x");
    spdlog::memory_buf_t out;
    formatter->format(msg, out);
    EXPECT_EQ(member(parse(std::string(out.data(), out.size())), "time"), text);
  }
}

TEST(LogLine, LevelNames) {
  const std::vector<std::pair<level_enum, std::string>> levels = {
      {spdlog::level::trace, "trace"}, {spdlog::level::debug, "debug"},
      {spdlog::level::info, "info"},   {spdlog::level::warn, "warn"},
      {spdlog::level::err, "error"},   {spdlog::level::critical, "critical"}};
  for (auto& [level, name] : levels) EXPECT_EQ(member(parse(json_line("m", level)), "level"), name);
}

// ---- context fields ------------------------------------------------------------

TEST(LogFields, AbsentOutsideAnyScope) {
  auto d = parse(json_line("no context"));
  EXPECT_FALSE(d.HasMember("correlation_id"));
  EXPECT_FALSE(d.HasMember("cart_token"));
}

TEST(LogFields, PresentInsideTheirScope) {
  std::string cid = "req-42", cart = "0b6e1c5a-7f3e-4c2a-9d1b-2e8f6a4c3b21";
  field_scope a("correlation_id", cid);
  field_scope b("cart_token", cart);
  field_scope c("actor_kind", "cart");
  auto d = parse(json_line("added item"));
  EXPECT_EQ(member(d, "correlation_id"), cid);
  EXPECT_EQ(member(d, "cart_token"), cart);
  EXPECT_EQ(member(d, "actor_kind"), "cart");
  EXPECT_EQ(member(d, "message"), "added item");
}

TEST(LogFields, InnermostWinsAndPopRestores) {
  field_scope outer("correlation_id", "outer-id");
  {
    field_scope other("order_token", "order-1");
    field_scope inner("correlation_id", "inner-id");
    auto line = json_line("inner");
    EXPECT_EQ(count(line, "\"correlation_id\""), 1u) << line;
    auto d = parse(line);
    EXPECT_EQ(member(d, "correlation_id"), "inner-id");
    EXPECT_EQ(member(d, "order_token"), "order-1");
  }
  auto d = parse(json_line("outer"));
  EXPECT_EQ(member(d, "correlation_id"), "outer-id");
  EXPECT_FALSE(d.HasMember("order_token"));
}

TEST(LogFields, EmptyValuePushesNothing) {
  field_scope outer("correlation_id", "kept");
  field_scope empty("correlation_id", "");
  EXPECT_EQ(member(parse(json_line("m")), "correlation_id"), "kept");
}

TEST(LogFields, ReservedKeysDoNotOverrideTheLine) {
  field_scope a("message", "spoofed");
  field_scope b("level", "critical");
  auto line = json_line("real", spdlog::level::warn);
  EXPECT_EQ(count(line, "\"message\""), 1u) << line;
  auto d = parse(line);
  EXPECT_EQ(member(d, "message"), "real");
  EXPECT_EQ(member(d, "level"), "warn");
}

TEST(LogFields, ValuesAreEscapedAndRedacted) {
  std::string value = "a\"b\n" + secret;
  field_scope a("route", value);
  auto d = parse(json_line("m"));
  EXPECT_EQ(member(d, "route"), "a\"b\n[redacted]");
}

// ---- escaping ----------------------------------------------------------------

TEST(LogEscaping, QuotesBackslashesAndControlCharacters) {
  std::string message = "say \"hi\" \\ path\nnext\rline\ttab \x01\x1f\x7f end";
  message += '\0';
  message += "after nul";
  auto line = json_line(message);
  EXPECT_NE(line.find("\\u0001"), std::string::npos) << line;
  EXPECT_NE(line.find("\\u001f"), std::string::npos) << line;
  EXPECT_NE(line.find("\\u0000"), std::string::npos) << line;
  auto d = parse(line);
  ASSERT_TRUE(d["message"].IsString());
  EXPECT_EQ(std::string(d["message"].GetString(), d["message"].GetStringLength()), message);
}

TEST(LogEscaping, InvalidUtf8IsReplaced) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad \xff byte", "bad " + fffd + " byte"},
      {"cut \xE2\x82", "cut " + fffd + fffd},
      {"overlong \xC0\xAF", "overlong " + fffd + fffd},
      {"surrogate \xED\xA0\x80", "surrogate " + fffd + fffd + fffd},
      {"too big \xF4\x90\x80\x80", "too big " + fffd + fffd + fffd + fffd},
      {"lone \x80 continuation", "lone " + fffd + " continuation"},
  };
  for (auto& [in, out] : cases) EXPECT_EQ(member(parse(json_line(in)), "message"), out) << in;
}

TEST(LogEscaping, ValidUtf8IsKept) {
  std::string message = "₹ 499 · café · 😀 · \xF4\x8F\xBF\xBF";
  EXPECT_EQ(member(parse(json_line(message)), "message"), message);
}

TEST(LogEscaping, AnyBytesGiveOneValidJsonLine) {
  checkout::testing::check_property([] {
    auto bytes = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    auto line = json_line(bytes);
    RC_ASSERT(line.find('\n') == line.size() - 1);
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size() - 1);
    RC_ASSERT(!d.HasParseError());
    RC_ASSERT(d.IsObject() && d.HasMember("message"));
  });
}

// ---- redaction -----------------------------------------------------------------

TEST(LogRedaction, ConfiguredSecretsAnywhere) {
  auto d = parse(json_line("secret=" + secret + " and again:" + secret + "x; jwt " + jwt_secret));
  EXPECT_EQ(member(d, "message"), "secret=[redacted] and again:[redacted]x; jwt [redacted]");
}

TEST(LogRedaction, LongestSecretFirstAndShortOnesIgnored) {
  auto line = format_line(line_format::json, spdlog::level::info, "key abcdef-long and abc",
                          {"abcdef", "abcdef-long", "abc"});
  EXPECT_EQ(member(parse(line), "message"), "key [redacted] and abc");
}

TEST(LogRedaction, BearerTokens) {
  EXPECT_EQ(member(parse(json_line("Authorization: Bearer " + jwt + ", next")), "message"),
            "Authorization: Bearer [redacted], next");
  EXPECT_EQ(member(parse(json_line("header bearer  abc.def-ghi_jkl~mn+op/qr==")), "message"),
            "header bearer  [redacted]");
}

TEST(LogRedaction, BasicCredentials) {
  EXPECT_EQ(
      member(parse(json_line("Authorization: Basic cnpwX3Rlc3RfMTIzOnNlY3JldDEyMw==")), "message"),
      "Authorization: Basic [redacted]");
  EXPECT_EQ(member(parse(json_line("basic auth failed; basic.nack")), "message"),
            "basic auth failed; basic.nack");
}

TEST(LogRedaction, JwtWithoutBearer) {
  EXPECT_EQ(member(parse(json_line("token=" + jwt + " rejected")), "message"),
            "token=[redacted] rejected");
}

TEST(LogRedaction, WebhookSignatures) {
  EXPECT_EQ(member(parse(json_line("Stripe-Signature: t=1795341600,v1=" + hmac + ",v0=" + hmac)),
                   "message"),
            "Stripe-Signature: t=1795341600,v1=[redacted],v0=[redacted]");
  EXPECT_EQ(member(parse(json_line("X-Razorpay-Signature " + hmac + ".")), "message"),
            "X-Razorpay-Signature [redacted].");
}

TEST(LogRedaction, UrlPasswords) {
  EXPECT_EQ(
      member(parse(json_line("connect amqp://guest:guest@127.0.0.1:5672/%2f failed")), "message"),
      "connect amqp://guest:[redacted]@127.0.0.1:5672/%2f failed");
  EXPECT_EQ(member(parse(json_line("db postgresql://checkout:s3cr%40t@db/checkout")), "message"),
            "db postgresql://checkout:[redacted]@db/checkout");
}

TEST(LogRedaction, OrdinaryTextIsLeftAlone) {
  const std::vector<std::string> untouched = {
      "order 0b6e1c5a-7f3e-4c2a-9d1b-2e8f6a4c3b21 paid",
      "event evt-3f9a0c1b2d4e received; api v1=2",
      "Bearer",
      "signature mismatch for razorpay event",
      "http://localhost:8080/api/v1/orders?x=1",
      "hex " + hmac.substr(0, 63) + " is short",
      "word" + hmac + " is inside a word",
      "eyJ alone.",
      "abc checkout guest",
  };
  for (auto& text : untouched) EXPECT_EQ(member(parse(json_line(text)), "message"), text);
}

TEST(LogRedaction, SecretNeverAppearsWherever) {
  checkout::testing::check_property([] {
    auto before = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    auto after = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    for (auto& line :
         {json_line(before + secret + after),
          format_line(line_format::text, spdlog::level::info, before + "Bearer " + jwt + after)}) {
      RC_ASSERT(line.find(secret) == std::string::npos);
      RC_ASSERT(line.find(jwt) == std::string::npos);
    }
  });
}

// ---- text format ---------------------------------------------------------------

TEST(LogText, OneReadableLineWithFieldsAndRedaction) {
  field_scope a("correlation_id", "req-7");
  field_scope b("order_token", "order-9");
  auto line = format_line(line_format::text, spdlog::level::warn,
                          "two\nlines with " + secret + " and Bearer " + jwt);
  EXPECT_EQ(line,
            "2026-11-22T10:00:00.123Z warn  two\\nlines with [redacted] and Bearer [redacted] "
            "correlation_id=req-7 order_token=order-9\n");
}

// ---- level filtering and set-up -------------------------------------------------

TEST(LogLevel, ParsesTheSettingsNames) {
  EXPECT_EQ(parse_level("trace"), spdlog::level::trace);
  EXPECT_EQ(parse_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_level("error"), spdlog::level::err);
  EXPECT_EQ(parse_level("off"), spdlog::level::off);
  EXPECT_EQ(parse_level("nonsense"), spdlog::level::info);
  EXPECT_EQ(parse_format("text"), line_format::text);
  EXPECT_EQ(parse_format("json"), line_format::json);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l + "\n");
  return out;
}

TEST(LogLevel, FiltersBelowTheConfiguredLevel) {
  std::ostringstream os;
  auto logger =
      make_logger("warn", "json", {secret}, std::make_shared<spdlog::sinks::ostream_sink_mt>(os));
  logger->debug("hidden debug");
  logger->info("hidden info");
  logger->warn("shown warn {}", secret);
  logger->error("shown error");
  auto lines = lines_of(os.str());
  ASSERT_EQ(lines.size(), 2u) << os.str();
  EXPECT_EQ(member(parse(lines[0]), "message"), "shown warn [redacted]");
  EXPECT_EQ(member(parse(lines[0]), "level"), "warn");
  EXPECT_EQ(member(parse(lines[1]), "level"), "error");

  std::ostringstream all;
  auto verbose =
      make_logger("debug", "text", {}, std::make_shared<spdlog::sinks::ostream_sink_mt>(all));
  verbose->trace("hidden trace");
  verbose->debug("shown debug");
  ASSERT_EQ(lines_of(all.str()).size(), 1u) << all.str();
  EXPECT_NE(all.str().find(" debug shown debug\n"), std::string::npos) << all.str();
}

TEST(LogLevel, OffWritesNothing) {
  std::ostringstream os;
  auto logger =
      make_logger("off", "json", {}, std::make_shared<spdlog::sinks::ostream_sink_mt>(os));
  logger->critical("nothing");
  EXPECT_TRUE(os.str().empty());
}

TEST(LogSetup, InstallsTheDefaultLogger) {
  auto previous = spdlog::default_logger();
  setup("debug", "json", {secret});
  EXPECT_NE(spdlog::default_logger(), previous);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  setup("error", "text", {});
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
  spdlog::set_default_logger(previous);
}

// ---- LOG_FORMAT setting ---------------------------------------------------------

TEST(LogFormatSetting, DefaultsToJsonAndAcceptsText) {
  const std::map<std::string, std::string> dev = {{"CHECKOUT_ENV", "development"},
                                                  {"JWT_SECRET", jwt_secret}};
  auto plain = config::load("", dev, false);
  ASSERT_TRUE(plain.value) << plain.error;
  EXPECT_EQ(plain.value->log_format, "json");
  auto with_text = dev;
  with_text["LOG_FORMAT"] = "text";
  auto text = config::load("", with_text, false);
  ASSERT_TRUE(text.value) << text.error;
  EXPECT_EQ(text.value->log_format, "text");
}

TEST(LogFormatSetting, BadValueNamesTheSetting) {
  auto bad = config::load("", {{"LOG_FORMAT", "xml"}}, false);
  EXPECT_FALSE(bad.value.has_value());
  EXPECT_NE(bad.error.find("LOG_FORMAT"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("xml"), std::string::npos) << bad.error;
}

}  // namespace
}  // namespace checkout::logging
