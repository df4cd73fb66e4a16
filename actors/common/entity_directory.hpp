// The directory of one kind of entity that lives as one actor per token
// (carts, orders): it finds the entity's actor or spawns one, forwards every
// request that carries a token to it, forgets it when it goes down and
// passivates it when it reports itself idle. What only one kind does (a cart
// shard's tokens and sign-in merge, an order's idempotency) stays in that
// kind's directory file.
//
// Only the directories' .cpp files include this header: the template is
// instantiated there, once per kind, and nowhere else.
//
// An Entity describes the kind:
//   using actor = ...;      // the entity's typed handle (spawned per token)
//   using requests = ...;   // what callers may ask it (routed_by_token)
//   using directory = ...;  // the directory's typed handle
//   struct local_state;     // what the kind's own handlers keep
//   static constexpr const char* directory_name;  // its actor kind in metrics
//   static constexpr errc not_found;              // the answer to a malformed token
//   static actor spawn(caf::actor_system&, const actor_context&, std::string token,
//                      entity_parent_actor directory, bool fresh);
#pragma once

#include <spdlog/spdlog.h>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/result.hpp>
#include <caf/system_messages.hpp>
#include <string>
#include <unordered_map>
#include <utility>

#include "actors/common/context.hpp"
#include "actors/common/entity_interface.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"

namespace checkout {

// The directory monitors its children and is not linked to them: a link is
// an entry in the directory's own list of attachables, which CAF searches
// linearly on every unlink and every child's exit, so with thousands of live
// entities each passivation cost time proportional to their number (issue
// 16: the order directory's down handler dominated an aged instance's
// profile). A monitor lives in the child's list, which stays short. Without
// links, the children end with the directory through this state's
// destructor, which runs however the directory ends.
template <class Entity>
struct entity_directory_state {
  std::unordered_map<std::string, typename Entity::actor> children;
  // Who is who in a down message: actor id -> token, for the live children only.
  std::unordered_map<caf::actor_id, std::string> tokens;
  typename Entity::local_state local;
  static inline const char* name = Entity::directory_name;

  entity_directory_state() = default;
  entity_directory_state(const entity_directory_state&) = delete;
  entity_directory_state& operator=(const entity_directory_state&) = delete;
  ~entity_directory_state() {
    for (auto& [token, child] : children) {
      caf::anon_send_exit(child, caf::exit_reason::user_shutdown);
    }
  }

  // Forgets the child `id`; the token it held (empty when it was not a live child).
  std::string forget(caf::actor_id id) {
    auto it = tokens.find(id);
    if (it == tokens.end()) return {};
    auto token = std::move(it->second);
    tokens.erase(it);
    children.erase(token);
    return token;
  }
};

template <class Entity>
class entity_directory {
 public:
  using child_actor = typename Entity::actor;
  using self_ptr =
      instrumented_actor<entity_directory_state<Entity>, typename Entity::directory::base>*;
  using behavior_type = typename Entity::directory::behavior_type;

  // Lower-cases `token` in place; false when it is no token at all.
  static bool normalize(std::string& token) {
    if (!is_uuid(token)) return false;
    for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return true;
  }

  // The actor of a token nobody holds yet; `fresh`: no row exists to load.
  static child_actor spawn(self_ptr self, const actor_context& ctx, const std::string& token,
                           bool fresh) {
    auto child = Entity::spawn(self->system(), ctx, token, entity_parent_actor{self}, fresh);
    self->monitor(child);
    self->state.tokens.emplace(child.id(), token);
    self->state.children.emplace(token, child);
    return child;
  }

  static child_actor find_or_spawn(self_ptr self, const actor_context& ctx,
                                   const std::string& token) {
    auto it = self->state.children.find(token);
    if (it != self->state.children.end()) return it->second;
    return spawn(self, ctx, token, false);
  }

  // The directory's behavior: the forwarding of every request of
  // Entity::requests and the entities' idle reports, then `own`, the kind's
  // other handlers.
  template <class... Handlers>
  static behavior_type make_behavior(self_ptr self, actor_context ctx, Handlers... own) {
    self->set_down_handler([self](caf::down_msg& dm) {
      // A passivated child was forgotten already: then this finds nothing.
      auto token = self->state.forget(dm.source.id());
      if (!token.empty() && dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
        spdlog::warn("{}: the actor of {} failed and was dropped: {}", Entity::directory_name,
                     token, self->system().render(dm.reason));
      }
    });
    return with_forwarders(self, std::move(ctx), typename Entity::requests::signatures{},
                           std::move(own)...);
  }

 private:
  template <class Signature>
  struct forwarder;

  // (token, request...) -> whatever the entity answers to (request...).
  template <class... In, class... Out>
  struct forwarder<caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<Out...>>> {
    self_ptr self;
    actor_context ctx;
    caf::result<Out...> operator()(std::string token, In... xs) const {
      // One actor per entity, whatever case the client wrote the token in.
      if (!normalize(token)) return make_error(Entity::not_found);
      self->delegate(find_or_spawn(self, ctx, token), std::move(xs)...);
      return caf::delegated<Out...>{};
    }
  };

  template <class... Signatures, class... Handlers>
  static behavior_type with_forwarders(self_ptr self, actor_context ctx,
                                       caf::detail::type_list<Signatures...>, Handlers... own) {
    return {
        forwarder<Signatures>{self, ctx}...,
        [self](idle_atom, const std::string& token) {
          auto it = self->state.children.find(token);
          if (it == self->state.children.end()) return;
          // Sent after every message already forwarded, so those are answered first.
          self->send(it->second, passivate_atom::value);
          self->state.forget(it->second.id());
        },
        std::move(own)...,
    };
  }
};

}  // namespace checkout
