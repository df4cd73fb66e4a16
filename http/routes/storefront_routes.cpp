// The storefront and the operator console (CONTRACT §15): a page shell for
// each of the storefront's paths, which its script fills from the public API,
// and the scripts and styles themselves. Nothing here reads an actor: the
// pages hold no data the API does not give any client.
#include "http/csp.hpp"
#include "http/routes/route_groups.hpp"
#include "http/routes/storefront_assets.hpp"

namespace checkout::http {
namespace {

// The pages run only their own files and talk only to this service.
const std::string& storefront_policy() {
  static const std::string policy = [] {
    csp_builder csp;
    csp.allow("default-src", "'none'");
    csp.allow("script-src", "'self'");
    csp.allow("style-src", "'self'");
    csp.allow("img-src", "'self'");
    csp.allow("img-src", "data:");
    csp.allow("connect-src", "'self'");
    csp.allow("form-action", "'self'");
    csp.allow("base-uri", "'none'");
    csp.allow("frame-ancestors", "'none'");
    return csp.str();
  }();
  return policy;
}

response asset_response(const embedded_asset& a) {
  response res;
  res.content_type = std::string(asset_content_type(a.name));
  res.body = std::string(a.body);
  res.headers.emplace_back("Content-Security-Policy", storefront_policy());
  return res;
}

handler serve(std::string_view name) {
  return [name](request&& req, responder out) {
    if (const auto* a = find_asset(name)) {
      out.send(asset_response(*a));
    } else {
      out.send(fail(req, errc::route_not_found));
    }
  };
}

void serve_named(request&& req, responder out) {
  const auto& name = req.params.at("name");
  // Pages are served at their own paths, not as files.
  const auto* a = find_asset(name);
  if (!a || asset_content_type(name).substr(0, 9) == "text/html") {
    out.send(fail(req, errc::route_not_found));
    return;
  }
  out.send(asset_response(*a));
}

}  // namespace

void add_storefront_routes(router& r, const api_ptr&) {
  // The storefront is one page whose script shows what its path names.
  for (auto path : {"/", "/internships/{id}", "/cart", "/cart/{token}", "/orders",
                    "/orders/{order_token}", "/learning", "/signin"})
    r.add("GET", path, serve("index.html"));
  r.add("GET", "/admin", serve("admin.html"));
  r.add("GET", "/assets/{name}", serve_named);
}

}  // namespace checkout::http
