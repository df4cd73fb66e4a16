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
#include "http/handoff_gate.hpp"
#include "http/router.hpp"

namespace checkout::http {

// What every connection of one server shares.
struct session_config {
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::milliseconds response_timeout{60000};
  std::function<void(const std::string& route, int status, double seconds)> on_response;
  std::shared_ptr<const router> routes;
  std::shared_ptr<handoff_gate> gate;
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const session_config> cfg);
  void run();

 private:
  using clock = std::chrono::steady_clock;
  using body_response = boost::beast::http::response<boost::beast::http::string_body>;

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
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::string correlation_id_;
  std::string route_;
  clock::time_point started_{};
  std::size_t drained_ = 0;
};

}  // namespace checkout::http
