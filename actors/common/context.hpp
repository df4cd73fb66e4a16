// What every actor of the service is given: settings and the handles of the
// actors it talks to. Filled in the order the actors are spawned.
#pragma once

#include <caf/actor.hpp>
#include <chrono>
#include <memory>

#include "actors/cart/cart_interface.hpp"
#include "actors/order/order_interface.hpp"
#include "actors/payment/payment_interface.hpp"
#include "config/settings.hpp"

namespace checkout {

struct actor_context {
  std::shared_ptr<const config::settings> cfg;
  caf::actor db;                  // persistence::spawn_db_pool
  caf::actor catalog;             // catalog_actor
  cart_directory_actor carts;     // cart_directory (actors/cart/cart_interface.hpp)
  order_directory_actor orders;   // order_directory (actors/order/order_interface.hpp)
  payment_router_actor payments;  // payment_router (actors/payment/payment_interface.hpp)
  // How long an actor waits for the database before answering 503.
  std::chrono::milliseconds db_timeout{5000};
};

}  // namespace checkout
