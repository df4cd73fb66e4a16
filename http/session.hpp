// One HTTP/1.1 connection: reads a request, hands it to the router, writes the
// response when the responder fires (on the connection's strand), repeats
// while keep-alive. Nothing here blocks an I/O thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/errors.hpp"
#include "http/connection_count.hpp"
#include "http/cors.hpp"
#include "http/handoff_gate.hpp"
#include "http/router.hpp"

namespace checkout::http {

// What every connection of one server shares.
struct session_config {
  std::size_t body_limit = 64 * 1024;
  // The request line and every header field together.
  std::uint32_t header_limit = 16 * 1024;
  // Deadlines are totals, not per read: a client dribbling a byte at a time
  // is cut when the whole header (or body) has not arrived in time.
  // A new connection's header must arrive within header_timeout; on a kept-
  // alive one the next request may be idle_timeout in coming, and its header
  // must then complete within header_timeout of its first byte.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  // Writing one response (a client that stops reading is cut).
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds response_timeout{60000};
  // Connections beyond this are refused at accept.
  std::int64_t max_connections = 10000;
  std::function<void(const std::string& route, int status, double seconds)> on_response;
  std::shared_ptr<const router> routes;
  std::shared_ptr<handoff_gate> gate;
  cors_policy cors;
  std::shared_ptr<connection_count> connections = std::make_shared<connection_count>();
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const session_config> cfg);
  void run();

 private:
  using clock = std::chrono::steady_clock;
  using body_response = boost::beast::http::response<boost::beast::http::string_body>;

  void await_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec);
  void handle_request();
  responder::sink make_sink(std::uint64_t seq);
  void deliver(std::uint64_t seq, response r);
  void on_response_timeout(std::uint64_t seq, boost::beast::error_code ec);
  void reject(const error_view& view);
  void write(response r, bool then_close);
  void on_write(bool then_close, boost::beast::error_code ec, std::size_t bytes);
  void report(int status);
  void drain();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);
  void close();

  counted_connection counted_;
  boost::beast::tcp_stream stream_;
  const boost::beast::tcp_stream::executor_type strand_;
  boost::asio::steady_timer response_timer_;
  std::shared_ptr<const session_config> cfg_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  body_response res_;

  // The request being answered; seq_ tells a late response from a current one.
  std::uint64_t seq_ = 0;
  bool pending_ = false;
  std::optional<counted_request> answering_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;       // a HEAD answered as its GET, without the body
  bool preflight_ = false;  // a CORS preflight: its 204 gets the preflight headers
  std::string origin_;      // the request's Origin (CORS)
  std::string correlation_id_;
  std::string route_;
  clock::time_point started_{};
  std::size_t drained_ = 0;
};

}  // namespace checkout::http
