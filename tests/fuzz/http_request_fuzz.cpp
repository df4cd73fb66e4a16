// The HTTP request path as http/session.cpp takes it: Beast's request_parser
// with the server's limits (64 KiB body, Beast's 8 KiB header default) over
// raw bytes, then what the session and the routes do with a parsed request:
// split_target, the correlation id, the bearer token and the JSON body.
// Input: the bytes a client sends on a connection.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/ascii.hpp"
#include "http/auth.hpp"
#include "http/correlation_id.hpp"
#include "http/json_fields.hpp"
#include "http/request.hpp"
#include "http/uri.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t body_limit = 64 * 1024;  // http/server.hpp, http/session.hpp

const http::jwt_policy& policy() {
  static const http::jwt_policy p{
      {"fuzz-current-secret-0123456789abcdef"}, "", "", std::chrono::seconds(30)};
  return p;
}

std::string view(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  // All the bytes at once, as one read from the socket could deliver them.
  // need_more means the request is incomplete: Beast wants more bytes before
  // it is called again, and there are none.
  while (used < size && !parser.is_done()) {
    auto n = parser.put(boost::asio::const_buffer(data + used, size - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return 0;  // 400 or 413: the session answers without a request
    if (n == 0) break;
  }
  if (!parser.is_done()) {
    // The connection closes: a request without a length may end here (Beast's
    // read does the same, and only after some bytes).
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }

  auto msg = parser.release();
  FUZZ_CHECK(msg.body().size() <= body_limit);
  http::request req;
  req.method = view(msg.method_string());
  req.target = view(msg.target());
  auto target = http::split_target(req.target);
  req.path = std::move(target.path);
  req.query = std::move(target.query);
  for (const auto& field : msg)
    req.headers.emplace_back(view(field.name_string()), view(field.value()));
  req.body = std::move(msg.body());
  req.correlation_id = http::correlation_id_for(view(msg["X-Correlation-ID"]));
  FUZZ_CHECK(http::valid_correlation_id(req.correlation_id));

  auto auth = http::authenticate(req, policy());
  // No Authorization header: neither a user nor an error; otherwise one of them.
  bool has_header = false;
  for (const auto& h : req.headers) has_header |= http::iequals(h.first, "Authorization");
  FUZZ_CHECK(has_header ? auth.user.has_value() != static_cast<bool>(auth.error)
                        : !auth.user && !auth.error);

  if (!req.body.empty()) {
    auto parsed = http::parse_object(req.body);
    FUZZ_CHECK((parsed.doc != nullptr) != static_cast<bool>(parsed.error));
    if (parsed.doc) {
      http::fields f(*parsed.doc);
      f.opt_str("cart_token", 64);
      f.opt_integer("quantity", 1, 100);
      f.array("products", false);
      FUZZ_CHECK(f.ok() == !f.error());
    }
  }
  return 0;
}
