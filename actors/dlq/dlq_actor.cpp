#include "actors/dlq/dlq_actor.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <functional>
#include <pqxx/pqxx>

#include "actors/audit/audit_store.hpp"
#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "messaging/dlq.hpp"
#include "messaging/topology.hpp"
#include "persistence/db_pool.hpp"

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
  static inline const char* name = actor_kinds::dlq.name;
};

// Writes the audit entry of a replay that moved messages. The broker is not
// the database, so it cannot share a transaction with the change: it is
// written right after the broker confirmed the messages, and the operator is
// answered only then. A failed write is logged with the whole entry and the
// replay is still reported, because it happened: answering an error would
// invite the operator to replay again.
void record_replay(instrumented_actor<dlq_actor_state>* self, const actor_context& ctx,
                   audit::record rec, std::function<void()> then) {
  self->request(ctx.db, ctx.db_timeout, persistence::db_job{[rec](pqxx::connection& c) {
                  pqxx::work txn(c);
                  audit_store::insert(txn, rec);
                  txn.commit();
                  return caf::make_message(ack_reply{});
                }})
      .then([then](ack_reply) { then(); },
            [rec, then](caf::error& err) {
              spdlog::error(
                  "audit entry of a DLQ replay not written ({}): admin {} target {} detail {}",
                  caf::to_string(err), rec.by.admin, rec.target, rec.detail);
              then();
            });
}

caf::behavior dlq_actor(instrumented_actor<dlq_actor_state>* self, actor_context ctx) {
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
        caf::error failed;
        if (!r.ok()) {
          spdlog::warn("replaying {} failed after {} messages: {}", queue, r.replayed, r.error);
          // Those already replayed are gone from the queue; saying so lets
          // the operator tell a partial replay from none.
          failed = make_error(errc::unavailable, "broker: " + r.error + " (replayed " +
                                                     std::to_string(r.replayed) + " before that)");
        } else {
          spdlog::info("replayed {} messages from {}", r.replayed, queue);
        }
        if (r.replayed == 0) {
          // Nothing moved, nothing to record.
          if (failed) return failed;
          return dlq_replay_reply{0};
        }
        // A partial replay is recorded too: the messages it moved are moved.
        audit::record rec{audit::action::dlq_replay, audit::replay_target(req.message_id, queue),
                          req.by,
                          audit::replay_detail(req.message_id, req.limit, r.message_ids, r.error)};
        auto rp = self->make_response_promise<dlq_replay_reply>();
        record_replay(self, ctx, std::move(rec), [rp, failed, n = r.replayed]() mutable {
          if (failed)
            rp.deliver(failed);
          else
            rp.deliver(dlq_replay_reply{n});
        });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_dlq_actor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn<caf::detached>(dlq_actor, ctx);
}

}  // namespace checkout
