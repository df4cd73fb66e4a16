#include "http/request.hpp"

#include <atomic>

#include "http/ascii.hpp"

namespace checkout::http {

std::string request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

// Shared by every copy of one responder, so a handler may pass copies to
// several callbacks (reply, timeout, error) and only the first one answers.
struct responder::state {
  std::atomic<bool> sent{false};
  sink deliver;
};

responder::responder(sink s) : state_(std::make_shared<state>()) {
  state_->deliver = std::move(s);
}

void responder::send(response r) const {
  if (!state_ || state_->sent.exchange(true)) return;
  if (state_->deliver) state_->deliver(std::move(r));
}

}  // namespace checkout::http
