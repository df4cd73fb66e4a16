// The HTTP server's hardening through the real binary (CONTRACT §13, OWASP
// API8 security misconfiguration and API4 unrestricted resource consumption):
// CORS for allowed and refused origins, security headers on JSON, HTML and
// error answers, HEAD, OPTIONS, the body, header and nesting limits, slow
// clients cut at their deadlines, 5,000 idle connections that do not slow
// anyone else down, the connection cap, and a /readyz that names the failing
// part without connection details.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e_shop.hpp"
#include "e2e_support.hpp"
#include "messaging_tcp_proxy.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"
#include "support/test_services.hpp"

namespace {

using e2e::call;
using e2e::reply;
using json_expect::error_envelope;
using headers = std::vector<std::pair<std::string, std::string>>;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string shop_origin = "https://shop.example.com";
const std::string evil_origin = "https://evil.example.com";

// ------------------------------------------------------------ raw HTTP ----

// One connection over a plain socket: partial requests, HEAD, header floods
// and slow clients need what a client library would not send or would hide.
class raw_conn {
 public:
  explicit raw_conn(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
  }
  ~raw_conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool send(const std::string& bytes) {
    for (std::size_t off = 0; off < bytes.size();) {
      auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads until `pred(received)`, EOF or reset, or `limit`.
  template <class Pred>
  bool read_until(Pred pred, std::chrono::milliseconds limit) {
    auto until = steady::now() + limit;
    while (!pred(in_)) {
      if (eof_) return false;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char chunk[65536];
      auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      in_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; for a HEAD (`head`) no body is read whatever the length.
  reply receive(bool head = false, std::chrono::milliseconds limit = 5s) {
    reply r;
    auto has_head = [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; };
    if (!read_until(has_head, limit)) return r;
    auto end = in_.find("\r\n\r\n");
    auto text = in_.substr(0, end);
    in_.erase(0, end + 4);
    r.status = std::atoi(text.c_str() + 9);
    for (auto at = text.find("\r\n"); at != std::string::npos;) {
      auto next = text.find("\r\n", at + 2);
      auto line =
          text.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      at = next;
    }
    std::size_t length = head ? 0 : std::strtoul(r.headers["content-length"].c_str(), nullptr, 10);
    if (!read_until([&](const std::string& b) { return b.size() >= length; }, limit)) return r;
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }

  // Whether the next bytes on the connection start a response (a status
  // line), read within `limit`: nothing else came before it.
  bool next_is_a_response(std::chrono::milliseconds limit) {
    read_until([](const std::string& b) { return b.size() >= 9; }, limit);
    return in_.rfind("HTTP/1.1 ", 0) == 0;
  }

  // Whether the server closes the connection within `limit`.
  bool closed_within(std::chrono::milliseconds limit) {
    read_until([](const std::string&) { return false; }, limit);
    return eof_;
  }
  bool nothing_received() const { return in_.empty(); }

 private:
  int fd_ = -1;
  std::string in_;
  bool eof_ = false;
};

std::string request_text(const std::string& method, const std::string& target,
                         const std::string& extra_headers = {}) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

// Sends `bytes` one at a time every `gap` until the server closes the
// connection; how long the server let it go on.
std::chrono::milliseconds dribble(raw_conn& c, const std::string& bytes,
                                  std::chrono::milliseconds gap) {
  auto started = steady::now();
  for (char b : bytes) {
    if (!c.send(std::string(1, b)) || c.closed_within(gap)) break;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
}

// The CSP source that allows an inline element with exactly this content.
std::string sha256_source(const std::string& content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n)) + "'";
}

void expect_security_headers(const reply& r, const std::string& what) {
  auto h = r.headers;
  EXPECT_EQ(h["x-content-type-options"], "nosniff") << what;
  EXPECT_EQ(h["referrer-policy"], "no-referrer") << what;
  EXPECT_EQ(h["cache-control"], "no-store") << what;
  EXPECT_NE(h["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos) << what;
}

void expect_cors_for(const reply& r, const std::string& origin, const std::string& what) {
  auto h = r.headers;
  EXPECT_EQ(h["access-control-allow-origin"], origin) << what;
  EXPECT_EQ(h["vary"], "Origin") << what;
  EXPECT_EQ(h["access-control-expose-headers"],
            "X-Correlation-ID, Idempotent-Replayed, Retry-After")
      << what;
}

void expect_no_cors(const reply& r, const std::string& what) {
  for (const auto& [name, value] : r.headers)
    EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << what << ": " << name;
}

// ------------------------------------------------- headers, CORS, HEAD ----

class OwaspHttpHeaders : public e2e::shared_server<OwaspHttpHeaders> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"CORS_ALLOWED_ORIGINS", shop_origin + ",http://localhost:3000"}};
  }
};

TEST_F(OwaspHttpHeaders, an_allowed_origin_gets_cors_headers_on_answers_and_errors) {
  headers from_shop{{"Origin", shop_origin}};
  expect_cors_for(call(srv->port(), "GET", "/api/v1/internships", {}, from_shop), shop_origin,
                  "200");
  expect_cors_for(call(srv->port(), "GET", "/api/v1/nope", {}, from_shop), shop_origin, "404");
  expect_cors_for(call(srv->port(), "DELETE", "/api/v1/internships", {}, from_shop), shop_origin,
                  "405");
  expect_cors_for(call(srv->port(), "GET", "/api/v1/orders", {}, from_shop), shop_origin, "401");
  expect_cors_for(call(srv->port(), "POST", "/api/v1/cart", "{", from_shop), shop_origin, "400");
  auto big = call(srv->port(), "POST", "/api/v1/cart", std::string(70 * 1024, ' '), from_shop);
  EXPECT_EQ(big.status, 413);
  expect_cors_for(big, shop_origin, "413");
}

TEST_F(OwaspHttpHeaders, other_origins_get_no_access_control_header) {
  for (const auto& origin : {evil_origin, std::string("https://shop.example.com.evil.com"),
                             std::string("http://shop.example.com"), std::string("null")}) {
    auto r = call(srv->port(), "GET", "/api/v1/internships", {}, {{"Origin", origin}});
    EXPECT_EQ(r.status, 200);
    expect_no_cors(r, origin);
  }
  expect_no_cors(call(srv->port(), "GET", "/api/v1/internships"), "no Origin");
}

TEST_F(OwaspHttpHeaders, a_preflight_from_an_allowed_origin_is_204_with_the_preflight_headers) {
  auto r =
      call(srv->port(), "OPTIONS", "/api/v1/cart", {},
           {{"Origin", shop_origin},
            {"Access-Control-Request-Method", "POST"},
            {"Access-Control-Request-Headers", "authorization, content-type, idempotency-key"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  expect_cors_for(r, shop_origin, "preflight");
  for (const char* h : {"Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-ID"})
    EXPECT_NE(r.headers["access-control-allow-headers"].find(h), std::string::npos) << h;
  EXPECT_NE(r.headers["access-control-allow-methods"].find("POST"), std::string::npos);
  EXPECT_FALSE(r.headers["access-control-max-age"].empty());
}

TEST_F(OwaspHttpHeaders, a_preflight_from_another_origin_is_403_without_cors_headers) {
  auto r = call(srv->port(), "OPTIONS", "/api/v1/cart", {},
                {{"Origin", evil_origin}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_TRUE(error_envelope(r.status, r.body, 403, 1403));
  expect_no_cors(r, "refused preflight");
  expect_security_headers(r, "refused preflight");
}

TEST_F(OwaspHttpHeaders, options_without_origin_lists_the_paths_methods) {
  auto r = call(srv->port(), "OPTIONS", "/api/v1/internships");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.headers["allow"], "GET, HEAD, OPTIONS");
  EXPECT_EQ(call(srv->port(), "OPTIONS", "/api/v1/nope").status, 404);
}

TEST_F(OwaspHttpHeaders, json_html_and_error_answers_carry_the_security_headers) {
  auto json = call(srv->port(), "GET", "/api/v1/internships");
  EXPECT_EQ(json.status, 200);
  expect_security_headers(json, "json");
  for (auto [method, target] : {std::pair{"GET", "/api/v1/nope"},
                                {"GET", "/api/v1/orders"},
                                {"DELETE", "/healthz"},
                                {"GET", "/readyz"}})
    expect_security_headers(call(srv->port(), method, target), std::string(method) + target);

  auto page = call(srv->port(), "GET", "/api/v1/checkout/return");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  expect_security_headers(page, "html");
  auto csp = page.headers["content-security-policy"];
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page.headers["x-frame-options"], "DENY");
  // The page's own inline style is allowed by its hash, not by 'unsafe-inline'.
  EXPECT_NE(csp.find("style-src 'sha256-"), std::string::npos) << csp;
}

TEST_F(OwaspHttpHeaders, head_is_answered_wherever_get_is_with_the_gets_headers_and_no_body) {
  for (const char* target :
       {"/healthz", "/api/v1/internships", "/api/v1/checkout/return", "/api/v1/nope"}) {
    raw_conn c(srv->port());
    ASSERT_TRUE(c.connected());
    c.send(request_text("GET", target));
    auto get = c.receive();
    c.send(request_text("HEAD", target));
    auto head = c.receive(true);
    EXPECT_EQ(head.status, get.status) << target;
    EXPECT_EQ(head.headers["content-type"], get.headers["content-type"]) << target;
    EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size())) << target;
    expect_security_headers(head, std::string("HEAD ") + target);
    // No body follows: the next bytes on the connection are the answer to a
    // later request, not a body the HEAD left behind.
    c.send(request_text("GET", "/healthz"));
    EXPECT_TRUE(c.next_is_a_response(5s)) << target;
    EXPECT_EQ(c.receive().status, 200) << target;
    EXPECT_TRUE(c.nothing_received()) << target;
  }
  auto wrong = call(srv->port(), "DELETE", "/api/v1/internships");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.headers["allow"].find("HEAD"), std::string::npos) << wrong.headers["allow"];
}

TEST_F(OwaspHttpHeaders, a_body_over_64_kib_is_413) {
  auto r = call(srv->port(), "POST", "/api/v1/cart",
                R"({"products":[],"pad":")" + std::string(65 * 1024, 'x') + "\"}");
  EXPECT_TRUE(error_envelope(r.status, r.body, 413, 1413));
  expect_security_headers(r, "413");
}

TEST_F(OwaspHttpHeaders, deeply_nested_json_is_400_not_a_crash) {
  std::string deep = std::string(5000, '[') + std::string(5000, ']');
  auto r = call(srv->port(), "POST", "/api/v1/cart", R"({"products":)" + deep + "}");
  EXPECT_TRUE(error_envelope(r.status, r.body, 400, 1000));
  EXPECT_EQ(call(srv->port(), "GET", "/healthz").status, 200);
}

TEST_F(OwaspHttpHeaders, ten_thousand_headers_are_431_in_the_envelope_not_a_crash) {
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "X-Flood-" + std::to_string(i) + ": 1\r\n";
  raw_conn c(srv->port());
  ASSERT_TRUE(c.connected());
  c.send(request_text("GET", "/api/v1/internships", many));
  auto r = c.receive();
  EXPECT_TRUE(error_envelope(r.status, r.body, 431, 1431));
  expect_security_headers(r, "431");
  EXPECT_EQ(call(srv->port(), "GET", "/healthz").status, 200);
}

// The Razorpay hand-off page runs checkout.js and one inline script: its
// policy must name exactly those (the URL, the script's hash), never
// 'unsafe-inline' for scripts, and forbid framing.
TEST(OwaspHttpPages, the_razorpay_page_allows_its_scripts_by_url_and_hash_only) {
  auto fake = checkout::testing::fake_gateway::razorpay("rzp_test_owasp", "rzp-secret");
  e2e::server srv({{"PAYMENT_GATEWAY", "razorpay"},
                   {"RAZORPAY_KEY_ID", "rzp_test_owasp"},
                   {"RAZORPAY_KEY_SECRET", "rzp-secret"},
                   {"RAZORPAY_API_BASE", fake->base_url()}});
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("csp");
  auto placed = shop.place(user, shop.cart(user, shop.internship(30000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto url = json_expect::string_at(placed.json(), "data.order.payment.checkout_url");
  auto at = url.find("/api/v1/checkout/razorpay/");
  ASSERT_NE(at, std::string::npos) << url;

  auto page = call(srv.port(), "GET", url.substr(at));
  ASSERT_EQ(page.status, 200) << page.body;
  expect_security_headers(page, "razorpay page");
  auto csp = page.headers["content-security-policy"];
  auto open = page.body.rfind("<script>");
  auto close = page.body.find("</script>", open);
  ASSERT_NE(open, std::string::npos) << page.body;
  auto inline_script = page.body.substr(open + 8, close - open - 8);
  ASSERT_NE(inline_script.find("new Razorpay"), std::string::npos) << inline_script;

  auto directive = [&](const std::string& name) {
    auto from = csp.find(name + " ");
    if (from == std::string::npos) return std::string();
    return csp.substr(from, csp.find(';', from) - from);
  };
  auto script_src = directive("script-src");
  EXPECT_NE(script_src.find("https://checkout.razorpay.com/v1/checkout.js"), std::string::npos)
      << csp;
  EXPECT_NE(script_src.find(sha256_source(inline_script)), std::string::npos) << csp;
  EXPECT_EQ(script_src.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(script_src.find("*"), std::string::npos) << csp;
  EXPECT_NE(directive("frame-src").find("https://api.razorpay.com"), std::string::npos) << csp;
  EXPECT_EQ(directive("default-src"), "default-src 'none'") << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
}

// ---------------------------------------------------------- slow clients ----

class OwaspHttpSlowClients : public e2e::shared_server<OwaspHttpSlowClients> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"HTTP_HEADER_TIMEOUT", "1s"}, {"HTTP_BODY_TIMEOUT", "1s"}};
  }
};

TEST_F(OwaspHttpSlowClients, a_header_sent_a_byte_at_a_time_is_cut_at_the_header_deadline) {
  raw_conn c(srv->port());
  ASSERT_TRUE(c.connected());
  auto header =
      request_text("GET", "/api/v1/internships", "X-Slow: " + std::string(400, 'a') + "\r\n");
  auto lasted = dribble(c, header, 100ms);
  EXPECT_GE(lasted, 900ms);
  // Dribbling the whole header takes over 40 s; cut at the 1 s deadline it
  // ends far sooner. 10 s leaves room for a loaded machine.
  EXPECT_LT(lasted, 10s) << "a slowloris header was let go on";
  EXPECT_TRUE(c.closed_within(0ms));
  EXPECT_TRUE(c.nothing_received());  // cut, not answered
}

TEST_F(OwaspHttpSlowClients, a_body_sent_a_byte_at_a_time_is_cut_at_the_body_deadline) {
  raw_conn c(srv->port());
  ASSERT_TRUE(c.connected());
  c.send(
      "POST /api/v1/cart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 400\r\n\r\n");
  auto lasted = dribble(c, std::string(400, ' '), 100ms);
  EXPECT_GE(lasted, 900ms);
  // As above: the whole body would take 40 s; 10 s is room for a loaded machine.
  EXPECT_LT(lasted, 10s) << "a slow body was let go on";
  EXPECT_TRUE(c.nothing_received());
}

// ------------------------------------------------------------------ load ----

// Plain connected sockets, closed together.
struct idle_sockets {
  std::vector<int> fds;
  ~idle_sockets() {
    for (int fd : fds) ::close(fd);
  }
  bool open(unsigned short port, int n) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    for (int i = 0; i < n; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0) return false;
      if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return false;
      }
      fds.push_back(fd);
    }
    return true;
  }
  void send_all(const std::string& bytes) {
    for (int fd : fds) {
      [[maybe_unused]] auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
  }
  // How many the server has closed (EOF or reset) by now.
  int closed_by_server() const {
    int closed = 0;
    for (int fd : fds) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) {
        char b;
        if (::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) ++closed;
      }
    }
    return closed;
  }
};

// Connections the kernel has completed but the server has not accepted yet
// (the Recv-Q of its listening socket), or -1 when it cannot be read.
long accept_queue(unsigned short port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the column names
  while (std::getline(in, line)) {
    std::istringstream cols(line);
    std::string slot, local, remote, state, queues;
    cols >> slot >> local >> remote >> state >> queues;
    auto colon = local.find(':');
    if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
    if (std::stoul(local.substr(colon + 1), nullptr, 16) != port) continue;
    return std::stol(queues.substr(queues.find(':') + 1), nullptr, 16);
  }
  return -1;
}

// The soft descriptor limit of this process (and of the servers it starts).
void set_soft_descriptor_limit(rlim_t soft) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  lim.rlim_cur = std::min(soft, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

// The server starts with the common soft limit of 1024 descriptors (its
// hard limit is higher): it must raise it itself to hold 5,000 connections.
TEST(OwaspHttpLoad, five_thousand_idle_connections_do_not_slow_another_client_down) {
  set_soft_descriptor_limit(1024);
  auto srv = std::make_unique<e2e::server>(
      std::map<std::string, std::string>{{"RATE_LIMIT_IP", "0"}, {"MAX_CONNECTIONS", "10000"}});
  set_soft_descriptor_limit(RLIM_INFINITY);  // the test holds 5,000 sockets too
  const char* targets[] = {"/healthz", "/api/v1/internships?limit=5"};
  // Warm: the catalog's first read loads it from PostgreSQL, which is not
  // what this test measures.
  for (int i = 0; i < 10; ++i) ASSERT_EQ(call(srv->port(), "GET", targets[i % 2]).status, 200);

  idle_sockets silent, slow_header, slow_body;
  ASSERT_TRUE(silent.open(srv->port(), 4800));
  ASSERT_TRUE(slow_header.open(srv->port(), 100));
  ASSERT_TRUE(slow_body.open(srv->port(), 100));
  slow_header.send_all("GET /api/v1/internships HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
  slow_body.send_all(
      "POST /api/v1/cart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"pr");

  // connect() returns once the kernel has the connection; measure from when
  // the server holds all 5,000, not while it is still accepting the burst.
  ASSERT_TRUE(e2e::eventually([&] { return accept_queue(srv->port()) == 0; }, 5s))
      << accept_queue(srv->port()) << " connections not accepted yet";

  std::vector<double> ms;
  for (int i = 0; i < 100; ++i) {
    auto started = steady::now();
    auto r = call(srv->port(), "GET", targets[i % 2]);
    ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - started).count());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::sort(ms.begin(), ms.end());
  auto p50 = ms[ms.size() / 2];
  auto p99 = ms[ms.size() * 99 / 100];
  auto max = ms.back();
  std::printf(
      "[ figures  ] 5,000 idle connections: another client's p50 %.1f ms, p99 %.1f ms, "
      "max %.1f ms over %zu requests\n",
      p50, p99, max, ms.size());
  // How fast is bench/'s question. What this test holds is that nobody waits on
  // the slow clients: a server that did would keep a request for the 10 s
  // header or 30 s body deadline. 2 s is far below that and leaves room for
  // a loaded 2-core machine.
  EXPECT_LT(max, 2000.0);
  // None of the 5,000 was refused or cut meanwhile: the server held them all.
  EXPECT_EQ(
      silent.closed_by_server() + slow_header.closed_by_server() + slow_body.closed_by_server(), 0);
}

class OwaspHttpConnectionCap : public e2e::shared_server<OwaspHttpConnectionCap> {
 public:
  static std::map<std::string, std::string> env() { return {{"MAX_CONNECTIONS", "40"}}; }
};

TEST_F(OwaspHttpConnectionCap, connections_over_max_connections_are_503_and_closed) {
  idle_sockets held;
  ASSERT_TRUE(held.open(srv->port(), 40));
  // Accepting is asynchronous: the server counts all 40 once it took them.
  ASSERT_TRUE(e2e::eventually([&] { return accept_queue(srv->port()) == 0; }, 5s));
  raw_conn over(srv->port());
  ASSERT_TRUE(over.connected());
  auto r = over.receive();
  EXPECT_TRUE(error_envelope(r.status, r.body, 503, 9503));
  EXPECT_FALSE(r.headers["retry-after"].empty());
  EXPECT_TRUE(over.closed_within(2s));
  EXPECT_EQ(held.closed_by_server(), 0);

  for (int fd : held.fds) ::close(fd);
  held.fds.clear();
  EXPECT_TRUE(e2e::eventually(
      [&] {
        try {
          return call(srv->port(), "GET", "/healthz").status == 200;
        } catch (...) {
          return false;
        }
      },
      3s));
}

// ---------------------------------------------------------------- readyz ----

using checkout::messaging::testing::address_of;
using checkout::messaging::testing::tcp_proxy;
using checkout::messaging::testing::url_via;

std::string user_of(const std::string& url) {
  auto start = url.find("://") + 3;
  return url.substr(start, url.find_first_of(":@", start) - start);
}

TEST(OwaspHttpReadyz, a_failing_part_is_named_without_host_user_or_server_message) {
  auto db_url = test_services::database_url();
  auto amqp_url = test_services::amqp_url();
  auto db = std::make_unique<tcp_proxy>(address_of(db_url));
  auto broker = std::make_unique<tcp_proxy>(address_of(amqp_url));
  std::vector<std::string> secrets = {"127.0.0.1",
                                      "localhost",
                                      std::to_string(db->port()),
                                      std::to_string(broker->port()),
                                      user_of(db_url),
                                      user_of(amqp_url),
                                      "refused",
                                      "failed"};
  e2e::server srv({{"DATABASE_URL", url_via(db_url, db->port())},
                   {"AMQP_URL", url_via(amqp_url, broker->port())},
                   {"READYZ_TIMEOUT", "500ms"}});
  ASSERT_EQ(call(srv.port(), "GET", "/readyz").status, 200);

  // Both gone: connections cut, new ones refused (the libpq and AMQP errors
  // then name the host and port).
  db.reset();
  broker.reset();
  reply r;
  auto names_both = [&] {
    // A fixed correlation id: a random one could hold a port's digits.
    r = call(srv.port(), "GET", "/readyz", {}, {{"X-Correlation-ID", "readyz-check"}});
    return r.status == 503 && r.body.find("database") != std::string::npos &&
           r.body.find("broker") != std::string::npos;
  };
  ASSERT_TRUE(e2e::eventually(names_both, 10s)) << r.status << " " << r.body;
  EXPECT_TRUE(error_envelope(r.status, r.body, 503, 9503));
  auto d = r.json();
  ASSERT_TRUE(json_expect::is(d, "error.validation_messages", json_expect::kind::array));
  std::set<std::string> messages;
  for (auto& m : d["error"]["validation_messages"].GetArray())
    messages.insert(m.IsString() ? m.GetString() : "(not a string)");
  EXPECT_EQ(messages, (std::set<std::string>{"database: unavailable", "broker: unavailable"}))
      << r.body;
  for (const auto& s : secrets)
    EXPECT_EQ(r.body.find(s), std::string::npos) << s << " in " << r.body;
}

}  // namespace
