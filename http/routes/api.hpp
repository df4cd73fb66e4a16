// Registers every route of the service on a router. Handlers only translate:
// they read the request, send one message to an actor, and render its reply.
#pragma once

#include <atomic>
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <functional>
#include <memory>

#include "actors/common/context.hpp"
#include "http/auth.hpp"
#include "http/router.hpp"

namespace checkout::http {

struct api_context {
  caf::actor_system* sys = nullptr;
  actor_context actors;
  caf::actor webhooks;     // webhook_intake
  caf::actor enrollments;  // enrollment_supervisor
  caf::actor coupons;      // coupon_actor
  caf::actor probe;        // readiness probe: (ping_atom) -> ack_reply | error
  caf::actor dlq;          // dlq_actor (actors/dlq/dlq_actor.hpp)
  jwt_policy jwt;          // from the settings (jwt_policy_of)
  // Set on SIGTERM: /readyz answers 503 from then on (CONTRACT §14).
  std::shared_ptr<std::atomic<bool>> draining = std::make_shared<std::atomic<bool>>(false);
};

// The token rules the settings ask for (JWT_SECRET, JWT_SECRET_PREVIOUS,
// JWT_ISSUER, JWT_AUDIENCE, JWT_LEEWAY).
jwt_policy jwt_policy_of(const config::settings& cfg);

void add_routes(router& r, std::shared_ptr<const api_context> api);

}  // namespace checkout::http
