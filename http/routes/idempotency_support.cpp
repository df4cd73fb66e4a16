#include "http/routes/idempotency_support.hpp"

#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/common/metrics.hpp"
#include "actors/common/text.hpp"

namespace checkout::http {

std::string request_hash(const std::string& route, const rapidjson::Value& body) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  body.Accept(w);
  std::string text = route + "\n" + std::string(buf.GetString(), buf.GetSize());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0x0f]);
  }
  return out;
}

std::string idempotency_key_of(const request& req, fields& f) {
  auto key = req.header("Idempotency-Key");
  // Never echoed: it may be anything the client sent.
  if (key.size() > 255 || !valid_text(key))
    f.add_problem("Idempotency-Key must be 1 to 255 characters of text");
  return key;
}

bool is_key_conflict(const caf::error& err) {
  if (err.category() != checkout_error_category) return false;
  auto c = static_cast<errc>(err.code());
  return c == errc::idempotency_key_mismatch || c == errc::idempotency_in_progress;
}

response replayed(int status, std::string body) {
  response res;
  res.status = status;
  res.body = std::move(body);
  res.headers.emplace_back("Idempotent-Replayed", "true");
  metrics::registry::instance().idempotency().at("replayed")++;
  return res;
}

void begin_keyed(const api_ptr& api, const key_keeper_actor& keeper, const keyed_request& k,
                 const request& req, responder out, std::function<void(responder)> run) {
  auto corr = req.correlation_id;
  auto answer = [out, corr](const caf::error& err) {
    response res;
    auto view = describe(err);
    res.status = view.status;
    res.body = error_body(view, corr);
    out.send(std::move(res));
  };
  ask<persistence::idempotency_decision>(
      *api->sys, keeper, api->actors.db_timeout * 2,
      std::make_tuple(persistence::idempotency_begin{k.ref, k.request_hash}),
      [=](persistence::idempotency_decision& d) {
        using decision = persistence::idempotency_decision;
        switch (d.what) {
          case decision::replay:
            out.send(replayed(d.status, std::move(d.body)));
            return;
          case decision::mismatch:
            metrics::registry::instance().idempotency().at("conflict")++;
            answer(make_error(errc::idempotency_key_mismatch));
            return;
          case decision::in_progress:
            metrics::registry::instance().idempotency().at("in_progress")++;
            answer(make_error(errc::idempotency_in_progress));
            return;
          case decision::proceed:
            run(out);
            return;
        }
      },
      answer);
}

void finish_keyed(const api_ptr& api, const key_store_actor& keeper, const keyed_request& k,
                  responder out, response res) {
  idempotent_response stored{k.ref.user_id, k.ref.scope, k.ref.key,
                             res.status >= 500 ? 0 : res.status, res.body};
  auto shared = std::make_shared<response>(std::move(res));
  ask<ack_reply>(
      *api->sys, keeper, api->actors.db_timeout,
      std::make_tuple(store_atom::value, std::move(stored)), [=](ack_reply&) { out.send(*shared); },
      [=](const caf::error&) { out.send(*shared); });
}

void finish_keyed_error(const api_ptr& api, const key_store_actor& keeper, const keyed_request& k,
                        responder out, const caf::error& err, const std::string& correlation_id) {
  response res;
  auto view = describe(err);
  res.status = view.status;
  res.body = error_body(view, correlation_id);
  if (is_key_conflict(err))
    out.send(std::move(res));
  else
    finish_keyed(api, keeper, k, std::move(out), std::move(res));
}

}  // namespace checkout::http
