#include "actors/common/child_failures.hpp"

#include <spdlog/spdlog.h>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>

namespace checkout {

void outlive_failed_children(caf::scheduled_actor* self, const char* parent_kind) {
  self->set_exit_handler([self, parent_kind](caf::exit_msg& msg) {
    // A shutdown: anon_send_exit names the receiver itself as the source,
    // an actor pool ending its workers names the pool.
    bool shutdown = !msg.source || msg.source == self->address() ||
                    msg.reason == caf::make_error(caf::exit_reason::user_shutdown) ||
                    msg.reason == caf::make_error(caf::exit_reason::kill);
    if (!shutdown) {
      if (!msg.reason) return;  // a child that ended normally
      spdlog::warn("{}: a child actor failed and was dropped: {}", parent_kind,
                   self->system().render(msg.reason));
      return;
    }
    self->quit(std::move(msg.reason));
  });
}

}  // namespace checkout
