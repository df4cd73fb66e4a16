// Idempotency-Key handling shared by the routes that honour it (CONTRACT §6,
// §7): the request fingerprint, beginning the key with the actor that keeps
// keys for the route, and storing the first answer before it is sent.
//
// The keepers: key_keeper_actor (actors/common/key_keeper_interface.hpp).
#pragma once

#include <functional>
#include <string>

#include "actors/common/key_keeper_interface.hpp"
#include "actors/messages.hpp"
#include "http/routes/handler_support.hpp"
#include "persistence/idempotency.hpp"

namespace checkout::http {

// SHA-256 (hex) of the route and the body written back compactly: the same
// request is the same JSON value, whatever its white space.
std::string request_hash(const std::string& route, const rapidjson::Value& body);

// The Idempotency-Key header; empty when absent. A key that is longer than
// 255 bytes or not text is noted as a problem on `f`.
std::string idempotency_key_of(const request& req, fields& f);

// A request made under a key: whose key it is, and the request's fingerprint.
struct keyed_request {
  persistence::idempotency_key_ref ref;
  std::string request_hash;
};

// Whether an error is about the key itself (6001, 6002): such an answer must
// leave what the key holds alone.
bool is_key_conflict(const caf::error& err);

// The first response again, byte for byte, marked as a replay.
response replayed(int status, std::string body);

// Asks `keeper` to begin the key. A replay, a mismatch (422 6001), a request
// still running (409 6002) and a failure to begin are answered here; when the
// request may proceed, `run(out)` is called on a CAF thread and must answer
// through finish_keyed (or store_and_send below).
void begin_keyed(const api_ptr& api, const key_keeper_actor& keeper, const keyed_request& k,
                 const request& req, responder out, std::function<void(responder)> run);

// Stores `res` under the key (a 5xx releases the key instead, so a retry runs
// again), then sends it. Sent even when storing fails: the answer is true; the
// key's lease then runs out and a retry runs again.
void finish_keyed(const api_ptr& api, const key_store_actor& keeper, const keyed_request& k,
                  responder out, response res);

// Answers `err` under the key: stored like any answer (a 5xx releases the key),
// except a conflict on the key itself (6001, 6002), which is only sent.
void finish_keyed_error(const api_ptr& api, const key_store_actor& keeper, const keyed_request& k,
                        responder out, const caf::error& err, const std::string& correlation_id);

// begin_keyed, then `msg` to `target`, rendered as ask_and_render_as does, and
// finish_keyed with the result (a key conflict from `target` is only sent).
template <class R, class Handle, class Msg, class Status, class Render>
void ask_keyed(const api_ptr& api, const key_keeper_actor& keeper, const keyed_request& k,
               const Handle& target, Msg msg, const request& req, responder out, Status status_of,
               Render render) {
  auto corr = req.correlation_id;
  begin_keyed(api, keeper, k, req, std::move(out), [=](responder out) {
    ask<R>(
        *api->sys, target, api->actors.db_timeout * 3, msg,
        [=](R& reply) {
          response res;
          res.status = status_of(reply);
          res.body = success_body(
              res.status, [&](json_writer& w) { render(w, reply); }, corr);
          finish_keyed(api, keeper, k, out, std::move(res));
        },
        [=](const caf::error& err) { finish_keyed_error(api, keeper, k, out, err, corr); });
  });
}

}  // namespace checkout::http
