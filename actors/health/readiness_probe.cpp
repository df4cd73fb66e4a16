#include "actors/health/readiness_probe.hpp"

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"

namespace checkout {
namespace {

caf::behavior readiness_probe(caf::event_based_actor* self, actor_context ctx,
                              broker_check check_broker) {
  return {
      [=](ping_atom) -> caf::result<ack_reply> {
        auto broker = check_broker();
        if (!broker.empty()) return make_error(errc::unavailable, "broker: " + broker);
        auto rp = self->make_response_promise<ack_reply>();
        db_request(self, ctx,
                   [](pqxx::connection& c) {
                     pqxx::read_transaction txn(c);
                     txn.exec1("SELECT 1");
                     return caf::make_message(ack_reply{});
                   })
            .then([=](ack_reply& r) mutable { rp.deliver(r); },
                  [=](caf::error&) mutable {
                    rp.deliver(make_error(errc::unavailable, "database: not answering"));
                  });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_readiness_probe(caf::actor_system& sys, const actor_context& ctx,
                                 broker_check check_broker) {
  return sys.spawn<caf::detached>(readiness_probe, ctx, std::move(check_broker));
}

}  // namespace checkout
