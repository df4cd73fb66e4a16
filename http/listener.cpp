#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace checkout::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accept errors such as EMFILE repeat at once; pausing keeps the loop from
// spinning a core while descriptors are exhausted.
constexpr std::chrono::milliseconds accept_backoff{100};

}  // namespace

listener::listener(net::io_context& ioc, std::shared_ptr<const session_config> cfg)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      backoff_(acceptor_.get_executor()),
      cfg_(std::move(cfg)) {}

boost::system::error_code listener::open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

std::uint16_t listener::port() const {
  boost::system::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void listener::run() {
  accept();
}

void listener::accept() {
  acceptor_.async_accept(net::make_strand(ioc_), boost::beast::bind_front_handler(
                                                     &listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    spdlog::warn("accept failed: {}", ec.message());
    backoff_.expires_after(accept_backoff);
    backoff_.async_wait(
        boost::beast::bind_front_handler(&listener::on_backoff, shared_from_this()));
    return;
  }
  std::make_shared<session>(std::move(socket), cfg_)->run();
  accept();
}

void listener::on_backoff(boost::system::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  accept();
}

}  // namespace checkout::http
