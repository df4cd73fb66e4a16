// Maps method + path pattern ("/api/v1/cart/{token}/items/{internship_id}") to
// a handler. Unknown path: 404 (1404); known path, other method: 405 (1405).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace checkout::http {

class router {
 public:
  void add(std::string method, std::string pattern, handler h);
  // Runs before every handler, once req.route and req.params are set (for a
  // 405 req.route is the path's pattern; for a 404 it is empty), and answers
  // instead of the handler when it returns a response: the abuse limits
  // (http/abuse_guard.hpp). Set before serving; called from any I/O thread.
  using guard = std::function<std::optional<response>(const request&)>;
  void set_guard(guard g);
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
  // Whether the guard answered (then `r` has been sent its response).
  bool guarded(const request& req, const responder& r) const;
  std::vector<route> routes_;
  guard guard_;
};

}  // namespace checkout::http
