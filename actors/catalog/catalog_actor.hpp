// The catalog: creates, changes and reads internships (CONTRACT §3).
//   (create_atom, internship, audit::admin_stamp) -> internship_reply | internship_exists
//   (patch_atom, std::string id, internship_patch, audit::admin_stamp)
//                                           -> internship_reply | internship_not_found
// A change is recorded in the admin audit in its own transaction.
//   (get_atom, std::string id)              -> internship_reply | internship_not_found
//   (list_atom, catalog_list_request)       -> catalog_page (actors/catalog/catalog_messages.hpp)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_catalog_actor(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
