// How checkoutd's log lines look (issue 6): one JSON object per line on
// stderr, {"time","level","message"} plus the context fields of
// config/log_context.hpp (correlation_id, cart_token, ...), or one readable
// line for people running scripts/run. Both mask configured secrets, bearer
// tokens, JWTs, webhook signatures and URL passwords, so a careless log call
// cannot leak them. Plain arguments rather than config::settings, so every
// library can depend on this without depending on the settings.
#pragma once

#include <spdlog/formatter.h>
#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace checkout::logging {

enum class line_format { json, text };

// "text" is text; anything else (the settings only allow "json") is JSON.
line_format parse_format(std::string_view format) noexcept;

// trace, debug, info, warn, error, critical, off; anything else is info.
spdlog::level::level_enum parse_level(std::string_view level) noexcept;

// The formatter of every line. Secrets shorter than 4 bytes are ignored: they
// would mask ordinary words. The context fields are read from the logging
// thread, so the logger using it must be synchronous (no async sink).
std::unique_ptr<spdlog::formatter> make_formatter(line_format format,
                                                  std::vector<std::string> secrets);

// A logger writing to `sink` with that formatter and level (setup's logger;
// tests pass an ostream sink).
std::shared_ptr<spdlog::logger> make_logger(std::string_view level, std::string_view format,
                                            std::vector<std::string> secrets,
                                            spdlog::sink_ptr sink);

// Installs the default logger on stderr: every spdlog::info(...) and friends
// of the process goes through it from then on.
void setup(std::string_view level, std::string_view format, std::vector<std::string> secrets);

}  // namespace checkout::logging
