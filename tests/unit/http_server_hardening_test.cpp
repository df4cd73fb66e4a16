// The server's protections on 127.0.0.1 (CONTRACT §13 and the resource
// limits): security and CORS headers on every answer, HEAD and OPTIONS, the
// header size limit, whole-message deadlines for slow clients, the
// connection cap. Raw sockets, so nothing here is hidden by a client library.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/envelope.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace checkout::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct raw_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = false;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A plain blocking socket with deadlines of its own: a test must fail, not
// hang, when the server keeps a connection it should have cut.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
  }

  void send(const std::string& bytes) {
    boost::system::error_code ec;
    net::write(socket_, net::buffer(bytes), ec);
  }
  bool try_send(const std::string& bytes) {
    boost::system::error_code ec;
    net::write(socket_, net::buffer(bytes), ec);
    return !ec;
  }

  // Bytes until `pred(buffer)` holds, EOF/reset, or the deadline.
  template <class Pred>
  bool read_until(Pred pred, std::chrono::milliseconds limit) {
    auto until = steady::now() + limit;
    while (!pred(in_)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
      if (left.count() <= 0) return false;
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char chunk[65536];
      auto n = ::recv(socket_.native_handle(), chunk, sizeof chunk, 0);
      if (n <= 0) {
        eof_ = true;
        return pred(in_);
      }
      in_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; `head` when it answers a HEAD (no body whatever the length).
  raw_reply receive(bool head = false, std::chrono::milliseconds limit = 3s) {
    raw_reply r;
    if (!read_until([](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; },
                    limit))
      return r;
    auto end = in_.find("\r\n\r\n");
    std::string head_text = in_.substr(0, end);
    in_.erase(0, end + 4);
    auto line_end = head_text.find("\r\n");
    r.status = std::stoi(head_text.substr(9, 3));
    std::size_t at = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (at < head_text.size()) {
      auto next = head_text.find("\r\n", at);
      if (next == std::string::npos) next = head_text.size();
      auto line = head_text.substr(at, next - at);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        auto& slot = r.headers[lower(line.substr(0, colon))];
        slot = slot.empty() ? value : slot + ", " + value;
      }
      at = next + 2;
    }
    std::size_t length = 0;
    if (r.headers.count("content-length")) length = std::stoul(r.headers["content-length"]);
    if (head) length = 0;
    if (!read_until([&](const std::string& b) { return b.size() >= length; }, limit)) return r;
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    r.complete = true;
    return r;
  }

  // Whether the server closes the connection within `limit` (bytes it sends
  // meanwhile are kept).
  bool closed_within(std::chrono::milliseconds limit) {
    read_until([this](const std::string&) { return eof_; }, limit);
    return eof_;
  }
  bool unread_bytes() const { return !in_.empty(); }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  std::string in_;
  bool eof_ = false;
};

std::string get(const std::string& target, const std::string& extra = {},
                const std::string& method = "GET") {
  return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

class HttpHardening : public ::testing::Test {
 protected:
  void start(server_options opts) {
    auto routes = std::make_shared<router>();
    routes->add("GET", "/api/v1/ping", [](request&& req, responder r) {
      r.send(ok(req, 200, [](json_writer& w) {
        w.Key("pong");
        w.Bool(true);
      }));
    });
    routes->add("POST", "/api/v1/echo", [](request&& req, responder r) {
      r.send(ok(req, 200, [&](json_writer& w) {
        w.Key("size");
        w.Uint64(req.body.size());
      }));
    });
    routes->add("GET", "/page", [](request&&, responder r) {
      response res;
      res.content_type = "text/html; charset=utf-8";
      res.body = "<!doctype html><p>hi</p>";
      res.headers.emplace_back("Content-Security-Policy", "default-src 'none'");
      res.headers.emplace_back("Access-Control-Allow-Origin", "*");  // not the route's to set
      r.send(std::move(res));
    });
    routes->add("GET", "/never", [](request&&, responder) {});
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.threads = 2;
    srv_ = std::make_unique<server>(opts, routes);
    ASSERT_TRUE(srv_->start());
    port_ = srv_->port();
  }

  server_options defaults() {
    server_options o;
    o.cors_allowed_origins = {"https://shop.example.com"};
    o.response_timeout = 300ms;
    return o;
  }

  void SetUp() override { start(defaults()); }

  std::unique_ptr<server> srv_;
  std::uint16_t port_ = 0;
};

void expect_security_headers(const raw_reply& r) {
  auto h = r.headers;
  EXPECT_EQ(h["x-content-type-options"], "nosniff") << r.status;
  EXPECT_EQ(h["referrer-policy"], "no-referrer") << r.status;
  EXPECT_EQ(h["cache-control"], "no-store") << r.status;
  EXPECT_NE(h["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos)
      << r.status;
}

TEST_F(HttpHardening, EveryAnswerCarriesTheSecurityHeaders) {
  raw_client c(port_);
  c.send(get("/api/v1/ping"));
  auto ok = c.receive();
  EXPECT_EQ(ok.status, 200);
  expect_security_headers(ok);
  c.send(get("/api/v1/nope"));
  auto missing = c.receive();
  EXPECT_EQ(missing.status, 404);
  expect_security_headers(missing);
  c.send(get("/never"));
  auto late = c.receive();
  EXPECT_EQ(late.status, 503);
  expect_security_headers(late);
  c.send("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto bad = c.receive();
  EXPECT_EQ(bad.status, 400);
  expect_security_headers(bad);
}

TEST_F(HttpHardening, HtmlKeepsItsPolicyWithFramingForbiddenAndNoRouteSetCors) {
  raw_client c(port_);
  c.send(get("/page"));
  auto r = c.receive();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(r.headers["x-frame-options"], "DENY");
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  expect_security_headers(r);
}

TEST_F(HttpHardening, AllowedOriginGetsCorsHeadersOnSuccessesAndErrors) {
  raw_client c(port_);
  const std::string origin = "Origin: https://shop.example.com\r\n";
  for (auto target : {"/api/v1/ping", "/api/v1/nope", "/never"}) {
    c.send(get(target, origin));
    auto r = c.receive();
    EXPECT_EQ(r.headers["access-control-allow-origin"], "https://shop.example.com") << target;
    EXPECT_EQ(r.headers["vary"], "Origin") << target;
    EXPECT_EQ(r.headers["access-control-expose-headers"],
              "X-Correlation-ID, Idempotent-Replayed, Retry-After")
        << target;
  }
  raw_client big(port_);
  big.send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n" + origin + "Content-Length: 70000\r\n\r\n" +
           std::string(70000, 'x'));
  auto r = big.receive();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers["access-control-allow-origin"], "https://shop.example.com");
}

TEST_F(HttpHardening, OtherOriginsGetNoAccessControlHeader) {
  raw_client c(port_);
  c.send(get("/api/v1/ping", "Origin: https://evil.example.com\r\n"));
  auto r = c.receive();
  EXPECT_EQ(r.status, 200);
  for (const auto& [name, value] : r.headers)
    EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << name;
}

TEST_F(HttpHardening, PreflightFromAllowedOriginIs204AndFromOthers403) {
  raw_client c(port_);
  c.send(get("/api/v1/echo",
             "Origin: https://shop.example.com\r\nAccess-Control-Request-Method: POST\r\n"
             "Access-Control-Request-Headers: content-type, idempotency-key\r\n",
             "OPTIONS"));
  auto yes = c.receive();
  EXPECT_EQ(yes.status, 204);
  EXPECT_EQ(yes.headers["access-control-allow-origin"], "https://shop.example.com");
  EXPECT_NE(yes.headers["access-control-allow-headers"].find("Idempotency-Key"), std::string::npos);
  EXPECT_FALSE(yes.headers["access-control-allow-methods"].empty());
  EXPECT_FALSE(yes.headers["access-control-max-age"].empty());
  EXPECT_EQ(yes.headers.count("content-length"), 0u);
  EXPECT_TRUE(yes.body.empty());

  c.send(get("/api/v1/echo",
             "Origin: https://evil.example.com\r\nAccess-Control-Request-Method: POST\r\n",
             "OPTIONS"));
  auto no = c.receive();
  EXPECT_EQ(no.status, 403);
  EXPECT_NE(no.body.find("\"code\":1403"), std::string::npos) << no.body;
  for (const auto& [name, value] : no.headers)
    EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << name;
}

TEST_F(HttpHardening, PlainOptionsIs204WithAllow) {
  raw_client c(port_);
  c.send(get("/api/v1/ping", {}, "OPTIONS"));
  auto r = c.receive();
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD, OPTIONS");
  c.send(get("/api/v1/nope", {}, "OPTIONS"));
  EXPECT_EQ(c.receive().status, 404);
}

TEST_F(HttpHardening, HeadIsTheGetWithoutItsBody) {
  raw_client c(port_);
  c.send(get("/api/v1/ping"));
  auto full = c.receive();
  c.send(get("/api/v1/ping", {}, "HEAD"));
  auto head = c.receive(true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(full.body.size()));
  EXPECT_EQ(head.headers["content-type"], "application/json");
  expect_security_headers(head);
  // No body followed: the next answer on the connection parses cleanly.
  c.send(get("/api/v1/ping"));
  auto after = c.receive();
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body.substr(0, 10), full.body.substr(0, 10));
  c.send(get("/api/v1/nope", {}, "HEAD"));
  auto missing = c.receive(true);
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(c.read_until([](const std::string& b) { return !b.empty(); }, 200ms));
}

TEST_F(HttpHardening, MethodNotAllowedListsHeadBesideGet) {
  raw_client c(port_);
  c.send(get("/api/v1/ping", {}, "DELETE"));
  auto r = c.receive();
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD, OPTIONS");
}

TEST_F(HttpHardening, TenThousandHeadersAre431AndTheServerCarriesOn) {
  raw_client c(port_);
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  c.try_send(get("/api/v1/ping", "Origin: https://shop.example.com\r\n" + many));
  auto r = c.receive();
  EXPECT_EQ(r.status, 431);
  EXPECT_NE(r.body.find("\"code\":1431"), std::string::npos) << r.body;
  expect_security_headers(r);
  EXPECT_TRUE(c.closed_within(3s));

  raw_client next(port_);
  next.send(get("/api/v1/ping"));
  EXPECT_EQ(next.receive().status, 200);
}

TEST_F(HttpHardening, HeadersJustUnderTheLimitAreServed) {
  raw_client c(port_);
  c.send(get("/api/v1/ping", "X-Big: " + std::string(15 * 1024, 'a') + "\r\n"));
  EXPECT_EQ(c.receive().status, 200);
}

class HttpSlowClients : public HttpHardening {
 protected:
  void SetUp() override {
    auto o = defaults();
    o.header_timeout = 400ms;
    o.body_timeout = 400ms;
    o.idle_timeout = 1200ms;
    start(o);
  }
};

// Sends `bytes` one at a time every `gap` until the server closes; how long
// the server let it go on.
std::chrono::milliseconds dribble(raw_client& c, const std::string& bytes,
                                  std::chrono::milliseconds gap) {
  auto started = steady::now();
  for (char b : bytes) {
    if (!c.try_send(std::string(1, b))) break;
    if (c.closed_within(gap)) break;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
}

TEST_F(HttpSlowClients, AHeaderDribbledByteByByteIsCutAtTheHeaderDeadline) {
  raw_client c(port_);
  auto lasted = dribble(c, get("/api/v1/ping", "X-Slow: " + std::string(200, 'a') + "\r\n"), 50ms);
  EXPECT_GE(lasted, 350ms);
  EXPECT_LT(lasted, 900ms);
  EXPECT_TRUE(c.closed_within(0ms));
}

TEST_F(HttpSlowClients, ASilentNewConnectionIsCutAtTheHeaderDeadline) {
  raw_client c(port_);
  auto started = steady::now();
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_LT(steady::now() - started, 900ms);
}

TEST_F(HttpSlowClients, ABodyDribbledByteByByteIsCutAtTheBodyDeadline) {
  raw_client c(port_);
  c.send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n");
  auto lasted = dribble(c, std::string(200, 'b'), 50ms);
  EXPECT_GE(lasted, 350ms);
  EXPECT_LT(lasted, 900ms);
  EXPECT_FALSE(c.unread_bytes());  // cut, not answered
}

TEST_F(HttpSlowClients, AKeptAliveConnectionMayIdleLongerThanTheHeaderDeadline) {
  raw_client c(port_);
  c.send(get("/api/v1/ping"));
  EXPECT_EQ(c.receive().status, 200);
  std::this_thread::sleep_for(700ms);  // past header_timeout, within idle_timeout
  c.send(get("/api/v1/ping"));
  EXPECT_EQ(c.receive().status, 200);
  auto started = steady::now();
  EXPECT_TRUE(c.closed_within(3s));
  auto idle = steady::now() - started;
  EXPECT_GE(idle, 1000ms);
  EXPECT_LT(idle, 1800ms);
}

TEST_F(HttpSlowClients, OnAKeptAliveConnectionTheHeaderDeadlineRunsFromItsFirstByte) {
  raw_client c(port_);
  c.send(get("/api/v1/ping"));
  EXPECT_EQ(c.receive().status, 200);
  std::this_thread::sleep_for(100ms);
  auto lasted = dribble(c, get("/api/v1/ping", "X-Slow: " + std::string(200, 'a') + "\r\n"), 50ms);
  EXPECT_GE(lasted, 350ms);
  EXPECT_LT(lasted, 900ms);
}

class HttpConnectionCap : public HttpHardening {
 protected:
  void SetUp() override {
    auto o = defaults();
    o.max_connections = 3;
    start(o);
  }
};

TEST_F(HttpConnectionCap, ConnectionsOverTheCapAre503AndClosedUntilOneLeaves) {
  std::vector<std::unique_ptr<raw_client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<raw_client>(port_));
    held.back()->send(get("/api/v1/ping"));
    ASSERT_EQ(held.back()->receive().status, 200);
  }
  EXPECT_EQ(srv_->open_connections(), 3);
  raw_client over(port_);
  auto r = over.receive();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("\"code\":9503"), std::string::npos) << r.body;
  EXPECT_EQ(r.headers["retry-after"], "1");
  expect_security_headers(r);
  EXPECT_TRUE(over.closed_within(1s));
  EXPECT_EQ(srv_->refused_connections(), 1);

  held.pop_back();  // one leaves: room again
  ASSERT_TRUE([&] {
    for (int i = 0; i < 100 && srv_->open_connections() > 2; ++i) std::this_thread::sleep_for(10ms);
    return srv_->open_connections() == 2;
  }());
  raw_client again(port_);
  again.send(get("/api/v1/ping"));
  EXPECT_EQ(again.receive().status, 200);
}

}  // namespace
}  // namespace checkout::http
