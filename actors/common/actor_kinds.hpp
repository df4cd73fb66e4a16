// Every kind of actor the service spawns, in one list: each actor's state
// names its kind from here (State::name, State::id_key), and start-up
// registers them all (actors/health/preregistered_series.hpp), so each kind's series
// are in /metrics at 0 before its first actor exists (Prometheus advice: a
// series that appears only later breaks rate() and alerts on absence).
// A kind missing here still works, its series only appear late; the
// e2e_metrics_startup suite compares the kinds after a checkout with these.
#pragma once

namespace checkout::actor_kinds {

struct kind {
  const char* name;
  const char* id_key;  // the log field naming its ids; "" = actor_id
};

inline constexpr kind cart{"cart", "cart_token"};
inline constexpr kind cart_directory{"cart_directory", ""};
inline constexpr kind cart_cleanup{"cart_cleanup", ""};
inline constexpr kind order{"order", "order_token"};
inline constexpr kind order_directory{"order_directory", ""};
inline constexpr kind order_watchdog{"order_watchdog", ""};
inline constexpr kind catalog{"catalog", ""};
inline constexpr kind coupon{"coupon", ""};
inline constexpr kind payment_router{"payment_router", ""};
inline constexpr kind gateway{"gateway", ""};
inline constexpr kind gateway_worker{"gateway_worker", ""};
inline constexpr kind webhook_supervisor{"webhook_supervisor", ""};
inline constexpr kind webhook_intake{"webhook_intake", ""};
inline constexpr kind inbox_worker{"inbox_worker", ""};
inline constexpr kind enrollment_supervisor{"enrollment_supervisor", ""};
inline constexpr kind enrollment_sweeper{"enrollment_sweeper", ""};
inline constexpr kind dlq{"dlq", ""};
inline constexpr kind readiness_probe{"readiness_probe", ""};
inline constexpr kind broker_checker{"broker_checker", ""};
inline constexpr kind ops_sampler{"ops_sampler", ""};
inline constexpr kind db_worker{"db_worker", ""};
inline constexpr kind http_bridge{"http_bridge", ""};

inline constexpr kind all[] = {cart,
                               cart_directory,
                               cart_cleanup,
                               order,
                               order_directory,
                               order_watchdog,
                               catalog,
                               coupon,
                               payment_router,
                               gateway,
                               gateway_worker,
                               webhook_supervisor,
                               webhook_intake,
                               inbox_worker,
                               enrollment_supervisor,
                               enrollment_sweeper,
                               dlq,
                               readiness_probe,
                               broker_checker,
                               ops_sampler,
                               db_worker,
                               http_bridge};

}  // namespace checkout::actor_kinds
