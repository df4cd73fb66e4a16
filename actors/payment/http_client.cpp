#include "actors/payment/http_client.hpp"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <type_traits>

namespace checkout::payment {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct http_client::tls_state {
  ssl::context ctx{ssl::context::tls_client};
  std::string error;  // why the context is unusable, or empty
};

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One exchange: everything runs on a private io_context driven by send().
struct call {
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  std::chrono::steady_clock::time_point deadline;
  bhttp::request<bhttp::string_body> req;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  std::optional<http_result> outcome;

  void fail(transport_errc code, const beast::error_code& ec) {
    if (outcome) return;
    outcome.emplace();
    outcome->error.code = ec == beast::error::timeout ? transport_errc::timeout : code;
    outcome->error.detail = ec.message();
  }

  void succeed() {
    if (outcome) return;
    outcome.emplace();
    auto& msg = parser.get();
    http_response r;
    r.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg)
      r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    r.body = std::move(msg.body());
    outcome->response = std::move(r);
  }
};

template <class Stream>
void exchange(call& c, Stream& stream) {
  bhttp::async_write(stream, c.req, [&c, &stream](beast::error_code ec, std::size_t) {
    if (ec) return c.fail(transport_errc::send, ec);
    bhttp::async_read(stream, c.buffer, c.parser, [&c](beast::error_code ec, std::size_t) {
      if (ec) return c.fail(transport_errc::receive, ec);
      c.succeed();
    });
  });
}

template <class Stream>
void start(call& c, Stream& stream, const parsed_url& url) {
  c.resolver.async_resolve(
      url.host, url.port, [&c, &stream](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return c.fail(transport_errc::resolve, ec);
        auto& lowest = beast::get_lowest_layer(stream);
        // One absolute deadline for every remaining step: a timer that expires
        // between steps makes the next one fail at once.
        lowest.expires_at(c.deadline);
        lowest.async_connect(results, [&c, &stream](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return c.fail(transport_errc::connect, ec);
          if constexpr (std::is_same_v<Stream, tls_stream>) {
            stream.async_handshake(ssl::stream_base::client, [&c, &stream](beast::error_code ec) {
              if (ec) return c.fail(transport_errc::tls, ec);
              exchange(c, stream);
            });
          } else {
            exchange(c, stream);
          }
        });
      });
}

// Drives the exchange until it ends or the deadline passes; on the deadline
// every pending operation is cancelled and the call is a timeout.
template <class Stream>
void drive(call& c, Stream& stream) {
  auto remaining = c.deadline - std::chrono::steady_clock::now();
  // A little grace so Beast's own timers report the timeout first.
  c.ioc.run_for(remaining + std::chrono::milliseconds(50));
  if (!c.outcome) {
    c.fail(transport_errc::timeout, beast::error::timeout);
    c.resolver.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    c.ioc.restart();
    c.ioc.run();
  }
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

http_result bad_url(const std::string& detail) {
  http_result r;
  r.error = {transport_errc::bad_url, detail};
  return r;
}

}  // namespace

const char* to_string(transport_errc code) {
  switch (code) {
    case transport_errc::bad_url:
      return "bad URL";
    case transport_errc::resolve:
      return "name resolution failed";
    case transport_errc::connect:
      return "connection failed";
    case transport_errc::tls:
      return "TLS handshake failed";
    case transport_errc::send:
      return "sending failed";
    case transport_errc::receive:
      return "no complete answer";
    case transport_errc::timeout:
      return "timed out";
  }
  return "transport error";
}

std::string http_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

std::optional<parsed_url> parse_url(std::string_view url) {
  parsed_url out;
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find_first_of("/?#");
  auto authority = rest.substr(0, slash);
  auto target = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5) return std::nullopt;
    for (char ch : port)
      if (ch < '0' || ch > '9') return std::nullopt;
    if (std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)
      return std::nullopt;
  }
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  out.host_header = std::string(authority);
  out.target = target.empty() ? "/" : std::string(target);
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  return out;
}

http_client::http_client(http_client_options opts)
    : opts_(std::move(opts)), tls_(std::make_shared<tls_state>()) {
  beast::error_code ec;
  auto& ctx = tls_->ctx;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_default_verify_paths(ec);
  if (ec) tls_->error = "cannot load the system CA certificates: " + ec.message();
  if (!opts_.extra_ca_file.empty()) {
    ctx.load_verify_file(opts_.extra_ca_file, ec);
    if (ec) tls_->error = "cannot load " + opts_.extra_ca_file + ": " + ec.message();
  }
}

http_client::~http_client() = default;

http_result http_client::send(const http_request& request) const {
  auto url = parse_url(request.url);
  if (!url) return bad_url("not an http(s) URL");
  auto verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) return bad_url("unknown method " + request.method);

  call c;
  c.deadline = std::chrono::steady_clock::now() + opts_.timeout;
  c.req.method(verb);
  c.req.target(url->target);
  c.req.version(11);
  c.req.set(bhttp::field::host, url->host_header);
  c.req.set(bhttp::field::user_agent, opts_.user_agent);
  for (const auto& [name, value] : request.headers) c.req.set(name, value);
  c.req.keep_alive(false);
  c.req.body() = request.body;
  c.req.prepare_payload();
  c.parser.body_limit(opts_.body_limit);

  if (!url->tls) {
    beast::tcp_stream stream(c.ioc);
    start(c, stream, *url);
    drive(c, stream);
    return std::move(*c.outcome);
  }
  if (!tls_->error.empty()) {
    http_result r;
    r.error = {transport_errc::tls, tls_->error};
    return r;
  }
  tls_stream stream(c.ioc, tls_->ctx);
  if (!is_ip_literal(url->host) &&
      !SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str())) {
    http_result r;
    r.error = {transport_errc::tls, "cannot set the TLS server name"};
    return r;
  }
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback(ssl::host_name_verification(url->host));
  start(c, stream, *url);
  drive(c, stream);
  return std::move(*c.outcome);
}

}  // namespace checkout::payment
