// OPTIONS without a route of its own: a CORS preflight from an allowed origin
// is 204 (the session adds the preflight headers, as it adds every
// Access-Control-* header), one from any other origin 403 (1403);
// a plain OPTIONS on a known path is 204 with `Allow`, on an unknown one 404.
#pragma once

#include <string>

#include "http/cors.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace checkout::http {

void answer_options(const router& routes, const cors_policy& cors, request&& req, responder out);

// A 405's or OPTIONS' method list with HEAD beside GET and OPTIONS at the end
// ("GET, POST" -> "GET, HEAD, POST, OPTIONS"): the server answers both on
// every path the router knows.
std::string allow_with_head_and_options(const std::string& allow);

}  // namespace checkout::http
