// What metrics cost on the hot path. The same in-process service path —
// Beast HTTP server, router, the ask bridge, an entity-like actor, the reply —
// is driven over keep-alive connections with recording on and off in
// alternating rounds, and the request rates are compared (the bar:
// under 3%). Then the raw cost of each recording primitive in nanoseconds.
//
//   bench/metrics_overhead [seconds_per_round=2] [rounds=6] [connections=4]
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "http/bridge.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace {

using namespace checkout;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using clock_type = std::chrono::steady_clock;

// Stands in for a cart: keeps a little state and answers from it.
struct bench_entity_state {
  std::int64_t total = 0;
  static inline const char* name = "bench_entity";
  static inline const char* id_key = "bench_id";
};

caf::behavior bench_entity(instrumented_actor<bench_entity_state>* self) {
  self->set_instance_id("bench-1");
  return {[=](std::int64_t x) {
    self->state.total += x;
    return self->state.total;
  }};
}

// Requests answered by `connections` clients during `seconds`.
double requests_per_second(unsigned short port, int connections, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> done{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c)
    clients.emplace_back([&, c] {
      net::io_context ioc;
      net::ip::tcp::socket sock(ioc);
      sock.connect({net::ip::make_address("127.0.0.1"), port});
      beast::flat_buffer buf;
      bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/bench/" + std::to_string(c), 11};
      req.set(bhttp::field::host, "127.0.0.1");
      req.keep_alive(true);
      std::int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        bhttp::write(sock, req);
        bhttp::response<bhttp::string_body> res;
        bhttp::read(sock, buf, res);
        if (res.result_int() != 200) std::abort();
        ++n;
      }
      done += n;
    });
  auto start = clock_type::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : clients) t.join();
  return static_cast<double>(done.load()) /
         std::chrono::duration<double>(clock_type::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <class F>
double nanos_per_call(F f, int n = 2000000) {
  auto start = clock_type::now();
  for (int i = 0; i < n; ++i) f(i);
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 6;
  int connections = argc > 3 ? std::atoi(argv[3]) : 4;

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto entity = sys.spawn(bench_entity);
  auto routes = std::make_shared<http::router>();
  routes->add("GET", "/bench/{id}", [&sys, entity](http::request&& req, http::responder out) {
    http::ask<std::int64_t>(
        sys, entity, std::chrono::seconds(5), caf::make_message(std::int64_t{1}),
        [out](std::int64_t& total) {
          http::response res;
          res.body = "{\"total\":" + std::to_string(total) + "}";
          out.send(std::move(res));
        },
        [out](const caf::error&) {
          http::response res;
          res.status = 503;
          out.send(std::move(res));
        });
  });
  auto& registry = metrics::registry::instance();
  registry.register_routes({"/bench/{id}"});
  http::server_options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  opts.on_response = [&registry](const std::string& route, int status, double s) {
    registry.record_http(route, status, s);
  };
  http::server server(opts, routes);
  if (!server.start()) return 1;

  std::printf(
      "metrics overhead: %d rounds of %.1f s each way, %d keep-alive connections, "
      "%u hardware threads\n",
      rounds, seconds, connections, std::thread::hardware_concurrency());
  metrics::registry::set_recording(true);
  requests_per_second(server.port(), connections, 1.0);  // warm-up
  std::vector<double> on, off;
  for (int r = 0; r < rounds; ++r) {
    // Alternating, and the order flips each round, so drift hits both sides.
    for (bool recording : r % 2 ? std::vector<bool>{false, true} : std::vector<bool>{true, false}) {
      metrics::registry::set_recording(recording);
      auto rate = requests_per_second(server.port(), connections, seconds);
      (recording ? on : off).push_back(rate);
      std::printf("  round %d  recording %-3s  %9.0f req/s\n", r + 1, recording ? "on" : "off",
                  rate);
    }
  }
  metrics::registry::set_recording(true);
  auto m_on = median(on), m_off = median(off);
  std::printf("median with metrics    %9.0f req/s\n", m_on);
  std::printf("median without metrics %9.0f req/s\n", m_off);
  std::printf("difference             %+8.2f %%  (negative: slower with metrics)\n",
              (m_on - m_off) / m_off * 100.0);

  // The primitives, one thread, no contention.
  auto& kind = registry.kind("bench_entity");
  std::printf(
      "per call: counter add %.1f ns, histogram observe %.1f ns, record_http %.1f ns, "
      "label family lookup %.1f ns\n",
      nanos_per_call([&](int) { kind.messages.fetch_add(1, std::memory_order_relaxed); }),
      nanos_per_call([&](int i) { kind.message_seconds.observe(i * 1e-7); }),
      nanos_per_call([&](int i) { registry.record_http("/bench/{id}", 200, i * 1e-7); }),
      nanos_per_call([&](int) { registry.webhooks("razorpay", "applied")++; }));
  server.stop();
  return 0;
}
