// Accepts connections and starts a session for each, each on its own strand.
// Over the connection cap a new connection is answered 503 and closed at once:
// it costs a descriptor for microseconds, never a session.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "http/session.hpp"

namespace checkout::http {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, std::shared_ptr<const session_config> cfg);
  // Opens, binds and listens.
  boost::system::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  void run();
  std::uint16_t port() const;

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_backoff(boost::system::error_code ec);
  void refuse(boost::asio::ip::tcp::socket& socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::shared_ptr<const session_config> cfg_;
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace checkout::http
