#include "actors/enrollment/enrollment_supervisor.hpp"

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_store.hpp"
#include "persistence/db_pool.hpp"

namespace checkout {
namespace {

struct enrollment_supervisor_state {
  static inline const char* name = actor_kinds::enrollment_supervisor.name;
};

caf::behavior enrollment_supervisor(instrumented_actor<enrollment_supervisor_state>* self,
                                    actor_context ctx) {
  return {
      [=](enroll_atom, enrollment_request& req) {
        auto token = req.order_token;
        return self->delegate(ctx.orders, std::move(token), enroll_atom::value, std::move(req));
      },
      [=](list_atom, std::string user_id) {
        return self->delegate(
            ctx.db, persistence::db_job{[user_id](pqxx::connection& c) {
              pqxx::read_transaction txn(c);
              return caf::make_message(enrollment_list{order_store::enrollments_of(txn, user_id)});
            }});
      },
  };
}

}  // namespace

caf::actor spawn_enrollment_supervisor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(enrollment_supervisor, ctx);
}

}  // namespace checkout
