// bench/checkout (issue 16): closed-loop shoppers, each repeating one whole
// paid checkout through the HTTP API as fast as the answers come:
//   POST /cart (signed in) → POST /cart/{t}/coupon → POST /cart/estimate →
//   POST /orders (Idempotency-Key) → signed Razorpay payment.captured
// with a share of free orders (no gateway) and a share of payments that fail
// first and are retried (payment.failed, POST /orders/{t}/payments, capture).
// One blocking thread per shopper: threads wait on the socket, so the load
// generator costs little CPU (it prints its own share).
//
// Capture-to-enrollment is read after the run from order_history (the time
// the order became `completed`), so the service is never polled for it.
// Commits and rollbacks come from pg_stat_database of the service's database;
// CPU shares from /proc for checkoutd, postgres and RabbitMQ (beam.smp).
//
// Write transactions per checkout are the growth of PostgreSQL's next
// transaction id (only a writing transaction takes one).
//
// Memory mode (--carts N): N guest carts through POST /cart, then the RSS per
// live cart from the instance's /metrics (process_resident_memory_bytes
// against checkout_actors_live), the wait until they passivated
// (ACTOR_IDLE_TIMEOUT), and the instance's idle CPU over 30 s after that.
//
// usage: checkout --base http://127.0.0.1:8080 --shoppers 8 --seconds 20
//          [--coupon CODE|none] [--free-share 0.1] [--fail-share 0.1]
//          [--database postgresql://…] [--internship ID]
//        checkout --base URL --carts 100000 [--shoppers 16] [--passivation-wait 120]
// env: JWT_SECRET, RAZORPAY_WEBHOOK_SECRET (scripts/run: build/dev-secrets.env)
#include <dirent.h>
#include <rapidjson/document.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actors/webhook/webhook_payload.hpp"
#include "http/auth.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;
using steady = std::chrono::steady_clock;

struct options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  int shoppers = 8;
  double seconds = 20;
  std::string coupon = "BENCH10";
  double free_share = 0;
  double fail_share = 0;
  std::string database;
  std::string internship = "bench-paid";
  std::string free_internship = "bench-free";
  // Memory mode: this many guest carts instead of checkouts, then the wait
  // for their passivation (at most `passivation_wait` s) and the idle CPU.
  int carts = 0;
  double passivation_wait = 120;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    std::cerr << "checkout: " << name << " is not set (source build/dev-secrets.env)\n";
    std::exit(2);
  }
  return v;
}

std::string random_hex(std::mt19937_64& rng, int n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += digits[rng() % 16];
  return s;
}

std::string uuid4(std::mt19937_64& rng) {
  auto h = random_hex(rng, 32);
  h[12] = '4';
  h[16] = "89ab"[rng() % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// The steps a checkout takes, in the order printed.
enum class step { cart, coupon, estimate, order, failed_hook, retry, capture, checkout, count };
const char* const step_names[] = {"cart", "coupon", "estimate", "order",
                                  "fail", "retry",  "capture",  "checkout"};

struct results {
  std::mutex mu;
  std::vector<double> latency[static_cast<int>(step::count)];             // seconds
  std::map<std::string, int> errors;                                      // "step:status"
  std::map<std::string, std::chrono::system_clock::time_point> captured;  // order → capture sent
  int checkouts = 0;
  int free_checkouts = 0;
  int retried = 0;
};

class shopper {
 public:
  shopper(const options& o, int n, results& r, std::string jwt_secret, std::string hook_secret,
          std::string run)
      : opt_(o),
        n_(n),
        res_(r),
        jwt_secret_(std::move(jwt_secret)),
        hook_secret_(std::move(hook_secret)),
        run_(std::move(run)),
        rng_(std::random_device{}() + static_cast<unsigned>(n)),
        xff_("10." + std::to_string(n / 250) + "." + std::to_string(n % 250) + ".9") {}

  void run(steady::time_point until) {
    for (int i = 0; steady::now() < until; ++i) checkout(i);
  }

  // Guest carts, one product each, until `left` runs out; each from an
  // address of its own, as many visitors' carts would be.
  void make_carts(std::atomic<int>& left) {
    while (left.fetch_sub(1) > 0) {
      xff_ = "10." + std::to_string(rng_() % 250) + "." + std::to_string(rng_() % 250) + "." +
             std::to_string(1 + rng_() % 250);
      reply r;
      timed(step::cart, 201, r, bhttp::verb::post, "/api/v1/cart",
            R"({"products":[{"internship_id":")" + opt_.internship + R"("}]})", {});
    }
  }

  // GET `target`'s body ("" when it does not answer 200).
  std::string get_text(const std::string& target) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    bhttp::response<bhttp::string_body> res;
    return exchange(req, res) && res.result_int() == 200 ? res.body() : std::string();
  }

 private:
  struct reply {
    int status = 0;
    rapidjson::Document body;
  };

  // Sends `req` on the kept-alive connection (a new one when it was closed)
  // and reads the answer into `res`; false when no answer came.
  template <class Body>
  bool exchange(bhttp::request<Body>& req, bhttp::response<bhttp::string_body>& res) {
    req.set(bhttp::field::host, opt_.host);
    req.set("X-Forwarded-For", xff_);
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream_) {
          stream_ = std::make_unique<beast::tcp_stream>(io_);
          tcp::resolver resolver(io_);
          stream_->connect(resolver.resolve(opt_.host, opt_.port));
        }
        stream_->expires_after(std::chrono::seconds(30));
        bhttp::write(*stream_, req);
        beast::flat_buffer buf;
        res = bhttp::response<bhttp::string_body>{};
        bhttp::read(*stream_, buf, res);
        if (!res.keep_alive()) stream_.reset();
        return true;
      } catch (const std::exception&) {
        stream_.reset();  // a closed keep-alive connection: once more on a new one
      }
    }
    return false;
  }

  reply call(bhttp::verb verb, const std::string& target, const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers) {
    reply out;
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::response<bhttp::string_body> res;
    if (!exchange(req, res)) return out;  // status 0
    out.status = static_cast<int>(res.result_int());
    out.body.Parse(res.body().c_str());
    return out;
  }

  // One timed step; false (and an error counted) unless it answered `want`.
  bool timed(step s, int want, reply& r, bhttp::verb verb, const std::string& target,
             const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers) {
    auto t0 = steady::now();
    r = call(verb, target, body, headers);
    std::chrono::duration<double> dt = steady::now() - t0;
    bool ok = r.status == want;
    {
      std::lock_guard<std::mutex> lock(res_.mu);
      if (ok)
        res_.latency[static_cast<int>(s)].push_back(dt.count());
      else
        res_.errors[std::string(step_names[static_cast<int>(s)]) + ":" +
                    std::to_string(r.status)]++;
    }
    // A limited client waits before its next checkout, as a browser would,
    // instead of spinning on 429s and taking the CPU it measures.
    if (r.status == 429) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return ok;
  }

  std::string hook(const std::string& event, const std::string& goid, std::int64_t amount,
                   const std::string& currency) {
    return R"({"entity":"event","event":")" + event +
           R"(","payload":{"payment":{"entity":{"id":"pay_)" + random_hex(rng_, 14) +
           R"(","order_id":")" + goid + R"(","amount":)" + std::to_string(amount) +
           R"(,"currency":")" + currency + R"(","status":")" +
           (event == "payment.captured" ? "captured" : "failed") + R"("}}}})";
  }

  bool send_hook(step s, const std::string& body) {
    reply r;
    return timed(
        s, 200, r, bhttp::verb::post, "/api/v1/webhooks/razorpay", body,
        {{"X-Razorpay-Signature", checkout::webhook_payload::hmac_sha256_hex(hook_secret_, body)},
         {"X-Razorpay-Event-Id", "evt_" + random_hex(rng_, 20)}});
  }

  void checkout(int i) {
    auto t0 = steady::now();
    std::uniform_real_distribution<double> dice(0, 1);
    bool free = dice(rng_) < opt_.free_share;
    bool fail_first = !free && dice(rng_) < opt_.fail_share;
    auto user = "bench-" + run_ + "-" + std::to_string(n_) + "-" + std::to_string(i);
    // Each checkout is another customer: its own user and its own address (a
    // shopper that finishes 12 checkouts a second is not one client sending
    // 70 requests a second, which RATE_LIMIT_IP would refuse).
    xff_ = "10." + std::to_string(n_ / 250) + "." + std::to_string(n_ % 250) + "." +
           std::to_string(1 + i % 250);
    auto bearer =
        "Bearer " + checkout::http::issue_token(jwt_secret_, user, {}, std::chrono::hours(1));
    const auto& item = free ? opt_.free_internship : opt_.internship;
    reply r;
    if (!timed(step::cart, 201, r, bhttp::verb::post, "/api/v1/cart",
               R"({"products":[{"internship_id":")" + item + R"("}]})",
               {{"Authorization", bearer}}))
      return;
    std::string cart = r.body["data"]["cart"]["token"].GetString();
    if (!free && opt_.coupon != "none" &&
        !timed(step::coupon, 200, r, bhttp::verb::post, "/api/v1/cart/" + cart + "/coupon",
               R"({"coupon":")" + opt_.coupon + R"("})", {{"Authorization", bearer}}))
      return;
    if (!timed(step::estimate, 200, r, bhttp::verb::post, "/api/v1/cart/estimate",
               R"({"cart_token":")" + cart + R"("})", {{"Authorization", bearer}}))
      return;
    if (!timed(step::order, 201, r, bhttp::verb::post, "/api/v1/orders",
               R"({"cart_token":")" + cart + R"("})",
               {{"Authorization", bearer}, {"Idempotency-Key", uuid4(rng_)}}))
      return;
    const auto& o = r.body["data"]["order"];
    std::string token = o["order_token"].GetString();
    if (free) {
      finish(t0, token, true, false);
      return;
    }
    std::string goid = o["payment"]["gateway_order_id"].GetString();
    std::int64_t total = o["total"].GetInt64();
    std::string currency = o["currency"].GetString();
    if (fail_first) {
      if (!send_hook(step::failed_hook, hook("payment.failed", goid, total, currency))) return;
      // The failed state is applied before the webhook is answered, so the
      // retry may follow at once.
      reply p;
      if (!timed(step::retry, 201, p, bhttp::verb::post, "/api/v1/orders/" + token + "/payments",
                 "{}", {{"Authorization", bearer}, {"Idempotency-Key", uuid4(rng_)}}))
        return;
      const auto& po = p.body["data"]["order"];
      goid = po["payment"]["gateway_order_id"].GetString();
    }
    auto sent = std::chrono::system_clock::now();
    if (!send_hook(step::capture, hook("payment.captured", goid, total, currency))) return;
    {
      std::lock_guard<std::mutex> lock(res_.mu);
      res_.captured[token] = sent;
    }
    finish(t0, token, false, fail_first);
  }

  void finish(steady::time_point t0, const std::string&, bool free, bool retried) {
    std::chrono::duration<double> dt = steady::now() - t0;
    std::lock_guard<std::mutex> lock(res_.mu);
    res_.latency[static_cast<int>(step::checkout)].push_back(dt.count());
    res_.checkouts++;
    if (free) res_.free_checkouts++;
    if (retried) res_.retried++;
  }

  const options& opt_;
  int n_;
  results& res_;
  std::string jwt_secret_;
  std::string hook_secret_;
  std::string run_;
  std::mt19937_64 rng_;
  std::string xff_;
  boost::asio::io_context io_;
  std::unique_ptr<beast::tcp_stream> stream_;
};

double pct(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(p / 100 * static_cast<double>(xs.size()));
  return xs[std::min(i, xs.size() - 1)];
}

// CPU seconds (user + system) of every process whose name is `comm`.
double cpu_of(const std::string& comm) {
  double ticks = 0;
  DIR* d = opendir("/proc");
  if (!d) return 0;
  while (auto* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    if (line.substr(open + 1, close - open - 1) != comm) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    // Fields 3..13 come before utime (14) and stime (15).
    for (int k = 3; k <= 13; ++k) rest >> field;
    double utime = 0, stime = 0;
    rest >> utime >> stime;
    ticks += utime + stime;
  }
  closedir(d);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct pg_counts {
  double commits = 0, rollbacks = 0;
};

pg_counts pg_stat(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  auto row = tx.exec1(
      "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = "
      "current_database()");
  return {row[0].as<double>(), row[1].as<double>()};
}

// PostgreSQL's next transaction id: it moves only when a transaction writes
// (reading it assigns none), so its growth counts write transactions.
double next_xid(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  return tx.exec1("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::float8")[0].as<double>();
}

// One sample's value in Prometheus text, e.g. `checkout_actors_live{kind="cart"}`; -1 if absent.
double metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, series.size(), series) == 0 && line.size() > series.size() &&
        line[series.size()] == ' ')
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
  }
  return -1;
}

const std::string live_carts = "checkout_actors_live{kind=\"cart\"}";
const std::string live_orders = "checkout_actors_live{kind=\"order\"}";
const std::string rss = "process_resident_memory_bytes";
const std::string service_cpu = "process_cpu_seconds_total";

// Memory mode: RSS per live cart, the wait for passivation, then idle CPU.
int memory_run(const options& opt, results& res, const std::string& jwt, const std::string& hook) {
  shopper probe(opt, 0, res, jwt, hook, "probe");
  auto before = probe.get_text("/metrics");
  if (before.empty()) {
    std::cerr << "checkout: GET /metrics did not answer 200\n";
    return 1;
  }
  std::atomic<int> left{opt.carts};
  auto start = steady::now();
  {
    std::vector<std::unique_ptr<shopper>> shoppers;
    std::vector<std::thread> threads;
    for (int n = 0; n < opt.shoppers; ++n) {
      shoppers.push_back(std::make_unique<shopper>(opt, n, res, jwt, hook, "carts"));
      threads.emplace_back([&s = *shoppers.back(), &left] { s.make_carts(left); });
    }
    for (auto& t : threads) t.join();
  }
  std::chrono::duration<double> wall = steady::now() - start;
  auto after = probe.get_text("/metrics");
  double made = static_cast<double>(res.latency[static_cast<int>(step::cart)].size());
  double carts0 = metric(before, live_carts), carts1 = metric(after, live_carts);
  double rss0 = metric(before, rss), rss1 = metric(after, rss);
  double per = carts1 > carts0 ? (rss1 - rss0) / (carts1 - carts0) : 0;
  std::printf("memory bench: %d guest carts by %d clients in %.1f s (%.0f/s), cart p99 %.1f ms\n",
              opt.carts, opt.shoppers, wall.count(), made / wall.count(),
              pct(res.latency[static_cast<int>(step::cart)], 99) * 1e3);
  std::printf("errors:");
  if (res.errors.empty()) std::printf(" none");
  for (const auto& [k, n] : res.errors) std::printf(" %s=%d", k.c_str(), n);
  std::printf("\n");
  std::printf(
      "live carts %.0f -> %.0f, live orders %.0f; RSS %.1f MB -> %.1f MB: %.0f bytes per live "
      "cart, 100000 live carts ~ %.0f MB\n",
      carts0, carts1, metric(after, live_orders), rss0 / 1e6, rss1 / 1e6, per,
      (rss0 + per * 100000) / 1e6);

  // Passivation: the carts go after ACTOR_IDLE_TIMEOUT; then the idle cost.
  auto waited_from = steady::now();
  auto deadline = waited_from + std::chrono::duration_cast<steady::duration>(
                                    std::chrono::duration<double>(opt.passivation_wait));
  double live = carts1;
  while (steady::now() < deadline) {
    live = metric(probe.get_text("/metrics"), live_carts);
    if (live >= 0 && live <= carts0) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::chrono::duration<double> waited = steady::now() - waited_from;
  std::printf("passivation: %.0f live carts left after %.0f s\n", live, waited.count());
  const double idle_window = 30;
  double cpu0 = metric(probe.get_text("/metrics"), service_cpu);
  std::this_thread::sleep_for(std::chrono::duration<double>(idle_window));
  double cpu1 = metric(probe.get_text("/metrics"), service_cpu);
  auto idle_rss = metric(probe.get_text("/metrics"), rss);
  std::printf("idle after passivation: checkoutd %.1f%% of one core over %.0f s, RSS %.1f MB\n",
              100 * (cpu1 - cpu0) / idle_window, idle_window, idle_rss / 1e6);
  return made > 0 ? 0 : 1;
}

void usage() {
  std::cerr
      << "usage: checkout --base http://HOST:PORT --shoppers N --seconds S [--coupon CODE|none]\n"
         "                [--free-share F] [--fail-share F] [--database URL] [--internship ID]\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (a == "--base") {
      auto rest = v.substr(v.find("//") == std::string::npos ? 0 : v.find("//") + 2);
      auto colon = rest.find(':');
      o.host = rest.substr(0, colon);
      o.port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
    } else if (a == "--shoppers") {
      o.shoppers = std::stoi(v);
    } else if (a == "--seconds") {
      o.seconds = std::stod(v);
    } else if (a == "--coupon") {
      o.coupon = v;
    } else if (a == "--free-share") {
      o.free_share = std::stod(v);
    } else if (a == "--fail-share") {
      o.fail_share = std::stod(v);
    } else if (a == "--database") {
      o.database = v;
    } else if (a == "--internship") {
      o.internship = v;
    } else if (a == "--carts") {
      o.carts = std::stoi(v);
    } else if (a == "--passivation-wait") {
      o.passivation_wait = std::stod(v);
    } else {
      usage();
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  auto opt = parse(argc, argv);
  auto jwt_secret = env("JWT_SECRET");
  auto hook_secret = env("RAZORPAY_WEBHOOK_SECRET");
  std::mt19937_64 rng{std::random_device{}()};
  auto run = random_hex(rng, 8);
  results res;
  if (opt.carts > 0) return memory_run(opt, res, jwt_secret, hook_secret);

  pg_counts pg0;
  double xid0 = 0;
  if (!opt.database.empty()) {
    pg0 = pg_stat(opt.database);
    xid0 = next_xid(opt.database);
  }
  double cpu0_service = cpu_of("checkoutd"), cpu0_pg = cpu_of("postgres"),
         cpu0_mq = cpu_of("beam.smp"), cpu0_self = own_cpu();
  auto start = steady::now();
  auto until = start + std::chrono::duration_cast<steady::duration>(
                           std::chrono::duration<double>(opt.seconds));
  std::vector<std::unique_ptr<shopper>> shoppers;
  std::vector<std::thread> threads;
  for (int n = 0; n < opt.shoppers; ++n) {
    shoppers.push_back(std::make_unique<shopper>(opt, n, res, jwt_secret, hook_secret, run));
    threads.emplace_back([&s = *shoppers.back(), until] { s.run(until); });
  }
  for (auto& t : threads) t.join();
  std::chrono::duration<double> wall = steady::now() - start;
  double service = cpu_of("checkoutd") - cpu0_service, pg = cpu_of("postgres") - cpu0_pg,
         mq = cpu_of("beam.smp") - cpu0_mq, self = own_cpu() - cpu0_self;

  std::printf("checkout bench: %d shoppers, %.1f s, coupon %s, free share %.2f, fail share %.2f\n",
              opt.shoppers, wall.count(), opt.coupon.c_str(), opt.free_share, opt.fail_share);
  std::printf("checkouts: %d (%d free, %d retried)  %.1f checkouts/s\n", res.checkouts,
              res.free_checkouts, res.retried, res.checkouts / wall.count());
  std::printf("%-10s %8s %8s %8s %8s  (ms)\n", "step", "count", "p50", "p95", "p99");
  for (int s = 0; s < static_cast<int>(step::count); ++s) {
    auto& xs = res.latency[s];
    if (xs.empty()) continue;
    std::printf("%-10s %8zu %8.1f %8.1f %8.1f\n", step_names[s], xs.size(), pct(xs, 50) * 1e3,
                pct(xs, 95) * 1e3, pct(xs, 99) * 1e3);
  }
  std::printf("errors by step:");
  if (res.errors.empty()) std::printf(" none");
  for (const auto& [k, n] : res.errors) std::printf(" %s=%d", k.c_str(), n);
  std::printf("\n");

  if (!opt.database.empty()) {
    // Enrollment after capture: the `completed` row's time against the
    // capture's send time, waited for up to 30 s after the last capture.
    std::vector<double> lag;
    int missing = 0;
    auto deadline = steady::now() + std::chrono::seconds(30);
    pqxx::connection c(opt.database);
    std::map<std::string, std::chrono::system_clock::time_point> pending = res.captured;
    while (!pending.empty() && steady::now() < deadline) {
      pqxx::nontransaction tx(c);
      std::string list;
      for (const auto& [token, at] : pending) list += (list.empty() ? "'" : ",'") + token + "'";
      auto rows = tx.exec(
          "SELECT order_token::text, extract(epoch FROM at) FROM order_history "
          "WHERE status = 'completed' AND order_token IN (" +
          list + ")");
      for (const auto& row : rows) {
        auto it = pending.find(row[0].as<std::string>());
        if (it == pending.end()) continue;
        double done = row[1].as<double>();
        double sent = std::chrono::duration<double>(it->second.time_since_epoch()).count();
        lag.push_back(done - sent);
        pending.erase(it);
      }
      if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    missing = static_cast<int>(pending.size());
    std::printf(
        "capture -> enrollment (ms): p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  (%zu seen, %d "
        "not completed within 30 s)\n",
        pct(lag, 50) * 1e3, pct(lag, 95) * 1e3, pct(lag, 99) * 1e3,
        lag.empty() ? 0.0 : *std::max_element(lag.begin(), lag.end()) * 1e3, lag.size(), missing);
    auto pg1 = pg_stat(opt.database);
    double xid1 = next_xid(opt.database);
    double per = res.checkouts ? 1.0 / res.checkouts : 0;
    std::printf(
        "postgres per checkout: %.1f commits, %.2f rollbacks (whole database, bench's own "
        "reads included; a single statement outside a transaction counts as a commit); "
        "%.1f write transactions (transaction ids used, whole cluster)\n",
        (pg1.commits - pg0.commits) * per, (pg1.rollbacks - pg0.rollbacks) * per,
        (xid1 - xid0) * per);
  }
  auto cores = static_cast<double>(std::thread::hardware_concurrency());
  std::printf(
      "cpu (share of the machine's %.0f cores): checkoutd %.0f%%, postgres %.0f%%, "
      "rabbitmq %.0f%%, this bench %.0f%%\n",
      cores, 100 * service / wall.count() / cores, 100 * pg / wall.count() / cores,
      100 * mq / wall.count() / cores, 100 * self / wall.count() / cores);
  return res.checkouts > 0 ? 0 : 1;
}
