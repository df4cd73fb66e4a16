#include "actors/dlq/dlq_actor.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>

#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "messaging/dlq.hpp"
#include "messaging/topology.hpp"

namespace checkout {
namespace {

// Events carry the order they are about; a body that is not such an event
// (which may be why it was dead-lettered) simply has none.
std::string order_token_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  auto it = doc.FindMember("order_token");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

dlq_message to_view(messaging::dead_letter d) {
  dlq_message m;
  m.order_token = order_token_of(d.body);
  m.message_id = std::move(d.message_id);
  m.event_type = std::move(d.event_type);
  m.routing_key = std::move(d.routing_key);
  m.correlation_id = std::move(d.correlation_id);
  m.reason = std::move(d.reason);
  m.source_queue = std::move(d.source_queue);
  m.death_count = d.death_count;
  m.body = std::move(d.body);
  return m;
}

struct dlq_actor_state {
  static inline const char* name = "dlq";
};

caf::behavior dlq_actor(instrumented_actor<dlq_actor_state>*, actor_context ctx) {
  const std::string queue = messaging::enrollment_dlq;
  return {
      [=](list_atom, const dlq_list_request& req) -> caf::result<dlq_listing> {
        std::string error;
        auto listed = messaging::list_dlq(ctx.cfg->amqp_url, queue, req.limit, &error);
        if (!listed) {
          spdlog::warn("listing {} failed: {}", queue, error);
          return make_error(errc::unavailable, "broker: " + error);
        }
        dlq_listing out;
        out.queue = queue;
        out.messages.reserve(listed->size());
        for (auto& d : *listed) out.messages.push_back(to_view(std::move(d)));
        return out;
      },
      // The queue's depth, for checkout_dlq_messages.
      [=](get_atom) -> caf::result<std::int64_t> {
        std::string error;
        auto depth = messaging::queue_depth(ctx.cfg->amqp_url, queue, &error);
        if (!depth) return make_error(errc::unavailable, "broker: " + error);
        return *depth;
      },
      [=](replay_atom, const dlq_replay_request& req) -> caf::result<dlq_replay_reply> {
        auto r = messaging::replay_dlq(ctx.cfg->amqp_url, queue, messaging::events_exchange,
                                       req.limit, req.message_id);
        if (r.not_found) {
          return make_error(errc::dlq_message_not_found,
                            "no message with message_id " + req.message_id + " in " + queue);
        }
        if (!r.ok()) {
          spdlog::warn("replaying {} failed after {} messages: {}", queue, r.replayed, r.error);
          // Those already replayed are gone from the queue; saying so lets
          // the operator tell a partial replay from none.
          return make_error(errc::unavailable, "broker: " + r.error + " (replayed " +
                                                   std::to_string(r.replayed) + " before that)");
        }
        spdlog::info("replayed {} messages from {}", r.replayed, queue);
        return dlq_replay_reply{r.replayed};
      },
  };
}

}  // namespace

caf::actor spawn_dlq_actor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn<caf::detached>(dlq_actor, ctx);
}

}  // namespace checkout
