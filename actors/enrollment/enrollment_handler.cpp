#include "actors/enrollment/enrollment_handler.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>

#include "actors/common/ids.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "config/log_context.hpp"

namespace checkout {
namespace {

// The order token of an `order.paid` body; empty when it names none.
std::string order_token_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  auto token = !doc.HasParseError() && doc.IsObject() && doc.HasMember("order_token") &&
                       doc["order_token"].IsString()
                   ? std::string(doc["order_token"].GetString())
                   : std::string();
  return is_uuid(token) ? token : std::string();
}

}  // namespace

void start_order_paid(caf::actor_system& sys, const caf::actor& supervisor, const std::string& body,
                      const std::string& message_id, const std::string& correlation_id,
                      std::chrono::milliseconds wait,
                      std::function<void(enrollment_verdict)> done) {
  auto token = order_token_of(body);
  if (token.empty()) {
    spdlog::error("enrollment: message {} is not an order event; dead-lettering", message_id);
    done(enrollment_verdict::reject);
    return;
  }
  enrollment_request req{token, message_id, correlation_id};
  // One short-lived actor per message: it lives while its request is open.
  sys.spawn([supervisor, wait, req, done = std::move(done)](caf::event_based_actor* self) {
    self->request(supervisor, wait, enroll_atom::value, req)
        .then([done](enrollment_done&) { done(enrollment_verdict::ack); },
              [done, req](caf::error& err) {
                logging::field_scope cid("correlation_id", req.correlation_id);
                logging::field_scope mid("message_id", req.event_id);
                if (is_errc(err, errc::order_not_found)) {
                  spdlog::error(
                      "enrollment: message {} names order {}, which does not exist; "
                      "dead-lettering",
                      req.event_id, req.order_token);
                  done(enrollment_verdict::reject);
                  return;
                }
                spdlog::warn("enrollment for order {} failed, will retry: {}", req.order_token,
                             to_string(err));
                done(enrollment_verdict::retry);
              });
  });
}

}  // namespace checkout
