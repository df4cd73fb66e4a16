#include "actors/cart/cart_directory.hpp"

#include <caf/stateful_actor.hpp>
#include <unordered_map>

#include "actors/cart/cart_actor.hpp"
#include "actors/common/ids.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"

namespace checkout {
namespace {

struct cart_directory_state {
  std::unordered_map<std::string, caf::actor> carts;
  static inline const char* name = "cart_directory";
};

using self_ptr = caf::stateful_actor<cart_directory_state>*;

caf::actor spawn_child(self_ptr self, const actor_context& ctx, const std::string& token,
                       bool fresh) {
  auto child =
      spawn_cart_actor(self->system(), ctx, token, caf::actor_cast<caf::actor>(self), fresh);
  self->monitor(child);
  // Linked: when the directory goes down at shutdown, its carts go with it.
  self->link_to(child);
  self->state.carts.emplace(token, child);
  return child;
}

caf::actor find_or_spawn(self_ptr self, const actor_context& ctx, const std::string& token) {
  auto it = self->state.carts.find(token);
  if (it != self->state.carts.end()) return it->second;
  return spawn_child(self, ctx, token, false);
}

caf::behavior cart_directory(self_ptr self, actor_context ctx) {
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& carts = self->state.carts;
    for (auto it = carts.begin(); it != carts.end(); ++it) {
      if (it->second.address() == dm.source) {
        carts.erase(it);
        break;
      }
    }
  });
  return {
      [=](create_atom, cart_create_request& req) {
        auto token = new_uuid();
        auto child = spawn_child(self, ctx, token, true);
        return self->delegate(child, create_atom::value, std::move(req));
      },
      [=](std::string& token, caf::message& inner) -> caf::result<caf::message> {
        if (!is_uuid(token)) return make_error(errc::cart_not_found);
        // One actor per cart, whatever case the client wrote the token in.
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        self->delegate(find_or_spawn(self, ctx, token), std::move(inner));
        return caf::delegated<caf::message>{};
      },
      [=](idle_atom, const std::string& token) {
        auto it = self->state.carts.find(token);
        if (it == self->state.carts.end()) return;
        // Sent after every message already forwarded, so those are answered first.
        self->unlink_from(it->second);
        self->send(it->second, passivate_atom::value);
        self->state.carts.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_cart_directory(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(cart_directory, ctx);
}

}  // namespace checkout
