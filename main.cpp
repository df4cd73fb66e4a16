// checkoutd: loads settings, migrates, declares the broker topology, spawns
// the actors, starts the outbox relay, the enrollment consumer and the HTTP
// server, and shuts them down in reverse order on SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "actors/cart/cart_cleanup.hpp"
#include "actors/cart/cart_directory.hpp"
#include "actors/cart/gstin.hpp"
#include "actors/catalog/catalog_actor.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/metrics.hpp"
#include "actors/coupon/coupon_actor.hpp"
#include "actors/dlq/dlq_actor.hpp"
#include "actors/enrollment/enrollment_handler.hpp"
#include "actors/enrollment/enrollment_supervisor.hpp"
#include "actors/enrollment/enrollment_sweeper.hpp"
#include "actors/health/ops_sampler.hpp"
#include "actors/health/preregistered_series.hpp"
#include "actors/health/readiness_probe.hpp"
#include "actors/messages.hpp"
#include "actors/notification/confirmation_mail.hpp"
#include "actors/notification/notification_handler.hpp"
#include "actors/order/order_directory.hpp"
#include "actors/order/order_timing.hpp"
#include "actors/order/order_watchdog.hpp"
#include "actors/payment/payment_router.hpp"
#include "actors/webhook/webhook_supervisor.hpp"
#include "config/logging.hpp"
#include "config/settings.hpp"
#include "http/auth.hpp"
#include "http/routes/api.hpp"
#include "http/server.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/consumer.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/topology.hpp"
#include "persistence/db_pool.hpp"
#include "persistence/migrate.hpp"

namespace {

using namespace checkout;

struct options {
  std::string config_file;
  std::string issue_token_for;
  bool issue_admin = false;
  bool migrate_only = false;
};

// The queues' delivery limits, the same at start-up and in the relay.
messaging::topology_options topology_of(const config::settings& cfg) {
  messaging::topology_options topo;
  topo.max_deliveries = cfg.enrollment_max_deliveries;
  topo.notification_max_deliveries = cfg.notification_max_deliveries;
  return topo;
}

bool parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      o.config_file = argv[++i];
    } else if (a == "--issue-token" && i + 1 < argc) {
      o.issue_token_for = argv[++i];
    } else if (a == "--admin") {
      o.issue_admin = true;
    } else if (a == "--migrate-only") {
      o.migrate_only = true;
    } else {
      std::cerr << "usage: checkoutd [--config FILE] [--migrate-only] "
                   "[--issue-token USER_ID [--admin]]\n";
      return false;
    }
  }
  return true;
}

// Retries while the database or broker is still starting.
template <class F>
bool with_retries(const char* what, F attempt) {
  std::string error;
  for (int i = 0; i < 30; ++i) {
    error.clear();
    if (attempt(error)) return true;
    spdlog::warn("{} failed ({}), retrying", what, error);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  spdlog::error("{} failed: {}", what, error);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse_args(argc, argv, opts)) return 2;
  auto loaded = config::load(opts.config_file);
  if (!loaded.value) {
    std::cerr << "checkoutd: " << loaded.error << "\n";
    return 2;
  }
  if (config::is_development(*loaded.value) && loaded.value->razorpay_webhook_secret.empty()) {
    // The sandbox signs its events as Razorpay's; with no secret configured it
    // gets one of its own for this process only, never a value in the code.
    loaded.value->razorpay_webhook_secret = random_hex(32);
  }
  if (!loaded.value->seller_gstin.empty()) {
    // Printed on every invoice: a mistyped one would make each of them wrong.
    if (auto why = gstin_problem(loaded.value->seller_gstin)) {
      std::cerr << "checkoutd: SELLER_GSTIN: " << *why << "\n";
      return 2;
    }
  }
  auto cfg = std::make_shared<const config::settings>(*loaded.value);
  if (!opts.issue_token_for.empty()) {
    std::vector<std::string> roles;
    if (opts.issue_admin) roles.push_back("admin");
    std::cout << http::issue_token(cfg->jwt_secret, opts.issue_token_for, roles,
                                   std::chrono::hours(24), {}, cfg->jwt_issuer, cfg->jwt_audience)
              << "\n";
    return 0;
  }
  logging::setup(
      cfg->log_level, cfg->log_format,
      {cfg->jwt_secret, cfg->jwt_secret_previous, cfg->razorpay_key_secret,
       cfg->razorpay_webhook_secret, cfg->razorpay_webhook_secret_previous, cfg->stripe_secret_key,
       cfg->stripe_webhook_secret, cfg->stripe_webhook_secret_previous});

  if (!with_retries("migration", [&](std::string& err) {
        auto r = persistence::migrate(cfg->database_url);
        for (auto& v : r.applied) spdlog::info("applied migration {}", v);
        err = r.error;
        return r.ok;
      }))
    return 1;
  if (opts.migrate_only) return 0;

  // The broker is not needed to take money (CONTRACT §14): without it the
  // service starts anyway, events wait in the outbox, and the relay declares
  // the topology when it connects.
  {
    std::string err;
    auto conn = messaging::amqp_connection::open(cfg->amqp_url, "checkoutd-setup", &err,
                                                 std::chrono::seconds(2));
    auto topo = topology_of(*cfg);
    if (!conn || !conn->open_channel(1, &err) || !messaging::declare_topology(*conn, 1, topo, &err))
      spdlog::warn(
          "broker not reachable at start ({}); serving without it, events wait in the "
          "outbox",
          err);
    else
      spdlog::info("AMQP topology declared on {}", conn->node_name());
  }

  // SIGINT/SIGTERM are taken by sigwait below, not by any other thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every known series from the first scrape, at 0: before any actor exists.
  preregister_series(metrics::registry::instance(), *cfg);

  caf::actor_system_config sys_cfg;
  // One scheduler thread per core: CAF's default of at least four puts two
  // extra work-stealing threads, polling and sleeping in 50 µs naps, on a
  // two-core machine (issue 16's profile).
  sys_cfg.set("scheduler.max-threads",
              static_cast<size_t>(std::max(2u, std::thread::hardware_concurrency())));
  // An idle worker goes to sleep on its condition variable at once rather
  // than napping 50 µs at a time for 500 rounds: on two cores, shared with
  // PostgreSQL and RabbitMQ, those naps were 7% of the service's samples
  // (issue 16's profile; +8-15% checkouts/s at 16 and 64
  // shoppers). An enqueue wakes a sleeping worker.
  sys_cfg.set("work-stealing.aggressive-poll-attempts", size_t{10});
  sys_cfg.set("work-stealing.moderate-poll-attempts", size_t{1});
  caf::actor_system sys{sys_cfg};
  actor_context ctx;
  ctx.cfg = cfg;
  // A request may wait for a few database steps; each waits at most this long.
  ctx.db_timeout = cfg->request_timeout / 2;
  ctx.db = persistence::spawn_db_pool(sys, cfg->database_url, cfg->db_pool_size);
  ctx.payments = spawn_payment_router(sys, ctx);
  ctx.catalog = spawn_catalog_actor(sys, ctx);
  ctx.carts = spawn_cart_directory(sys, ctx, 4);
  ctx.orders = spawn_order_directory(sys, ctx);
  auto cart_cleanup = spawn_cart_cleanup(sys, ctx);
  auto order_watchdog = spawn_order_watchdog(sys, ctx);

  auto api = std::make_shared<http::api_context>();
  api->sys = &sys;
  api->actors = ctx;
  api->webhooks = spawn_webhook_supervisor(sys, ctx);
  api->enrollments = spawn_enrollment_supervisor(sys, ctx);
  api->coupons = spawn_coupon_actor(sys, ctx);
  api->probe = spawn_readiness_probe(sys, ctx, [url = cfg->amqp_url](auto timeout) {
    std::string err;
    auto conn = messaging::amqp_connection::open(url, "checkoutd-readyz", &err, timeout);
    return conn ? std::string() : err;
  });
  api->dlq = spawn_dlq_actor(sys, ctx);
  api->jwt = http::jwt_policy_of(*cfg);

  messaging::outbox_relay_options relay_opts;
  relay_opts.database_url = cfg->database_url;
  relay_opts.amqp_url = cfg->amqp_url;
  // The relay declares the topology again after reconnecting: same arguments.
  relay_opts.topology = topology_of(*cfg);
  auto& delivery = metrics::registry::instance().delivery();
  relay_opts.on_published = [&delivery](std::uint64_t n) {
    delivery.published += static_cast<std::int64_t>(n);
  };
  messaging::outbox_relay relay(relay_opts);
  relay.start();
  auto enrollment_sweeper = spawn_enrollment_sweeper(sys, ctx);
  // ENROLLMENT_CONSUMERS = 0 leaves checkout.enrollment unconsumed (operators
  // draining a node; the intake-latency test).
  // Outlives the consumers, whose threads call it until they are stopped.
  std::unique_ptr<notification_handler> mailer;
  std::vector<std::unique_ptr<messaging::consumer>> consumers;
  for (int i = 0; i < cfg->enrollment_consumers; ++i) {
    messaging::consumer_options copts;
    copts.amqp_url = cfg->amqp_url;
    copts.queue = messaging::enrollment_queue;
    copts.initial_backoff = cfg->enrollment_retry_base;
    copts.max_backoff = cfg->enrollment_retry_max;
    copts.start_handler = [&sys, sup = api->enrollments, wait = cfg->request_timeout](
                              const messaging::delivery& d, messaging::consumer_reply reply) {
      start_order_paid(sys, sup, d.body, d.message_id, d.correlation_id, wait,
                       [reply = std::move(reply)](enrollment_verdict v) {
                         reply(v == enrollment_verdict::ack      ? messaging::outcome::ack
                               : v == enrollment_verdict::reject ? messaging::outcome::reject
                                                                 : messaging::outcome::retry);
                       });
    };
    copts.on_redelivered = [&delivery] { delivery.redelivered++; };
    copts.on_rejected = [&delivery] { delivery.dead_lettered++; };
    consumers.push_back(std::make_unique<messaging::consumer>(copts));
    consumers.back()->start();
  }

  // Confirmation emails (CONTRACT §16): one consumer, its handler blocking on
  // the consumer's own thread. Without SMTP_URL the requests wait in the queue.
  if (cfg->smtp_url.empty()) {
    spdlog::warn("SMTP_URL is not set: confirmation emails wait in {}",
                 messaging::notification_queue);
  } else {
    notification_options nopts;
    nopts.database_url = cfg->database_url;
    nopts.smtp.url = cfg->smtp_url;
    nopts.smtp.from = mail_address(cfg->mail_from);
    nopts.from = cfg->mail_from;
    nopts.public_base_url = cfg->public_base_url;
    nopts.invoice_link_secret = cfg->jwt_secret;
    mailer = std::make_unique<notification_handler>(nopts);
    messaging::consumer_options copts;
    copts.amqp_url = cfg->amqp_url;
    copts.queue = messaging::notification_queue;
    copts.initial_backoff = std::chrono::seconds(1);
    copts.max_backoff = cfg->notification_retry_max;
    copts.handler = [h = mailer.get()](const messaging::delivery& d) { return h->handle(d); };
    copts.on_rejected = [&delivery] { delivery.dead_lettered++; };
    consumers.push_back(std::make_unique<messaging::consumer>(copts));
    consumers.back()->start();
  }

  // Read rather than counted: every few seconds, off the request path.
  auto ops_sampler = spawn_ops_sampler(sys, ctx, api->dlq, std::chrono::seconds(5));

  auto routes = std::make_shared<http::router>();
  http::add_routes(*routes, api);
  auto& registry = metrics::registry::instance();
  {
    std::vector<std::string> patterns;
    for (const auto& r : routes->routes()) patterns.push_back(r.pattern);
    registry.register_routes(patterns);
  }
  http::server_options sopts;
  sopts.host = cfg->listen_host;
  sopts.port = cfg->listen_port;
  sopts.threads = cfg->http_threads;
  sopts.max_connections = cfg->max_connections;
  sopts.header_timeout = cfg->http_header_timeout;
  sopts.body_timeout = cfg->http_body_timeout;
  sopts.idle_timeout = cfg->http_idle_timeout;
  sopts.cors_allowed_origins = cfg->cors_allowed_origins;
  // Longer than any chain of actor requests, so the actors' own errors reach the client.
  sopts.response_timeout = std::max<std::chrono::milliseconds>(
      cfg->request_timeout * 3,
      order_timing::request_wait(*cfg, ctx.db_timeout) + std::chrono::seconds(2));
  sopts.on_response = [&registry](const std::string& route, int status, double seconds) {
    registry.record_http(route, status, seconds);
  };
  // The actor system waits for every actor at exit: they are told to end
  // first, or a process that cannot listen would never exit.
  auto stop_workers = [&] {
    for (auto& c : consumers) c->stop();
    relay.stop();
    auto carts = caf::actor_cast<caf::actor>(ctx.carts);
    auto orders = caf::actor_cast<caf::actor>(ctx.orders);
    auto payments = caf::actor_cast<caf::actor>(ctx.payments);
    for (auto& a :
         {ops_sampler, enrollment_sweeper, order_watchdog, cart_cleanup, carts, orders, ctx.catalog,
          api->coupons, api->webhooks, api->enrollments, api->probe, api->dlq, payments, ctx.db})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  };
  http::server server(sopts, routes);
  if (!server.start()) {
    stop_workers();
    return 1;
  }
  spdlog::info("checkoutd serving on {}:{} in {} mode, default gateway {}", cfg->listen_host,
               server.port(), cfg->checkout_env, cfg->payment_gateway);

  int sig = 0;
  sigwait(&signals, &sig);
  // Drain (CONTRACT §14): a balancer sees /readyz 503 at once; what was
  // asked before finishes, up to SHUTDOWN_GRACE.
  api->draining->store(true);
  spdlog::info("signal {}: draining ({} request(s) in flight)", sig, server.requests_in_flight());
  auto drain_until = std::chrono::steady_clock::now() + cfg->shutdown_grace;
  while (server.requests_in_flight() > 0 && std::chrono::steady_clock::now() < drain_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  spdlog::info("shutting down ({} request(s) unfinished)", server.requests_in_flight());
  server.stop();
  stop_workers();
  return 0;
}
