#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/fd_limit.hpp"
#include "http/handoff_gate.hpp"
#include "http/listener.hpp"
#include "http/session.hpp"

namespace checkout::http {
namespace {

namespace net = boost::asio;

// An exception escaping a handler unwinds run(); the thread logs it and goes
// back to serving instead of taking the process down.
void serve(net::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("I/O thread caught: {}", e.what());
    } catch (...) {
      spdlog::error("I/O thread caught a non-standard exception");
    }
  }
}

}  // namespace

struct server::impl {
  server_options opts;
  std::shared_ptr<const router> routes;
  std::shared_ptr<handoff_gate> gate = std::make_shared<handoff_gate>();
  std::mutex lifecycle;  // start() and stop() may come from different threads
  bool started = false;
  std::optional<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<listener> accept;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  std::shared_ptr<connection_count> connections = std::make_shared<connection_count>();
};

server::server(server_options opts, std::shared_ptr<const router> routes)
    : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
  impl_->routes = std::move(routes);
}

server::~server() {
  stop();
}

bool server::start() {
  auto& s = *impl_;
  std::lock_guard<std::mutex> lock(s.lifecycle);
  if (s.started) return false;
  if (!s.routes) {
    spdlog::error("HTTP server started without routes");
    return false;
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(s.opts.host, ec);
  if (ec) {
    spdlog::error("invalid listen address '{}': {}", s.opts.host, ec.message());
    return false;
  }

  auto cfg = std::make_shared<session_config>();
  cfg->body_limit = s.opts.body_limit;
  cfg->header_limit = s.opts.header_limit;
  cfg->header_timeout = s.opts.header_timeout;
  cfg->body_timeout = s.opts.body_timeout;
  cfg->idle_timeout = s.opts.idle_timeout;
  cfg->write_timeout = s.opts.write_timeout;
  cfg->max_connections = std::max(1, s.opts.max_connections);
  cfg->cors = cors_policy(s.opts.cors_allowed_origins);
  cfg->connections = s.connections;
  cfg->response_timeout = s.opts.response_timeout;
  cfg->on_response = s.opts.on_response;
  cfg->routes = s.routes;
  cfg->gate = s.gate;

  // Each connection is a descriptor; a few hundred stay for the database
  // pool, the broker, log files and accept() racing the cap.
  auto files = raise_open_files_limit();
  if (files > 0 && files < static_cast<std::uint64_t>(cfg->max_connections) + 256)
    spdlog::warn(
        "open files limit {} is below MAX_CONNECTIONS {} plus a reserve: accept may fail "
        "with EMFILE first",
        files, cfg->max_connections);

  int threads = std::max(1, s.opts.threads);
  s.ioc.emplace(threads);
  s.accept = std::make_shared<listener>(*s.ioc, cfg);
  if (auto err = s.accept->open({address, s.opts.port})) {
    spdlog::error("cannot listen on {}:{}: {}", s.opts.host, s.opts.port, err.message());
    s.accept.reset();
    s.ioc.reset();
    return false;
  }
  s.bound_port = s.accept->port();
  s.accept->run();
  s.work.emplace(s.ioc->get_executor());
  for (int i = 0; i < threads; ++i) s.threads.emplace_back([&ioc = *s.ioc] { serve(ioc); });
  s.started = true;
  spdlog::info("HTTP server listening on {}:{} with {} I/O thread(s)", s.opts.host, s.bound_port,
               threads);
  return true;
}

void server::stop() {
  auto& s = *impl_;
  std::lock_guard<std::mutex> lock(s.lifecycle);
  if (!s.ioc) return;
  // Responders firing from now on find the gate closed and drop their response.
  s.gate->close();
  s.work.reset();
  s.ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.accept.reset();
  // Destroying the io_context destroys the pending handlers and with them the
  // sessions and their sockets.
  s.ioc.reset();
}

std::uint16_t server::port() const {
  return impl_->bound_port;
}

std::int64_t server::open_connections() const {
  return impl_->connections->live.load(std::memory_order_relaxed);
}

std::int64_t server::requests_in_flight() const {
  return impl_->connections->answering.load(std::memory_order_relaxed);
}

std::int64_t server::refused_connections() const {
  return impl_->connections->refused.load(std::memory_order_relaxed);
}

}  // namespace checkout::http
