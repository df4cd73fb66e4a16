// The series every instance exposes from start-up, at 0 (Prometheus advice:
// a series that appears only with its first event makes rate() and increase()
// miss that event and leaves "absent" alerts and dashboards empty). Whatever
// label values are known before the first request are registered here: every
// actor kind (actors/common/actor_kinds.hpp), every order status, and every
// webhook result (actors/webhook/webhook_results.hpp) for each gateway with a
// webhook route. Label sets known only later (HTTP status codes, coupon
// rejection reasons) still appear with their first count.
#pragma once

#include "actors/common/metrics.hpp"
#include "config/settings.hpp"

namespace checkout {

void preregister_series(metrics::registry& r, const config::settings& cfg);

}  // namespace checkout
