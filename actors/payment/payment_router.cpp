#include "actors/payment/payment_router.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <map>
#include <memory>
#include <vector>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/payment/gateway_actor.hpp"
#include "actors/payment/gateway_choice.hpp"
#include "actors/payment/payment_messages.hpp"
#include "actors/payment/razorpay_gateway.hpp"
#include "actors/payment/sandbox_adapter.hpp"
#include "actors/payment/stripe_gateway.hpp"

namespace checkout {
namespace {

using namespace payment;

// How long the router waits for a gateway actor's breaker state; they answer
// from memory, so this only matters if one is gone.
constexpr std::chrono::seconds status_timeout{2};

struct router_state {
  std::vector<std::string> enabled;
  std::map<std::string, gateway_actor> gateways;
  static inline const char* name = actor_kinds::payment_router.name;
};

using router_self = instrumented_actor<router_state, payment_router_actor::base>;

std::shared_ptr<gateway_adapter> make_adapter(const std::string& name,
                                              const config::settings& cfg) {
  http_client_options http;
  http.timeout = cfg.gateway_timeout;
  if (name == "razorpay") {
    razorpay_options o;
    o.api_base = cfg.razorpay_api_base;
    o.key_id = cfg.razorpay_key_id;
    o.key_secret = cfg.razorpay_key_secret;
    o.public_base_url = cfg.public_base_url;
    o.http = http;
    return std::make_shared<razorpay_gateway>(std::move(o));
  }
  if (name == "stripe") {
    stripe_options o;
    o.api_base = cfg.stripe_api_base;
    o.secret_key = cfg.stripe_secret_key;
    o.http = http;
    return std::make_shared<stripe_gateway>(std::move(o));
  }
  return std::make_shared<sandbox_adapter>(cfg.public_base_url);
}

// Tries the candidates in order; the first whose breaker accepts is chosen.
void choose_from(router_self* self, caf::typed_response_promise<std::string> rp,
                 std::vector<std::string> candidates, std::size_t next, std::string refused) {
  if (next >= candidates.size()) {
    rp.deliver(make_error(errc::gateway_unavailable,
                          "no payment gateway can take the payment now (" + refused + ")"));
    return;
  }
  auto name = candidates[next];
  auto skip = [=](const std::string& why) mutable {
    choose_from(self, rp, candidates, next + 1,
                refused + (refused.empty() ? "" : "; ") + name + ": " + why);
  };
  self->request(self->state.gateways.at(name), status_timeout, status_atom::value)
      .then(
          [=](gateway_status& st) mutable {
            if (st.accepting)
              rp.deliver(name);
            else
              skip("circuit breaker " + st.breaker);
          },
          [=](caf::error& err) mutable { skip(self->system().render(err)); });
}

void collect_status(router_self* self, caf::typed_response_promise<std::vector<gateway_status>> rp,
                    std::vector<gateway_status> out, std::size_t next) {
  auto& st = self->state;
  if (next >= st.enabled.size()) {
    rp.deliver(std::move(out));
    return;
  }
  auto name = st.enabled[next];
  self->request(st.gateways.at(name), status_timeout, status_atom::value)
      .then(
          [=](gateway_status& s) mutable {
            out.push_back(std::move(s));
            collect_status(self, rp, std::move(out), next + 1);
          },
          [=](caf::error&) mutable {
            out.push_back(gateway_status{name, false, "unknown", 0});
            collect_status(self, rp, std::move(out), next + 1);
          });
}

payment_router_actor::behavior_type payment_router(router_self* self,
                                                   std::shared_ptr<const config::settings> cfg) {
  auto& st = self->state;
  st.enabled = enabled_gateways(*cfg);
  auto opts = gateway_options(*cfg);
  for (const auto& name : st.enabled) {
    auto gw = spawn_gateway_actor(self->system(), make_adapter(name, *cfg), opts);
    self->link_to(gw);
    st.gateways.emplace(name, gw);
  }
  // An attempt stays with the gateway that opened it: calls name it.
  auto route = [self](const std::string& gateway,
                      const char* what) -> caf::expected<gateway_actor> {
    auto it = self->state.gateways.find(gateway);
    if (it == self->state.gateways.end())
      return make_error(errc::gateway_unavailable,
                        std::string("cannot ") + what + ": gateway " + gateway + " is not enabled");
    return it->second;
  };
  return {
      [self](choose_atom, std::string& requested,
             std::string& currency) -> caf::result<std::string> {
        auto candidates = gateway_candidates(requested, self->state.enabled, currency);
        if (!candidates) return candidates.error();
        auto rp = self->make_response_promise<std::string>();
        choose_from(self, rp, std::move(*candidates), 0, {});
        return rp;
      },
      [self](create_atom, std::string& gateway, session_request& req) -> caf::result<session> {
        auto it = self->state.gateways.find(gateway);
        if (it == self->state.gateways.end())
          return make_error(errc::invalid_field, "gateway " + gateway + " is not enabled");
        return self->delegate(it->second, create_atom::value, std::move(req));
      },
      [self, route](fetch_atom, std::string& gateway,
                    std::string& id) -> caf::result<remote_payment> {
        auto gw = route(gateway, "fetch");
        if (!gw) return gw.error();
        return self->delegate(*gw, fetch_atom::value, std::move(id));
      },
      [self, route](expire_atom, std::string& gateway, std::string& id) -> caf::result<ack_reply> {
        auto gw = route(gateway, "expire");
        if (!gw) return gw.error();
        return self->delegate(*gw, expire_atom::value, std::move(id));
      },
      [self, route](refund_atom, std::string& gateway,
                    refund_request& req) -> caf::result<refund_result> {
        auto gw = route(gateway, "refund");
        if (!gw) return gw.error();
        return self->delegate(*gw, refund_atom::value, std::move(req));
      },
      [self](status_atom) -> caf::result<std::vector<gateway_status>> {
        auto rp = self->make_response_promise<std::vector<gateway_status>>();
        collect_status(self, rp, {}, 0);
        return rp;
      },
  };
}

}  // namespace

payment_router_actor spawn_payment_router(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(payment_router, ctx.cfg);
}

}  // namespace checkout
