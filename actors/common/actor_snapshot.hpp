// What an actor tells an operator about itself: the answer to (inspect_atom).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/time.hpp"

namespace checkout {

// What GET /admin/actors/{kind}/{id} shows of one live actor.
struct armed_timer {
  std::string name;
  micros due_at = 0;
};

struct actor_snapshot {
  std::string kind;
  std::string id;
  std::string status;
  std::int64_t version = 0;
  std::int64_t mailbox_size = 0;
  std::int64_t messages = 0;
  micros last_message_at = 0;
  std::vector<armed_timer> timers;
  std::string state_json;  // a JSON object the actor writes about itself
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::actor_snapshot)
