#include "config/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "config/log_context.hpp"

namespace checkout::logging {
namespace {

using buffer = spdlog::memory_buf_t;

constexpr std::string_view redacted = "[redacted]";
// Shorter "secrets" (a test's "abc", a stray empty-ish value) would mask
// ordinary words and make every line unreadable.
constexpr std::size_t min_secret_length = 4;
// A standalone run of at least this many hex digits is an HMAC-SHA256 (or
// longer) digest: Razorpay sends its webhook signature as bare hex. The
// identifiers we log are shorter (random_hex ids) or hyphenated (UUID tokens).
constexpr std::size_t min_digest_hex = 64;
// Stripe's "t=...,v1=<hex>" carries the signature after "v1=" (and "v0=" in
// test mode); a run this long after such a prefix is a signature, while a
// short one ("v1=2" in some unrelated text) is left alone.
constexpr std::size_t min_signature_hex = 16;
// base64 of "id:secret" with a gateway's key id is longer than this; words
// after "basic " in ordinary text are shorter.
constexpr std::size_t min_basic_credential = 16;
// Replaces each byte that is not part of valid UTF-8 (U+FFFD), so a line
// stays valid JSON whatever bytes a message carries.
constexpr std::string_view replacement = "\xEF\xBF\xBD";

constexpr std::array<std::string_view, 7> level_names = {"trace", "debug",    "info", "warn",
                                                         "error", "critical", "off"};

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// RFC 6750 b64token characters (credentials after "Bearer ").
bool is_token_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}
bool is_b64url_or_dot(char c) {
  return is_alnum(c) || c == '-' || c == '_' || c == '.';
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

void append(buffer& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

// The length of the valid UTF-8 sequence at the start of `s` (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(0);
  std::size_t len = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F) || (c == 0xF0 && b(1) < 0x90) ||
      (c == 0xF4 && b(1) > 0x8F))
    return 0;
  return len;
}

// Writes the character (or UTF-8 sequence) at s[i]; answers the bytes used.
// JSON escapes what RFC 8259 requires plus DEL; text escapes control
// characters too, so a message cannot break the line or drive a terminal.
std::size_t write_one(buffer& out, std::string_view s, std::size_t i, line_format format) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c >= 0x80) {
    auto len = utf8_length(s.substr(i));
    if (len == 0) {
      append(out, replacement);
      return 1;
    }
    append(out, s.substr(i, len));
    return len;
  }
  const bool json = format == line_format::json;
  switch (c) {
    case '"':
      append(out, json ? "\\\"" : "\"");
      return 1;
    case '\\':
      append(out, json ? "\\\\" : "\\");
      return 1;
    case '\n':
      append(out, "\\n");
      return 1;
    case '\r':
      append(out, "\\r");
      return 1;
    case '\t':
      append(out, "\\t");
      return 1;
    default:
      break;
  }
  if (c < 0x20 || c == 0x7F) {
    static constexpr char digits[] = "0123456789abcdef";
    append(out, json ? "\\u00" : "\\x");
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xF]);
    return 1;
  }
  out.push_back(static_cast<char>(c));
  return 1;
}

void write_plain(buffer& out, std::string_view s, line_format format) {
  for (std::size_t i = 0; i < s.size();) i += write_one(out, s, i, format);
}

// What to hide at one position: `keep` bytes stay, the next `hide` do not.
struct span {
  std::size_t keep = 0;
  std::size_t hide = 0;
};

class redactor {
 public:
  explicit redactor(std::vector<std::string> secrets) {
    secrets.erase(std::remove_if(secrets.begin(), secrets.end(),
                                 [](const std::string& s) { return s.size() < min_secret_length; }),
                  secrets.end());
    // Longest first, so a secret containing another is hidden whole.
    std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
    secrets_ = std::move(secrets);
    for (const auto& s : secrets_) first_bytes_.set(static_cast<unsigned char>(s[0]));
  }

  // Writes `s` with everything that looks like a credential replaced.
  void write(buffer& out, std::string_view s, line_format format) const {
    for (std::size_t i = 0; i < s.size();) {
      auto m = at(s, i);
      if (m.hide == 0) {
        i += write_one(out, s, i, format);
        continue;
      }
      write_plain(out, s.substr(i, m.keep), format);
      append(out, redacted);
      i += m.keep + m.hide;
    }
  }

 private:
  span at(std::string_view s, std::size_t i) const {
    const char c = s[i];
    if (first_bytes_[static_cast<unsigned char>(c)]) {
      for (const auto& secret : secrets_)
        if (s.compare(i, secret.size(), secret) == 0) return {0, secret.size()};
    }
    // "://" follows its scheme's letters; the other patterns start at a word
    // boundary, so hex inside a longer word stays readable.
    if (c == ':') return url_password(s, i);
    if (i > 0 && is_alnum(s[i - 1])) return {};
    switch (c) {
      case 'B':
      case 'b':
        if (auto m = bearer(s, i); m.hide) return m;
        if (auto m = basic(s, i); m.hide) return m;
        break;
      case 'v':
        if (auto m = signature(s, i); m.hide) return m;
        break;
      case 'e':
        if (auto m = jwt(s, i); m.hide) return m;
        break;
      default:
        break;
    }
    return is_hex(c) ? digest(s, i) : span{};
  }

  // "Bearer <token>": an Authorization header value copied into a message.
  static span bearer(std::string_view s, std::size_t i) {
    constexpr std::string_view word = "bearer ";
    if (s.size() - i < word.size()) return {};
    for (std::size_t k = 0; k < word.size(); ++k)
      if (lower(s[i + k]) != word[k]) return {};
    auto from = i + word.size();
    while (from < s.size() && s[from] == ' ') ++from;
    auto to = from;
    while (to < s.size() && is_token_char(s[to])) ++to;
    return to > from ? span{from - i, to - from} : span{};
  }

  // "Basic <base64 of id:secret>": how the Razorpay API is called. "basic"
  // also starts ordinary words and AMQP method names, so only a credential
  // sized run after it is hidden.
  static span basic(std::string_view s, std::size_t i) {
    constexpr std::string_view word = "basic ";
    if (s.size() - i < word.size()) return {};
    for (std::size_t k = 0; k < word.size(); ++k)
      if (lower(s[i + k]) != word[k]) return {};
    const auto from = i + word.size();
    auto to = from;
    while (to < s.size() && (is_alnum(s[to]) || s[to] == '+' || s[to] == '/' || s[to] == '=')) ++to;
    return to - from >= min_basic_credential ? span{from - i, to - from} : span{};
  }

  // "v1=<hex>" / "v0=<hex>" of a Stripe-Signature header ("t=...,v1=...").
  static span signature(std::string_view s, std::size_t i) {
    if (s.size() - i < 3 || (s[i + 1] != '0' && s[i + 1] != '1') || s[i + 2] != '=') return {};
    auto to = i + 3;
    while (to < s.size() && is_hex(s[to])) ++to;
    return to - (i + 3) >= min_signature_hex ? span{3, to - i - 3} : span{};
  }

  // A JWT without its "Bearer " (eyJ is base64url of `{"`): three or more
  // dot-separated base64url parts.
  static span jwt(std::string_view s, std::size_t i) {
    if (s.compare(i, 3, "eyJ") != 0) return {};
    auto to = i;
    int dots = 0;
    while (to < s.size() && is_b64url_or_dot(s[to])) dots += s[to++] == '.';
    return dots >= 2 ? span{0, to - i} : span{};
  }

  // The password of "scheme://user:password@host": DATABASE_URL and AMQP_URL
  // carry one, and it is usually a short word ("guest") that could not be a
  // configured secret without masking ordinary text.
  static span url_password(std::string_view s, std::size_t i) {
    if (s.compare(i, 3, "://") != 0) return {};
    const auto user = i + 3;
    auto colon = std::string_view::npos;
    for (auto k = user; k < s.size(); ++k) {
      const char c = s[k];
      if (c == '@') {
        if (colon == std::string_view::npos || k == colon + 1) return {};
        return {colon + 1 - i, k - colon - 1};
      }
      if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' ||
          c == '>' || c == '\n')
        return {};
      if (c == ':' && colon == std::string_view::npos) colon = k;
    }
    return {};
  }

  static span digest(std::string_view s, std::size_t i) {
    auto to = i;
    while (to < s.size() && is_hex(s[to])) ++to;
    if (to - i < min_digest_hex || (to < s.size() && is_alnum(s[to]))) return {};
    return {0, to - i};
  }

  std::vector<std::string> secrets_;
  std::bitset<256> first_bytes_;
};

// Fields whose keys would collide with the line's own members are dropped.
bool reserved(std::string_view key) {
  return key == "time" || key == "level" || key == "message";
}

class line_formatter final : public spdlog::formatter {
 public:
  line_formatter(line_format format, std::shared_ptr<const redactor> redact)
      : format_(format), redact_(std::move(redact)) {}

  // Called by the sink under its mutex, so the time cache needs no lock.
  void format(const spdlog::details::log_msg& msg, buffer& out) override {
    const bool json = format_ == line_format::json;
    const std::string_view level = level_names[std::min<std::size_t>(msg.level, 6)];
    if (json) append(out, R"({"time":")");
    write_time(msg.time, out);
    if (json) {
      append(out, R"(","level":")");
      append(out, level);
      append(out, R"(","message":")");
    } else {
      out.push_back(' ');
      append(out, level);
      for (auto pad = level.size(); pad < 5; ++pad) out.push_back(' ');
      out.push_back(' ');
    }
    redact_->write(out, std::string_view(msg.payload.data(), msg.payload.size()), format_);
    if (json) out.push_back('"');

    auto fields = current_fields();
    for (auto* f = fields.begin; f != fields.end; ++f) {
      if (reserved(f->key) || shadowed(f, fields.end)) continue;
      if (json) {
        append(out, R"(,")");
        write_plain(out, f->key, format_);
        append(out, R"(":")");
        redact_->write(out, f->value, format_);
        out.push_back('"');
      } else {
        out.push_back(' ');
        write_plain(out, f->key, format_);
        out.push_back('=');
        redact_->write(out, f->value, format_);
      }
    }
    if (json) out.push_back('}');
    out.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<line_formatter>(format_, redact_);
  }

 private:
  // An inner scope pushed the same key again: only the innermost is written.
  static bool shadowed(const field* f, const field* end) {
    for (auto* g = f + 1; g != end; ++g)
      if (g->key == f->key) return true;
    return false;
  }

  // RFC 3339 UTC with milliseconds; the date and time of day are formatted
  // once a second.
  void write_time(spdlog::log_clock::time_point t, buffer& out) {
    using namespace std::chrono;
    const auto since = t.time_since_epoch();
    const auto secs = floor<seconds>(since);
    const auto ms = static_cast<int>(duration_cast<milliseconds>(since - secs).count());
    const std::time_t now = static_cast<std::time_t>(secs.count());
    if (!cached_valid_ || now != cached_second_) {
      std::tm tm{};
      gmtime_r(&now, &tm);
      // Digits by hand: the cache is 19 characters whatever the values are.
      auto put = [this](std::size_t at, int value, int width) {
        for (int k = width - 1; k >= 0; --k, value /= 10)
          cached_[at + k] = static_cast<char>('0' + (value % 10 + 10) % 10);
      };
      put(0, tm.tm_year + 1900, 4);
      put(5, tm.tm_mon + 1, 2);
      put(8, tm.tm_mday, 2);
      put(11, tm.tm_hour, 2);
      put(14, tm.tm_min, 2);
      put(17, tm.tm_sec, 2);
      cached_second_ = now;
      cached_valid_ = true;
    }
    append(out, std::string_view(cached_.data(), cached_.size()));
    const char frac[] = {'.', static_cast<char>('0' + ms / 100),
                         static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10),
                         'Z'};
    out.append(frac, frac + sizeof frac);
  }

  line_format format_;
  std::shared_ptr<const redactor> redact_;
  bool cached_valid_ = false;
  std::time_t cached_second_ = 0;
  std::array<char, 19> cached_ = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0',
                                  'T', '0', '0', ':', '0', '0', ':', '0', '0'};
};

}  // namespace

line_format parse_format(std::string_view format) noexcept {
  return format == "text" ? line_format::text : line_format::json;
}

spdlog::level::level_enum parse_level(std::string_view level) noexcept {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (level == level_names[i]) return static_cast<spdlog::level::level_enum>(i);
  return spdlog::level::info;
}

std::unique_ptr<spdlog::formatter> make_formatter(line_format format,
                                                  std::vector<std::string> secrets) {
  return std::make_unique<line_formatter>(format,
                                          std::make_shared<const redactor>(std::move(secrets)));
}

std::shared_ptr<spdlog::logger> make_logger(std::string_view level, std::string_view format,
                                            std::vector<std::string> secrets,
                                            spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("checkoutd", std::move(sink));
  std::shared_ptr<const spdlog::formatter> proto =
      make_formatter(parse_format(format), std::move(secrets));
  logger->set_formatter(proto->clone());
  logger->set_level(parse_level(level));
  // spdlog reports its own failures (a bad runtime format string, a sink that
  // threw) with a plain stderr line; this keeps even those in the line format
  // and redacted, because the failing message may hold what it was logging.
  logger->set_error_handler([proto](const std::string& what) {
    auto f = proto->clone();
    std::string text = "logging failed: " + what;
    spdlog::details::log_msg msg("checkoutd", spdlog::level::err, text);
    buffer line;
    f->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  });
  return logger;
}

void setup(std::string_view level, std::string_view format, std::vector<std::string> secrets) {
  spdlog::set_default_logger(make_logger(level, format, std::move(secrets),
                                         std::make_shared<spdlog::sinks::stderr_sink_mt>()));
}

}  // namespace checkout::logging
