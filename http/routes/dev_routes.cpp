// Development aids (CONTRACT §15): POST /api/v1/dev/token mints a JWT for
// trying the storefront and the API without an identity provider. In
// production the route is never registered, so it answers 404 (code 1404)
// like any unknown route.
#include <chrono>

#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

// Long enough for a day of trying things, short enough to be thrown away.
constexpr std::chrono::hours dev_token_lifetime{12};

// A user id that is harmless wherever it is echoed (logs, URLs, HTML).
bool safe_user_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// Printable ASCII with one '@' somewhere inside: enough for a receipt address.
bool plausible_email(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == email.size()) return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c >= 0x7F) return false;
  return true;
}

void issue_dev_token(const api_ptr& api, request&& req, responder out) {
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  auto user_id = f.str("user_id", 128);
  auto admin = f.opt_bool("admin").value_or(false);
  auto email = f.opt_str("email", 254).value_or("");
  if (f.has("user_id") && !user_id.empty() && !safe_user_id(user_id))
    f.add_problem("user_id must be 1-128 characters of A-Z a-z 0-9 . _ - @ :");
  if (!email.empty() && !plausible_email(email))
    f.add_problem("email must be an address like name@example.com");
  if (!f.ok()) return answer_error(req, out, f.error());

  const auto& cfg = *api->actors.cfg;
  std::vector<std::string> roles;
  if (admin) roles.push_back("admin");
  // The same signer the tests and `checkoutd --issue-token` use, with the
  // issuer and audience this service checks, so the token is accepted here.
  auto token = issue_token(cfg.jwt_secret, user_id, roles, dev_token_lifetime, email,
                           cfg.jwt_issuer, cfg.jwt_audience);
  if (token.empty()) return answer_error(req, out, make_error(errc::internal));
  out.send(ok(req, 200, [&](json_writer& w) {
    w.Key("token");
    w.String(token);
  }));
}

}  // namespace

void add_dev_routes(router& r, const api_ptr& api) {
  if (!config::is_development(*api->actors.cfg)) return;
  r.add("POST", "/api/v1/dev/token",
        [api](request&& req, responder out) { issue_dev_token(api, std::move(req), out); });
}

}  // namespace checkout::http
