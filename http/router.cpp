#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <string_view>

#include "http/envelope.hpp"

namespace checkout::http {
namespace {

bool is_param(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

// "/a/b/" and "/a/b" give {"a","b"}; inner empty segments are kept so that
// "/cart//items" cannot match "/cart/{token}/items".
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& segs) {
  if (pattern.size() != segs.size()) return false;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (is_param(pattern[i])) {
      if (segs[i].empty()) return false;
    } else if (pattern[i] != segs[i]) {
      return false;
    }
  }
  return true;
}

// A literal segment beats a parameter at the first place two patterns differ,
// so "/cart/estimate" wins over "/cart/{token}" whatever the order of add().
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool la = !is_param(a[i]);
    bool lb = !is_param(b[i]);
    if (la != lb) return la;
  }
  return false;
}

}  // namespace

struct router::lookup {
  const route* hit = nullptr;        // the route for this method and path
  const route* path_only = nullptr;  // some route for the path, any method
  std::vector<std::string> allow;    // the path's methods, for 405
  std::vector<std::string_view> segs;
};

void router::add(std::string method, std::string pattern, handler h) {
  route r;
  for (auto seg : split_path(pattern)) r.segments.emplace_back(seg);
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.fn = std::move(h);
  routes_.push_back(std::move(r));
}

router::lookup router::find(const std::string& method, const std::string& path) const {
  lookup out;
  if (path.empty() || path.front() != '/') return out;
  out.segs = split_path(path);
  for (const auto& r : routes_) {
    if (!matches(r.segments, out.segs)) continue;
    if (!out.path_only) out.path_only = &r;
    if (r.method == method) {
      if (!out.hit || more_specific(r.segments, out.hit->segments)) out.hit = &r;
      continue;
    }
    if (std::find(out.allow.begin(), out.allow.end(), r.method) == out.allow.end())
      out.allow.push_back(r.method);
  }
  return out;
}

std::string router::route_of(const std::string& method, const std::string& path) const {
  auto l = find(method, path);
  if (l.hit) return l.hit->pattern;
  if (l.path_only) return l.path_only->pattern;
  return {};
}

std::vector<router::route_info> router::routes() const {
  std::vector<route_info> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

void router::set_guard(guard g) {
  guard_ = std::move(g);
}

bool router::guarded(const request& req, const responder& r) const {
  if (!guard_) return false;
  std::optional<response> answer;
  try {
    answer = guard_(req);
  } catch (const std::exception& e) {
    // A broken guard must not take the service down with it: let the request through.
    spdlog::error("guard {} {} threw: {} (correlation_id={})", req.method, req.route, e.what(),
                  req.correlation_id);
    return false;
  }
  if (!answer) return false;
  r.send(std::move(*answer));
  return true;
}

void router::dispatch(request&& req, responder r) const {
  auto l = find(req.method, req.path);
  if (!l.hit) {
    // Unknown paths and methods are limited too (a scan is traffic like any other).
    req.route = l.path_only ? l.path_only->pattern : std::string();
    if (guarded(req, r)) return;
    if (!l.path_only) {
      r.send(fail(req, errc::route_not_found));
      return;
    }
    auto res = fail(req, errc::method_not_allowed);
    std::string allow;
    for (const auto& m : l.allow) allow += (allow.empty() ? "" : ", ") + m;
    res.headers.emplace_back("Allow", std::move(allow));
    r.send(std::move(res));
    return;
  }
  const route& hit = *l.hit;
  req.params.clear();
  for (std::size_t i = 0; i < hit.segments.size(); ++i) {
    const auto& seg = hit.segments[i];
    if (is_param(seg)) req.params[seg.substr(1, seg.size() - 2)] = std::string(l.segs[i]);
  }
  req.route = hit.pattern;
  if (guarded(req, r)) return;

  // The handler takes the request by rvalue and may move from it: keep what
  // the 500 envelope and the log line need.
  request ctx;
  ctx.correlation_id = req.correlation_id;
  ctx.method = req.method;
  ctx.route = req.route;
  try {
    hit.fn(std::move(req), r);
  } catch (const std::exception& e) {
    spdlog::error("handler {} {} threw: {} (correlation_id={})", ctx.method, ctx.route, e.what(),
                  ctx.correlation_id);
    r.send(fail(ctx, errc::internal));
  } catch (...) {
    spdlog::error("handler {} {} threw a non-standard exception (correlation_id={})", ctx.method,
                  ctx.route, ctx.correlation_id);
    r.send(fail(ctx, errc::internal));
  }
}

}  // namespace checkout::http
