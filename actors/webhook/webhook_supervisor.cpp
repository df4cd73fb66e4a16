#include "actors/webhook/webhook_supervisor.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <memory>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "actors/webhook/inbox_worker.hpp"
#include "actors/webhook/webhook_intake.hpp"

namespace checkout {
namespace {

struct webhook_supervisor_state {
  static inline const char* name = actor_kinds::webhook_supervisor.name;
};

caf::behavior webhook_supervisor(instrumented_actor<webhook_supervisor_state>* self,
                                 actor_context ctx) {
  auto kids = std::make_shared<webhook_children>();
  kids->intake = self->spawn<caf::monitored>(webhook_intake, ctx);
  kids->inbox = self->spawn<caf::monitored>(inbox_worker, ctx);
  // The children are not linked (a child's death must not take this actor
  // along); they go when it goes.
  self->attach_functor([kids](const caf::error&) {
    caf::anon_send_exit(kids->intake, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(kids->inbox, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([=](caf::down_msg& dm) {
    ++kids->restarts;
    if (dm.source == kids->intake.address()) {
      spdlog::error("webhook intake stopped ({}); starting it again", to_string(dm.reason));
      kids->intake = self->spawn<caf::monitored>(webhook_intake, ctx);
      // What the dead one stored but did not apply is in the inbox.
      self->send(kids->inbox, sync_atom::value);
    } else if (dm.source == kids->inbox.address()) {
      spdlog::error("webhook inbox worker stopped ({}); starting it again", to_string(dm.reason));
      kids->inbox = self->spawn<caf::monitored>(inbox_worker, ctx);  // scans at start
    }
  });
  return {
      [=](webhook_atom a, webhook_delivery& d) {
        return self->delegate(kids->intake, a, std::move(d));
      },
      [=](sandbox_atom a, sandbox_action& act) {
        return self->delegate(kids->intake, a, std::move(act));
      },
      [=](get_atom) { return *kids; },
  };
}

}  // namespace

caf::actor spawn_webhook_supervisor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(webhook_supervisor, ctx);
}

}  // namespace checkout
