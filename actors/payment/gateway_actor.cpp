#include "actors/payment/gateway_actor.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <deque>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/payment/gateway_http.hpp"
#include "actors/payment/payment_messages.hpp"

namespace checkout::payment::detail {

// One adapter call (with its retries) for a worker; the reply is the value or
// a caf::error.
struct gateway_job {
  std::function<caf::message(gateway_adapter&)> run;
};

}  // namespace checkout::payment::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment::detail::gateway_job)

namespace checkout::payment {
namespace {

using detail::gateway_job;

template <class T>
using adapter_call = std::function<caf::expected<T>(gateway_adapter&)>;

template <class T>
caf::expected<T> attempt(const adapter_call<T>& op, gateway_adapter& adapter) {
  try {
    return op(adapter);
  } catch (const std::exception& e) {
    return make_error(errc::gateway_unavailable, adapter.name() + ": " + e.what());
  }
}

// Runs on a worker thread: blocking sleeps between tries are fine there.
template <class T>
caf::message run_with_retries(const adapter_call<T>& op, gateway_adapter& adapter,
                              const retry_policy& policy, const random_unit& random,
                              metrics::gateway_counters& counters) {
  for (int tries = 1;; ++tries) {
    auto result = attempt(op, adapter);
    if (result) return caf::make_message(std::move(*result));
    if (!is_errc(result.error(), errc::gateway_unavailable) || !policy.may_retry(tries))
      return caf::make_message(std::move(result.error()));
    counters.retries.fetch_add(1);
    std::this_thread::sleep_for(policy.backoff(tries, random));
  }
}

struct gateway_worker_state {
  static inline const char* name = actor_kinds::gateway_worker.name;
};

caf::behavior gateway_worker(instrumented_actor<gateway_worker_state>*,
                             std::shared_ptr<gateway_adapter> adapter) {
  return {
      [adapter](gateway_job& job) -> caf::message { return job.run(*adapter); },
  };
}

struct pending_call {
  std::function<void(caf::actor worker, circuit_breaker::permit)> launch;
  std::function<void(caf::error)> refuse;
};

struct gateway_state {
  std::shared_ptr<gateway_adapter> adapter;
  std::optional<circuit_breaker> breaker;
  gateway_actor_options opts;
  std::vector<caf::actor> idle;
  std::deque<pending_call> waiting;
  metrics::gateway_counters* counters = nullptr;
  static inline const char* name = actor_kinds::gateway.name;
};

using gateway_self = instrumented_actor<gateway_state, gateway_actor::base>;

caf::error breaker_open(const gateway_state& st) {
  return make_error(errc::gateway_unavailable,
                    st.adapter->name() + " is failing: its circuit breaker is open");
}

void publish_breaker(gateway_state& st) {
  switch (st.breaker->current()) {
    case circuit_breaker::state::closed:
      st.counters->breaker_state.store(0);
      break;
    case circuit_breaker::state::half_open:
      st.counters->breaker_state.store(1);
      break;
    case circuit_breaker::state::open:
      st.counters->breaker_state.store(2);
      break;
  }
}

// Hands waiting calls to idle workers. The breaker is asked per call at this
// point, so in half-open only one call (the probe) goes out.
void pump(gateway_self* self) {
  auto& st = self->state;
  while (!st.idle.empty() && !st.waiting.empty()) {
    auto next = std::move(st.waiting.front());
    st.waiting.pop_front();
    auto permit = st.breaker->try_acquire();
    publish_breaker(st);
    if (!permit) {
      st.counters->short_circuited.fetch_add(1);
      next.refuse(breaker_open(st));
      continue;
    }
    auto worker = st.idle.back();
    st.idle.pop_back();
    next.launch(worker, *permit);
  }
}

// A worker finished: count it, tell the breaker, free the worker.
caf::error finish(gateway_self* self, caf::actor worker, circuit_breaker::permit permit,
                  caf::error err) {
  auto& st = self->state;
  if (err && err.category() != checkout_error_category)
    err = make_error(errc::gateway_unavailable,
                     st.adapter->name() + ": " + self->system().render(err));
  bool failed = err && !is_errc(err, errc::gateway_rejected);
  if (!err)
    st.counters->ok.fetch_add(1);
  else if (failed)
    st.counters->unavailable.fetch_add(1);
  else
    st.counters->rejected.fetch_add(1);
  auto before = st.breaker->current();
  st.breaker->record(permit, !failed);
  auto after = st.breaker->current();
  if (before != after) {
    if (after == circuit_breaker::state::open)
      spdlog::warn("gateway {}: circuit breaker open ({})", st.adapter->name(),
                   err ? describe(err).message : "");
    else
      spdlog::info("gateway {}: circuit breaker {}", st.adapter->name(), to_string(after));
  }
  publish_breaker(st);
  st.idle.push_back(std::move(worker));
  pump(self);
  return err;
}

template <class T>
caf::result<T> submit(gateway_self* self, adapter_call<T> op) {
  auto& st = self->state;
  if (!st.breaker->accepting()) {
    st.counters->short_circuited.fetch_add(1);
    return breaker_open(st);
  }
  auto rp = self->make_response_promise<T>();
  auto policy = st.opts.retry;
  auto random = st.opts.random;
  auto* counters = st.counters;
  gateway_job job{[op, policy, random, counters](gateway_adapter& adapter) {
    return run_with_retries<T>(op, adapter, policy, random, *counters);
  }};
  pending_call call;
  call.launch = [self, job, rp](caf::actor worker, circuit_breaker::permit permit) mutable {
    self->request(worker, caf::infinite, job)
        .then(
            [self, worker, permit, rp](T& value) mutable {
              finish(self, worker, permit, caf::error{});
              rp.deliver(std::move(value));
            },
            [self, worker, permit, rp](caf::error& err) mutable {
              rp.deliver(finish(self, worker, permit, std::move(err)));
            });
  };
  call.refuse = [rp](caf::error err) mutable { rp.deliver(std::move(err)); };
  st.waiting.push_back(std::move(call));
  pump(self);
  return rp;
}

gateway_actor::behavior_type gateway_behavior(gateway_self* self,
                                              std::shared_ptr<gateway_adapter> adapter,
                                              gateway_actor_options opts) {
  auto& st = self->state;
  st.adapter = adapter;
  st.opts = std::move(opts);
  if (!st.opts.random) st.opts.random = default_random_unit();
  st.breaker.emplace(st.opts.breaker_failures, st.opts.breaker_cooldown, st.opts.clock);
  st.counters = &metrics::registry::instance().gateways(adapter->name());
  publish_breaker(st);
  for (int i = 0; i < std::max(1, st.opts.workers); ++i) {
    auto worker = self->system().spawn<caf::detached>(gateway_worker, adapter);
    self->link_to(worker);
    st.idle.push_back(worker);
  }
  return {
      [self](create_atom, session_request& req) -> caf::result<session> {
        return submit<session>(self, [req](gateway_adapter& a) -> caf::expected<session> {
          return a.create_session(req);
        });
      },
      [self](fetch_atom, std::string& id) -> caf::result<remote_payment> {
        return submit<remote_payment>(
            self,
            [id](gateway_adapter& a) -> caf::expected<remote_payment> { return a.fetch(id); });
      },
      [self](expire_atom, std::string& id) -> caf::result<ack_reply> {
        return submit<ack_reply>(self, [id](gateway_adapter& a) -> caf::expected<ack_reply> {
          if (auto err = a.expire(id)) return err;
          return ack_reply{};
        });
      },
      [self](refund_atom, refund_request& req) -> caf::result<refund_result> {
        return submit<refund_result>(
            self,
            [req](gateway_adapter& a) -> caf::expected<refund_result> { return a.refund(req); });
      },
      [self](status_atom) -> gateway_status {
        auto& st = self->state;
        gateway_status out{st.adapter->name(), st.breaker->accepting(),
                           to_string(st.breaker->current()), st.breaker->consecutive_failures()};
        // The breaker keeps steady time; operators read wall time.
        if (auto open = st.breaker->open_for())
          out.opened_at =
              now_micros() - std::chrono::duration_cast<std::chrono::microseconds>(*open).count();
        return out;
      },
  };
}

}  // namespace

gateway_actor_options gateway_options(const config::settings& cfg) {
  gateway_actor_options o;
  o.workers = cfg.gateway_workers;
  o.breaker_failures = cfg.gateway_breaker_failures;
  o.breaker_cooldown = cfg.gateway_breaker_cooldown;
  o.retry.max_attempts = cfg.gateway_retries + 1;
  o.retry.base = cfg.gateway_retry_base;
  o.retry.cap = std::max(cfg.gateway_retry_base, std::chrono::milliseconds(5000));
  return o;
}

gateway_actor spawn_gateway_actor(caf::actor_system& sys, std::shared_ptr<gateway_adapter> adapter,
                                  gateway_actor_options opts) {
  return sys.spawn(gateway_behavior, std::move(adapter), std::move(opts));
}

}  // namespace checkout::payment
