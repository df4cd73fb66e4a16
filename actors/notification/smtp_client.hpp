// Hands one message to an SMTP server with libcurl (CONTRACT §16: SMTP_URL,
// smtp:// or smtps://, credentials in the URL). Blocking: it runs on the
// notification consumer's own thread, never on an actor's.
#pragma once

#include <chrono>
#include <string>

namespace checkout {

struct smtp_target {
  std::string url;   // smtp://host:port or smtps://user:pass@host:port
  std::string from;  // envelope sender, a bare address
  std::chrono::milliseconds timeout{15000};
};

// Empty when the server accepted the message for `to` (a bare address),
// else why not, without the URL's credentials.
std::string smtp_send(const smtp_target& target, const std::string& to, const std::string& message);

}  // namespace checkout
