// What every entity interface (carts, orders) is built from. A directory
// accepts each of its entity's requests with the entity's token in front, so
// the compiler checks a forwarded request as it checks a direct one:
// (get_atom, cart_caller) -> cart_view to a cart is
// (std::string token, get_atom, cart_caller) -> cart_view to the cart directory.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <string>

#include "actors/messages.hpp"

namespace checkout {
namespace detail {

template <class Signature>
struct with_token;

template <class... In, class Out>
struct with_token<caf::typed_mpi<caf::detail::type_list<In...>, Out>> {
  using type = caf::typed_mpi<caf::detail::type_list<std::string, In...>, Out>;
};

template <class Handle>
struct routed_by_token;

template <class... Signatures>
struct routed_by_token<caf::typed_actor<Signatures...>> {
  using type = caf::typed_actor<typename with_token<Signatures>::type...>;
};

}  // namespace detail

// The requests of `Handle` (a caf::typed_actor), each with a token in front.
template <class Handle>
using routed_by_token = typename detail::routed_by_token<Handle>::type;

// What an entity tells its directory: it was idle for ACTOR_IDLE_TIMEOUT, or
// has nothing to keep in memory; the directory then passivates it.
using entity_parent_actor = caf::typed_actor<caf::reacts_to<idle_atom, std::string>>;

}  // namespace checkout
