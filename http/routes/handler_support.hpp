// Small pieces every handler uses: authentication, body parsing, and asking an
// actor and answering when its reply comes.
#pragma once

#include <memory>
#include <optional>

#include "http/auth.hpp"
#include "http/bridge.hpp"
#include "http/envelope.hpp"
#include "http/json_fields.hpp"
#include "http/routes/api.hpp"

namespace checkout::http {

using api_ptr = std::shared_ptr<const api_context>;

// The caller, if the request carries a valid token. Answers 401 and returns
// false for an invalid one; `required` also rejects a missing one.
bool authenticate(const api_ptr& api, const request& req, const responder& out, bool required,
                  std::optional<auth_user>& user);

// Requires a user with the admin role (401 without a valid token, 403 without the role).
bool authorize_admin(const api_ptr& api, const request& req, const responder& out);
// The same, answering the admin: for routes that record who made a change.
std::optional<auth_user> admin_caller(const api_ptr& api, const request& req, const responder& out);

// Parses the body as a JSON object, or answers 400 and returns null.
std::shared_ptr<rapidjson::Document> parse_body(const request& req, const responder& out);

// A query parameter's value; an empty one (as forms send "limit=") counts as absent.
std::string query_param(const request& req, const char* name);

// Answers with the envelope of `err`.
void answer_error(const request& req, const responder& out, const caf::error& err);

// Sends `msg` to `target`, waiting at most `timeout`; on a reply R, answers
// status_of(reply) with `render(w, reply)`; on an error, its envelope. `msg`
// is a caf::message for an untyped target, a std::tuple for a typed one.
template <class R, class Handle, class Msg, class Status, class Render>
void ask_and_render_within(const api_ptr& api, std::chrono::milliseconds timeout,
                           const Handle& target, Msg msg, const request& req, responder out,
                           Status status_of, Render render) {
  auto corr = req.correlation_id;
  ask<R>(
      *api->sys, target, timeout, std::move(msg),
      [=](R& reply) {
        response res;
        res.status = status_of(reply);
        res.body = success_body(
            res.status, [&](json_writer& w) { render(w, reply); }, corr);
        out.send(std::move(res));
      },
      [=](const caf::error& err) {
        response res;
        auto view = describe(err);
        res.status = view.status;
        res.body = error_body(view, corr);
        out.send(std::move(res));
      });
}

// The same with the wait every plain actor request gets.
template <class R, class Handle, class Msg, class Status, class Render>
void ask_and_render_as(const api_ptr& api, const Handle& target, Msg msg, const request& req,
                       responder out, Status status_of, Render render) {
  ask_and_render_within<R>(api, api->actors.db_timeout * 3, target, std::move(msg), req,
                           std::move(out), std::move(status_of), std::move(render));
}

template <class R, class Handle, class Msg, class Render>
void ask_and_render(const api_ptr& api, const Handle& target, Msg msg, const request& req,
                    responder out, int status, Render render) {
  ask_and_render_as<R>(
      api, target, std::move(msg), req, std::move(out), [status](const R&) { return status; },
      std::move(render));
}

}  // namespace checkout::http
