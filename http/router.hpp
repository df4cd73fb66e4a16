// Maps method + path pattern ("/api/v1/cart/{token}/items/{internship_id}") to
// a handler. Unknown path: 404 (1404); known path, other method: 405 (1405).
#pragma once

#include <string>
#include <vector>

#include "http/request.hpp"

namespace checkout::http {

class router {
 public:
  void add(std::string method, std::string pattern, handler h);
  // Finds the route, fills req.params and req.route, and calls the handler, or
  // answers 404/405 itself. Exceptions from a handler become a 500 envelope.
  void dispatch(request&& req, responder r) const;
  // The pattern dispatch would choose for this method and path (for a 405, the
  // path's pattern), or empty for an unknown path; the server labels metrics with it.
  std::string route_of(const std::string& method, const std::string& path) const;

  struct route_info {
    std::string method;
    std::string pattern;
  };
  // Every registered route in the order added (the OpenAPI coverage test, metrics).
  std::vector<route_info> routes() const;

 private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    handler fn;
  };
  struct lookup;
  lookup find(const std::string& method, const std::string& path) const;
  std::vector<route> routes_;
};

}  // namespace checkout::http
