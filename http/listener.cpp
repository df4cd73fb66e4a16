#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <string>

#include "http/correlation_id.hpp"
#include "http/envelope.hpp"
#include "http/security_headers.hpp"

namespace checkout::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accept errors such as EMFILE repeat at once; pausing keeps the loop from
// spinning a core while descriptors are exhausted.
constexpr std::chrono::milliseconds accept_backoff{100};
// A flood of refusals logs one line per this long, with the running count.
constexpr std::chrono::seconds refusal_log_interval{10};

// The whole answer to a connection over the cap, written without waiting: a
// fresh socket's send buffer always has room for it.
std::string over_capacity_answer() {
  auto cid = correlation_id_for({});
  auto body = error_body({503, 9503, "Too many connections.", {}, true, "Retry shortly."}, cid);
  std::string out =
      "HTTP/1.1 503 Service Unavailable\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) +
      "\r\n"
      "Connection: close\r\n"
      "Retry-After: 1\r\n"
      "X-Correlation-ID: " +
      cid + "\r\n";
  for (const auto& [name, value] : security_headers("application/json", {}))
    out += name + ": " + value + "\r\n";
  return out + "\r\n" + body;
}

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
  if (cfg_->connections->live.load(std::memory_order_relaxed) >= cfg_->max_connections) {
    refuse(socket);
  } else {
    std::make_shared<session>(std::move(socket), cfg_)->run();
  }
  accept();
}

void listener::refuse(tcp::socket& socket) {
  auto refused = cfg_->connections->refused.fetch_add(1, std::memory_order_relaxed) + 1;
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ >= refusal_log_interval) {
    last_refusal_log_ = now;
    spdlog::warn("connection refused: {} connections open (MAX_CONNECTIONS); {} refused so far",
                 cfg_->max_connections, refused);
  }
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.send(net::buffer(over_capacity_answer()), 0, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void listener::on_backoff(boost::system::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  accept();
}

}  // namespace checkout::http
