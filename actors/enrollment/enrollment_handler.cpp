#include "actors/enrollment/enrollment_handler.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <caf/scoped_actor.hpp>

#include "actors/common/ids.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"

namespace checkout {

enrollment_verdict handle_order_paid(caf::actor_system& sys, const caf::actor& supervisor,
                                     const std::string& body, const std::string& message_id,
                                     const std::string& correlation_id,
                                     std::chrono::milliseconds wait) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  auto token = !doc.HasParseError() && doc.IsObject() && doc.HasMember("order_token") &&
                       doc["order_token"].IsString()
                   ? std::string(doc["order_token"].GetString())
                   : std::string();
  if (!is_uuid(token)) {
    spdlog::error("enrollment: message {} is not an order event; dead-lettering", message_id);
    return enrollment_verdict::reject;
  }
  enrollment_request req{token, message_id, correlation_id};
  caf::scoped_actor self{sys};
  auto verdict = enrollment_verdict::retry;
  self->request(supervisor, wait, enroll_atom::value, req)
      .receive([&](enrollment_done&) { verdict = enrollment_verdict::ack; },
               [&](caf::error& err) {
                 if (is_errc(err, errc::order_not_found)) {
                   spdlog::error(
                       "enrollment: message {} names order {}, which does not exist; "
                       "dead-lettering",
                       message_id, token);
                   verdict = enrollment_verdict::reject;
                   return;
                 }
                 spdlog::warn("enrollment for order {} failed, will retry: {}", token,
                              to_string(err));
               });
  return verdict;
}

}  // namespace checkout
