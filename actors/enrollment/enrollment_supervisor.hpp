// Enrollment: turns a consumed `order.paid` event into enrollments through the
// order's actor (which writes them, one per line, with the order's move to
// `completed`), and lists a user's enrollments.
//   (enroll_atom, enrollment_request) -> enrollment_done
//   (list_atom, std::string user_id)  -> enrollment_list
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_enrollment_supervisor(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
