#include "http/routes/handler_support.hpp"

namespace checkout::http {

bool authenticate(const api_ptr& api, const request& req, const responder& out, bool required,
                  std::optional<auth_user>& user) {
  auto result = http::authenticate(req, api->jwt);
  if (result.error) {
    out.send(fail(req, result.error));
    return false;
  }
  if (required && !result.user) {
    out.send(fail(req, errc::unauthenticated));
    return false;
  }
  user = std::move(result.user);
  return true;
}

jwt_policy jwt_policy_of(const config::settings& cfg) {
  jwt_policy p;
  p.secrets.push_back(cfg.jwt_secret);
  if (!cfg.jwt_secret_previous.empty()) p.secrets.push_back(cfg.jwt_secret_previous);
  p.issuer = cfg.jwt_issuer;
  p.audience = cfg.jwt_audience;
  p.leeway = std::chrono::duration_cast<std::chrono::seconds>(cfg.jwt_leeway);
  return p;
}

bool authorize_admin(const api_ptr& api, const request& req, const responder& out) {
  return admin_caller(api, req, out).has_value();
}

std::optional<auth_user> admin_caller(const api_ptr& api, const request& req,
                                      const responder& out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return std::nullopt;
  if (!user->has_role("admin")) {
    out.send(fail(req, errc::forbidden));
    return std::nullopt;
  }
  return user;
}

std::shared_ptr<rapidjson::Document> parse_body(const request& req, const responder& out) {
  auto parsed = parse_object(req.body);
  if (parsed.error) {
    out.send(fail(req, parsed.error));
    return nullptr;
  }
  return parsed.doc;
}

void answer_error(const request& req, const responder& out, const caf::error& err) {
  out.send(fail(req, err));
}

std::string query_param(const request& req, const char* name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

}  // namespace checkout::http
