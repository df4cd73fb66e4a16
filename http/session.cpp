#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <string_view>

#include "config/log_context.hpp"
#include "http/ascii.hpp"
#include "http/correlation_id.hpp"
#include "http/envelope.hpp"
#include "http/options.hpp"
#include "http/security_headers.hpp"
#include "http/uri.hpp"

namespace checkout::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

// The route label for requests no route answered (404, 400, 413).
const char* const unmatched_route = "unmatched";
// After an error response the rest of the request is read and dropped for a
// while, so the client sees the response rather than a reset.
constexpr std::size_t max_drain_bytes = 1024 * 1024;
constexpr std::chrono::seconds drain_timeout{2};

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

// Framing, identity and security headers belong to the server; a CR or LF in
// a value would split the response.
bool allowed_extra_header(const std::string& name, const std::string& value) {
  for (const char* owned :
       {"Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "X-Correlation-ID"}) {
    if (iequals(name, owned)) return false;
  }
  if (server_owned_header(name)) return false;
  return name.find_first_of("\r\n:") == std::string::npos &&
         value.find_first_of("\r\n") == std::string::npos;
}

error_view bad_request(const beast::error_code& ec) {
  return {400,
          1000,
          "Malformed HTTP request.",
          {ec.message()},
          false,
          "Send a valid HTTP/1.1 request."};
}

error_view headers_too_large() {
  return {431, 1431,  "Request header fields too large.",
          {},  false, "Send at most 16 KiB of request line and headers."};
}

// Statuses whose answer never has a body (nor Content-Length).
bool bodiless(int status) {
  return status < 200 || status == 204 || status == 304;
}

response envelope_response(const error_view& err, const std::string& correlation_id) {
  response r;
  r.status = err.status;
  r.body = error_body(err, correlation_id);
  return r;
}

bool is_http_parse_error(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

session::session(net::ip::tcp::socket&& socket, std::shared_ptr<const session_config> cfg)
    : counted_(cfg->connections),
      stream_(std::move(socket)),
      strand_(stream_.get_executor()),
      response_timer_(strand_),
      cfg_(std::move(cfg)) {}

void session::run() {
  net::dispatch(strand_, beast::bind_front_handler(&session::read_header, shared_from_this()));
}

void session::await_request() {
  // A pipelined request is already here: its header clock starts now.
  if (buffer_.size() > 0) return read_header();
  stream_.expires_after(cfg_->idle_timeout);
  stream_.async_read_some(buffer_.prepare(1024),
                          beast::bind_front_handler(&session::on_first_bytes, shared_from_this()));
}

void session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return close();  // idle too long, or the client closed: nobody to answer
  buffer_.commit(bytes);
  read_header();
}

void session::read_header() {
  parser_.emplace();
  parser_->header_limit(cfg_->header_limit);
  parser_->body_limit(cfg_->body_limit);
  started_ = {};
  head_ = false;
  preflight_ = false;
  origin_.clear();
  stream_.expires_after(cfg_->header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&session::on_header, shared_from_this()));
}

void session::on_header(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  started_ = clock::now();
  const auto& msg = parser_->get();
  origin_ = std::string(view(msg[bhttp::field::origin]));
  auto length = parser_->content_length();
  bool has_body = parser_->chunked() || (length && *length > 0);
  // Clients that ask (curl does for large bodies) wait for this before sending
  // the body; an oversized Content-Length never gets here (413 instead).
  if (msg.version() >= 11 && has_body && iequals(view(msg[bhttp::field::expect]), "100-continue")) {
    continue_ = {bhttp::status::continue_, msg.version()};
    stream_.expires_after(cfg_->write_timeout);
    bhttp::async_write(stream_, continue_,
                       beast::bind_front_handler(&session::on_continue_sent, shared_from_this()));
    return;
  }
  read_body();
}

void session::on_continue_sent(beast::error_code ec, std::size_t) {
  if (ec) return close();
  read_body();
}

void session::read_body() {
  if (parser_->is_done()) return handle_request();
  stream_.expires_after(cfg_->body_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&session::on_read, shared_from_this()));
}

void session::on_read(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  handle_request();
}

void session::on_read_error(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return reject(describe(errc::payload_too_large));
  if (ec == bhttp::error::header_limit) return reject(headers_too_large());
  // end_of_stream is the client closing between requests, partial_message the
  // client giving up mid-request: nobody is left to answer.
  if (is_http_parse_error(ec) && ec != bhttp::error::end_of_stream &&
      ec != bhttp::error::partial_message)
    return reject(bad_request(ec));
  if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
      ec != net::error::operation_aborted)
    spdlog::debug("connection dropped: {}", ec.message());
  close();
}

void session::handle_request() {
  auto msg = parser_->release();
  request req;
  req.method = std::string(view(msg.method_string()));
  // HEAD is its GET without the body: the same route, status and headers.
  head_ = msg.method() == bhttp::verb::head;
  if (head_) req.method = "GET";
  preflight_ = is_preflight(req.method, view(msg[bhttp::field::origin]),
                            view(msg[bhttp::field::access_control_request_method]));
  req.target = std::string(view(msg.target()));
  auto target = split_target(req.target);
  req.path = std::move(target.path);
  req.query = std::move(target.query);
  req.headers.reserve(std::distance(msg.begin(), msg.end()));
  for (const auto& field : msg) {
    req.headers.emplace_back(std::string(view(field.name_string())),
                             std::string(view(field.value())));
  }
  req.body = std::move(msg.body());
  beast::error_code peer_ec;
  auto peer = stream_.socket().remote_endpoint(peer_ec);
  if (!peer_ec) req.peer = peer.address().to_string();
  req.correlation_id = correlation_id_for(view(msg["X-Correlation-ID"]));

  version_ = msg.version();
  keep_alive_ = msg.keep_alive();
  correlation_id_ = req.correlation_id;
  route_ = cfg_->routes->route_of(req.method, req.path);
  if (route_.empty()) route_ = unmatched_route;

  auto seq = ++seq_;
  pending_ = true;
  answering_.emplace(cfg_->connections);
  // The pending wait also keeps this session alive while the response is being
  // prepared elsewhere: the responder itself holds only a weak reference.
  response_timer_.expires_after(std::max(cfg_->response_timeout, std::chrono::milliseconds(1)));
  response_timer_.async_wait(
      beast::bind_front_handler(&session::on_response_timeout, shared_from_this(), seq));

  responder r(make_sink(seq));
  // Whatever the route logs while dispatching on this thread carries them.
  logging::field_scope cid("correlation_id", correlation_id_);
  logging::field_scope route("route", route_);
  try {
    if (msg.method() == bhttp::verb::options) {
      answer_options(*cfg_->routes, cfg_->cors, std::move(req), r);
    } else {
      cfg_->routes->dispatch(std::move(req), r);
    }
  } catch (const std::exception& e) {
    spdlog::error("dispatch failed: {} (correlation_id={})", e.what(), correlation_id_);
    r.send(envelope_response(describe(errc::internal), correlation_id_));
  }
}

responder::sink session::make_sink(std::uint64_t seq) {
  std::weak_ptr<session> weak = weak_from_this();
  std::shared_ptr<handoff_gate> gate = cfg_->gate;
  return [weak, gate, seq](response r) {
    gate->run_if_open([&] {
      auto self = weak.lock();
      if (!self) return;
      net::post(self->strand_,
                [self, seq, r = std::move(r)]() mutable { self->deliver(seq, std::move(r)); });
    });
  };
}

void session::deliver(std::uint64_t seq, response r) {
  if (!pending_ || seq != seq_) return;
  pending_ = false;
  response_timer_.cancel();
  write(std::move(r), false);
}

void session::on_response_timeout(std::uint64_t seq, beast::error_code ec) {
  if (ec == net::error::operation_aborted || !pending_ || seq != seq_) return;
  spdlog::warn("no response for route {} within {} ms (correlation_id={})", route_,
               cfg_->response_timeout.count(), correlation_id_);
  deliver(seq, envelope_response(describe(errc::timeout), correlation_id_));
}

void session::reject(const error_view& view_of_error) {
  const auto& partial = parser_->get();
  correlation_id_ = correlation_id_for(view(partial["X-Correlation-ID"]));
  origin_ = std::string(view(partial[bhttp::field::origin]));
  head_ = partial.method() == bhttp::verb::head;
  preflight_ = false;
  route_ = unmatched_route;
  version_ = 11;
  keep_alive_ = false;
  if (started_ == clock::time_point{}) started_ = clock::now();
  write(envelope_response(view_of_error, correlation_id_), true);
}

void session::write(response r, bool then_close) {
  logging::field_scope cid("correlation_id", correlation_id_);
  logging::field_scope route("route", route_);
  int status = r.status >= 100 && r.status <= 599 ? r.status : 500;
  res_ = {};
  res_.version(version_);
  res_.result(static_cast<unsigned>(status));
  if (!bodiless(status)) res_.set(bhttp::field::content_type, r.content_type);
  res_.set("X-Correlation-ID", correlation_id_);
  std::string route_csp;
  for (auto& [name, value] : r.headers) {
    if (iequals(name, "Content-Security-Policy") &&
        value.find_first_of("\r\n") == std::string::npos) {
      route_csp = value;
    } else if (allowed_extra_header(name, value)) {
      if (status == 405 && iequals(name, "Allow")) value = allow_with_head_and_options(value);
      res_.insert(name, value);
    } else {
      spdlog::warn("dropped response header {} (correlation_id={})", name, correlation_id_);
    }
  }
  for (auto& [name, value] : security_headers(r.content_type, route_csp)) res_.set(name, value);
  for (auto& [name, value] : cfg_->cors.answer_headers(origin_)) res_.set(name, value);
  if (preflight_ && status == 204)
    for (auto& [name, value] : cfg_->cors.preflight_headers(origin_)) res_.set(name, value);
  res_.keep_alive(keep_alive_ && !then_close);
  if (bodiless(status)) {
    // Beast would add Content-Length: 0, which RFC 9110 forbids here.
  } else if (head_) {
    res_.content_length(r.body.size());
  } else {
    res_.body() = std::move(r.body);
    res_.prepare_payload();
  }
  report(status);
  stream_.expires_after(cfg_->write_timeout);
  bhttp::async_write(stream_, res_,
                     beast::bind_front_handler(&session::on_write, shared_from_this(), then_close));
}

void session::report(int status) {
  double seconds = std::chrono::duration<double>(clock::now() - started_).count();
  spdlog::debug("{} {} in {:.1f} ms (correlation_id={})", route_, status, seconds * 1000,
                correlation_id_);
  if (!cfg_->on_response) return;
  try {
    cfg_->on_response(route_, status, seconds);
  } catch (const std::exception& e) {
    spdlog::error("on_response callback threw: {}", e.what());
  }
}

void session::on_write(bool then_close, beast::error_code ec, std::size_t) {
  answering_.reset();
  if (ec) return close();
  if (then_close) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    drained_ = 0;
    stream_.expires_after(drain_timeout);
    return drain();
  }
  if (!res_.keep_alive()) return close();
  res_ = {};
  await_request();
}

void session::drain() {
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(16 * 1024),
                          beast::bind_front_handler(&session::on_drain, shared_from_this()));
}

void session::on_drain(beast::error_code ec, std::size_t bytes) {
  drained_ += bytes;
  if (ec || drained_ > max_drain_bytes) return;  // the socket closes with the session
  drain();
}

void session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace checkout::http
