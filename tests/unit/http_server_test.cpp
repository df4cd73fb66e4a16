// The Beast server end to end on 127.0.0.1 with a plain synchronous client.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <vector>

#include "http/envelope.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace checkout::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using client_response = bhttp::response<bhttp::string_body>;

std::string str(beast::string_view s) {
  return std::string(s.data(), s.size());
}

// One keep-alive connection.
class client {
 public:
  explicit client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
  }

  client_response send(bhttp::request<bhttp::string_body> req) {
    req.set(bhttp::field::host, "127.0.0.1");
    req.prepare_payload();
    bhttp::write(socket_, req);
    return receive();
  }

  client_response get(const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    for (const auto& [k, v] : headers) req.set(k, v);
    return send(std::move(req));
  }

  client_response receive() {
    client_response res;
    bhttp::read(socket_, buffer_, res);
    return res;
  }

  // True when the server has closed the connection (EOF or reset).
  bool closed_by_server() {
    client_response res;
    beast::error_code ec;
    bhttp::read(socket_, buffer_, res, ec);
    return static_cast<bool>(ec);
  }

  void write_raw(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }

  std::string read_head_raw() {
    std::string out;
    char chunk[256];
    while (out.find("\r\n\r\n") == std::string::npos) {
      auto n = socket_.read_some(net::buffer(chunk));
      out.append(chunk, n);
    }
    return out;
  }

  tcp::socket& socket() { return socket_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

bool has_code(const client_response& res, int code) {
  return res.body().find("\"code\":" + std::to_string(code) + ",") != std::string::npos;
}

const std::regex uuid_shape(
    "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto routes = std::make_shared<router>();
    routes->add("GET", "/api/v1/ping", [](request&& req, responder r) {
      r.send(ok(req, 200, [](json_writer& w) {
        w.Key("pong");
        w.Bool(true);
      }));
    });
    // Answers from another thread after a delay, as an actor would.
    routes->add("GET", "/api/v1/slow", [this](request&& req, responder r) {
      std::lock_guard<std::mutex> lock(mutex_);
      workers_.emplace_back([req = std::move(req), r] {
        std::this_thread::sleep_for(50ms);
        r.send(ok(req, 200, [](json_writer& w) {
          w.Key("late");
          w.Bool(true);
        }));
      });
    });
    routes->add("POST", "/api/v1/echo", [](request&& req, responder r) {
      r.send(ok(req, 200, [&](json_writer& w) {
        w.Key("size");
        w.Uint64(req.body.size());
      }));
    });
    routes->add("GET", "/api/v1/items/{id}", [](request&& req, responder r) {
      r.send(ok(req, 200, [&](json_writer& w) {
        w.Key("id");
        w.String(req.params["id"]);
        w.Key("q");
        w.String(req.query["q"]);
      }));
    });
    routes->add("POST", "/api/v1/park", [this](request&&, responder r) {
      std::lock_guard<std::mutex> lock(mutex_);
      parked_ = r;
      parked_signal_.set_value();
    });
    routes->add("GET", "/api/v1/never", [](request&&, responder) {});
    routes_ = routes;

    server_options opts;
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.threads = 2;
    opts.on_response = [this](const std::string& route, int status, double seconds) {
      std::lock_guard<std::mutex> lock(mutex_);
      answered_.emplace_back(route, status);
      EXPECT_GE(seconds, 0.0);
    };
    server_ = std::make_unique<server>(opts, routes_);
    ASSERT_TRUE(server_->start());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  void TearDown() override {
    server_.reset();
    for (auto& t : workers_) t.join();
  }

  std::vector<std::pair<std::string, int>> answered() {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_;
  }

  std::shared_ptr<router> routes_;
  std::unique_ptr<server> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<std::pair<std::string, int>> answered_;
  std::optional<responder> parked_;
  std::promise<void> parked_signal_;
};

TEST_F(HttpServer, AnswersFromAnotherThread) {
  client c(port_);
  auto started = std::chrono::steady_clock::now();
  auto res = c.get("/api/v1/slow");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(str(res[bhttp::field::content_type]), "application/json");
  EXPECT_EQ(str(res[bhttp::field::content_length]), std::to_string(res.body().size()));
  auto cid = str(res["X-Correlation-ID"]);
  EXPECT_TRUE(std::regex_match(cid, uuid_shape)) << cid;
  EXPECT_EQ(res.body(), R"({"status":200,"success":true,"data":{"late":true},"correlation_id":")" +
                            cid + "\"}");
}

TEST_F(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  client c(port_);
  auto first = c.get("/api/v1/ping");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_TRUE(first.keep_alive());
  auto second = c.get("/api/v1/slow");
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_NE(second.body().find("\"late\":true"), std::string::npos);
  EXPECT_TRUE(second.keep_alive());
  auto third = c.get("/api/v1/ping", {{"Connection", "close"}});
  EXPECT_EQ(third.result_int(), 200);
  EXPECT_FALSE(third.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServer, BodyAtTheLimitIsAccepted) {
  client c(port_);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/echo", 11};
  req.body() = std::string(64 * 1024, 'x');
  auto res = c.send(std::move(req));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("\"size\":65536"), std::string::npos);
}

TEST_F(HttpServer, OversizedBodyIs413AndCloses) {
  client c(port_);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/echo", 11};
  req.set("X-Correlation-ID", "big-upload-1");
  req.body() = std::string(70 * 1024, 'x');
  auto res = c.send(std::move(req));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_TRUE(has_code(res, 1413)) << res.body();
  EXPECT_NE(res.body().find("\"success\":false"), std::string::npos);
  EXPECT_EQ(str(res["X-Correlation-ID"]), "big-upload-1");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServer, OversizedChunkedBodyIs413) {
  client c(port_);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/echo", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.body() = std::string(70 * 1024, 'x');
  req.chunked(true);
  bhttp::write(c.socket(), req);
  auto res = c.receive();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_TRUE(has_code(res, 1413)) << res.body();
}

TEST_F(HttpServer, CorrelationIdEchoedWhenValid) {
  client c(port_);
  auto res = c.get("/api/v1/ping", {{"X-Correlation-ID", "req-42.a_B"}});
  EXPECT_EQ(str(res["X-Correlation-ID"]), "req-42.a_B");
  EXPECT_NE(res.body().find(R"("correlation_id":"req-42.a_B")"), std::string::npos);
}

TEST_F(HttpServer, CorrelationIdReplacedWhenInvalid) {
  client c(port_);
  for (const std::string& bad :
       {std::string(200, 'a'), std::string("has space"), std::string("semi;colon")}) {
    auto res = c.get("/api/v1/ping", {{"X-Correlation-ID", bad}});
    auto cid = str(res["X-Correlation-ID"]);
    EXPECT_NE(cid, bad);
    EXPECT_TRUE(std::regex_match(cid, uuid_shape)) << cid;
    EXPECT_NE(res.body().find("\"correlation_id\":\"" + cid + "\""), std::string::npos);
  }
}

TEST_F(HttpServer, UnknownRouteIs404AndWrongMethod405) {
  client c(port_);
  auto res = c.get("/api/v1/nope");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_TRUE(has_code(res, 1404)) << res.body();
  EXPECT_TRUE(res.keep_alive());

  bhttp::request<bhttp::string_body> del{bhttp::verb::delete_, "/api/v1/ping", 11};
  auto wrong = c.send(std::move(del));
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_TRUE(has_code(wrong, 1405)) << wrong.body();
  // HEAD and OPTIONS are answered wherever the router knows the path (GET).
  EXPECT_EQ(str(wrong[bhttp::field::allow]), "GET, HEAD, OPTIONS");

  auto seen = answered();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::pair<std::string, int>{"unmatched", 404}));
  EXPECT_EQ(seen[1], (std::pair<std::string, int>{"/api/v1/ping", 405}));
}

TEST_F(HttpServer, PathAndQueryAreDecoded) {
  client c(port_);
  auto res = c.get("/api/v1/items/a%20b/?q=x+y%26z");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find(R"("id":"a b","q":"x y&z")"), std::string::npos) << res.body();
  auto seen = answered();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], (std::pair<std::string, int>{"/api/v1/items/{id}", 200}));
}

TEST_F(HttpServer, MalformedRequestIs400Envelope) {
  client c(port_);
  c.write_raw("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto res = c.receive();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(has_code(res, 1000)) << res.body();
  EXPECT_FALSE(str(res["X-Correlation-ID"]).empty());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServer, ExpectContinueIsHonoured) {
  client c(port_);
  c.write_raw(
      "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = c.read_head_raw();
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  c.write_raw("hello");
  auto res = c.receive();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("\"size\":5"), std::string::npos);
}

TEST_F(HttpServer, ManyClientsAtOnce) {
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int i = 0; i < 6; ++i) {
    clients.emplace_back([&] {
      client c(port_);
      for (int k = 0; k < 3; ++k) {
        auto res = c.get(k % 2 ? "/api/v1/ping" : "/api/v1/slow");
        if (res.result_int() == 200) good.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 18);
}

TEST_F(HttpServer, ResponderFiredAfterTheServerIsGoneIsHarmless) {
  client c(port_);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/park", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.prepare_payload();
  bhttp::write(c.socket(), req);
  ASSERT_EQ(parked_signal_.get_future().wait_for(2s), std::future_status::ready);
  server_.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  ASSERT_TRUE(parked_);
  parked_->send(response{});
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServerTimeout, SilentHandlerGets503) {
  auto routes = std::make_shared<router>();
  routes->add("GET", "/never", [](request&&, responder) {});
  server_options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  opts.response_timeout = 100ms;
  server srv(opts, routes);
  ASSERT_TRUE(srv.start());
  client c(srv.port());
  auto res = c.get("/never");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_TRUE(has_code(res, 9504)) << res.body();
  EXPECT_NE(res.body().find("\"retryable\":true"), std::string::npos);
  // The connection stays usable.
  EXPECT_TRUE(res.keep_alive());
}

TEST(HttpServerLifecycle, BindFailureAndStopAreClean) {
  auto routes = std::make_shared<router>();
  server_options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  server first(opts, routes);
  ASSERT_TRUE(first.start());
  EXPECT_FALSE(first.start());  // only once

  opts.port = first.port();
  server second(opts, routes);
  EXPECT_FALSE(second.start());  // the port is taken

  opts.host = "not-an-address";
  server third(opts, routes);
  EXPECT_FALSE(third.start());

  first.stop();
  first.stop();  // idempotent
}

}  // namespace
}  // namespace checkout::http
