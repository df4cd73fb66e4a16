#include "actors/order/order_timing.hpp"

namespace checkout::order_timing {

ms gateway_wait(const config::settings& cfg) {
  auto tries = cfg.gateway_retries + 1;
  // Back-off sleeps add up to at most base * (2^tries - 1).
  auto backoff = cfg.gateway_retry_base * ((1 << tries) - 1);
  return cfg.gateway_timeout * tries + backoff + ms(1000);
}

ms placement_wait(const config::settings& cfg, ms db_timeout) {
  return db_timeout * 4 + gateway_wait(cfg);
}

ms request_wait(const config::settings& cfg, ms db_timeout) {
  return placement_wait(cfg, db_timeout) + db_timeout;
}

ms key_lease(const config::settings& cfg, ms db_timeout) {
  return request_wait(cfg, db_timeout) + db_timeout * 2;
}

}  // namespace checkout::order_timing
