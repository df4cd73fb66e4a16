#include "actors/webhook/webhook_intake.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_store.hpp"
#include "actors/payment/sandbox_gateway.hpp"
#include "actors/webhook/inbox_dispatch.hpp"
#include "actors/webhook/inbox_store.hpp"
#include "actors/webhook/razorpay_webhook.hpp"
#include "actors/webhook/stripe_webhook.hpp"
#include "actors/webhook/webhook_results.hpp"

namespace checkout {
namespace {

// What the intake's database step found: the event's inbox entry, or (the
// direct path) only the order to apply it to, found by a read alone.
struct recorded {
  inbox_store::entry entry;
  std::string direct_order;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::recorded)

namespace checkout {
namespace {

using outcome_promise = caf::typed_response_promise<webhook_outcome>;

// The signature first, on the raw bytes; only a verified body is parsed.
caf::expected<gateway_event> verified_event(const config::settings& cfg,
                                            const webhook_delivery& d) {
  if (d.gateway == "razorpay") {
    const std::vector<std::string> secrets = {cfg.razorpay_webhook_secret,
                                              cfg.razorpay_webhook_secret_previous};
    if (!razorpay_webhook::verify_signature(secrets, d.raw_body, d.signature))
      return make_error(errc::bad_signature);
    return razorpay_webhook::parse_event(d.raw_body, d.event_id_header);
  }
  if (d.gateway == "stripe") {
    auto now = now_micros() / 1000000;
    auto tolerance =
        std::chrono::duration_cast<std::chrono::seconds>(cfg.stripe_webhook_tolerance).count();
    const std::vector<std::string> secrets = {cfg.stripe_webhook_secret,
                                              cfg.stripe_webhook_secret_previous};
    auto check = stripe_webhook::verify_signature(secrets, d.signature, d.raw_body, now, tolerance);
    switch (check) {
      case stripe_webhook::signature_check::ok:
        return stripe_webhook::parse_event(d.raw_body);
      case stripe_webhook::signature_check::stale:
        return make_error(errc::bad_signature,
                          "the signature's timestamp is outside the tolerance");
      default:
        return make_error(errc::bad_signature);
    }
  }
  return make_error(errc::route_not_found, "no webhook intake for " + d.gateway);
}

// Only listed results are counted by name (webhook_results.hpp): the series
// all exist from start-up, and an unlisted value cannot add one.
void count(const std::string& gateway, const std::string& result) {
  metrics::registry::instance().webhooks(gateway, webhook_results::counted(result))++;
}

// What a delivery of an event already in the inbox and finished gets.
void answer_settled(const gateway_event& ev, const inbox_store::entry& e, outcome_promise rp) {
  if (e.result == "amount_mismatch") {
    count(ev.gateway, "amount_mismatch");
    rp.deliver(make_error(errc::amount_mismatch));
    return;
  }
  auto result = e.fresh ? e.result : std::string("duplicate");
  count(ev.gateway, result);
  if (e.fresh && e.result == "wrong_gateway")
    spdlog::warn("{} event {} ({}) names order {}, paid through another gateway: not applied",
                 ev.gateway, ev.event_id, ev.type, e.order_token);
  else if (e.fresh)
    spdlog::info("{} event {} ({}) recorded, not applied: {}", ev.gateway, ev.event_id, ev.type,
                 e.result == "unknown_order" ? "no such order" : ev.note);
  rp.deliver(webhook_outcome{result});
}

// Records the event in the inbox (one transaction): pending when it is to be
// applied, settled when there is nothing to apply (no such order, another
// gateway's payment, a kind we do not act on). `known`: its order as found
// already, or null to find it in the same transaction.
caf::message record_event(pqxx::connection& c, const gateway_event& ev,
                          const std::optional<inbox_store::order_match>* known,
                          const std::string& cid, bool sandbox) {
  pqxx::work txn(c);
  auto match = known ? *known : inbox_store::find_order(txn, ev);
  auto token = match ? match->order_token : std::string();
  // Another gateway's payment: kept for operators, changes nothing.
  bool wrong = match && !route_serves(ev.gateway, match->attempt_gateway, sandbox);
  auto e = inbox_store::record(txn, ev, token, cid, wrong);
  txn.commit();
  return caf::make_message(recorded{std::move(e), {}});
}

// The direct path did not settle the event (an error, a timeout, an event
// kept until it can apply): it is recorded pending, for the inbox worker,
// before the gateway hears "accepted"; if even that fails, a 5xx makes the
// gateway deliver it again.
void record_pending(caf::event_based_actor* self, const actor_context& ctx, const gateway_event& ev,
                    const std::string& order_token, const std::string& cid, outcome_promise rp) {
  db_request(
      self, ctx,
      [ev, order_token, cid, sandbox = config::sandbox_enabled(*ctx.cfg)](pqxx::connection& c) {
        std::optional<inbox_store::order_match> known{{order_token, ev.gateway}};
        return record_event(c, ev, &known, cid, sandbox);
      })
      .then(
          [=](recorded&) mutable {
            count(ev.gateway, "accepted");
            rp.deliver(webhook_outcome{"accepted"});
          },
          [=](caf::error& err) mutable {
            count(ev.gateway, "error");
            rp.deliver(err);
          });
}

// Applies an event and answers the gateway with the outcome. `unrecorded`:
// the inbox has no row for it yet, and the order's step writes the row with
// its effect, in one transaction (issue 16: one write transaction per
// capture instead of two).
void apply_now(caf::event_based_actor* self, const actor_context& ctx, const gateway_event& ev,
               const std::string& order_token, const std::string& cid, bool unrecorded,
               outcome_promise rp) {
  apply_to_order(
      self, ctx, order_token, ev, cid, ctx.cfg->webhook_apply_wait,
      [=](caf::expected<webhook_outcome> out) mutable {
        if (!out && is_errc(out.error(), errc::amount_mismatch)) {
          count(ev.gateway, "amount_mismatch");
          rp.deliver(out.error());
          return;
        }
        if (!out || out->result == "deferred") {
          if (!out)
            spdlog::warn("{} event {} for order {} not applied yet: {}", ev.gateway, ev.event_id,
                         order_token, to_string(out.error()));
          record_pending(self, ctx, ev, order_token, cid, rp);
          return;
        }
        count(ev.gateway, out->result);
        rp.deliver(*out);
      },
      unrecorded);
}

// An event recorded pending: applied now while somebody waits for the
// outcome; otherwise its order is told without waiting (the inbox worker
// retries what that does not apply).
void apply(caf::event_based_actor* self, const actor_context& ctx, const gateway_event& ev,
           const std::string& order_token, const std::string& cid, outcome_promise rp) {
  if (ctx.cfg->webhook_apply_wait.count() > 0) {
    apply_now(self, ctx, ev, order_token, cid, false, rp);
    return;
  }
  // Nobody waits: the reply to this message goes nowhere.
  caf::anon_send(ctx.orders, order_token, payment_atom::value, to_payment_event(ev, cid));
  count(ev.gateway, "accepted");
  rp.deliver(webhook_outcome{"accepted"});
}

void intake(caf::event_based_actor* self, const actor_context& ctx, const webhook_delivery& d,
            outcome_promise rp) {
  auto ev = verified_event(*ctx.cfg, d);
  if (!ev) {
    count(d.gateway, is_errc(ev.error(), errc::bad_signature) ? "bad_signature" : "malformed");
    rp.deliver(ev.error());
    return;
  }
  // Direct only while somebody waits for the outcome; otherwise the event is
  // made durable first and its order told without waiting.
  bool direct = ctx.cfg->webhook_apply_wait.count() > 0;
  db_request(self, ctx,
             [ev = *ev, cid = d.correlation_id, direct,
              sandbox = config::sandbox_enabled(*ctx.cfg)](pqxx::connection& c) {
               if (!direct) return record_event(c, ev, nullptr, cid, sandbox);
               std::optional<inbox_store::order_match> match;
               {
                 pqxx::nontransaction read(c);
                 match = inbox_store::find_order(read, ev);
               }
               if (match && ev.kind != gateway_event_kind::none &&
                   route_serves(ev.gateway, match->attempt_gateway, sandbox))
                 return caf::make_message(recorded{{}, match->order_token});
               return record_event(c, ev, &match, cid, sandbox);
             })
      .then(
          [=, ev = *ev, cid = d.correlation_id](recorded& r) mutable {
            if (!r.direct_order.empty())
              apply_now(self, ctx, ev, r.direct_order, cid, true, rp);
            else if (r.entry.applied)
              answer_settled(ev, r.entry, rp);
            else
              apply(self, ctx, ev, r.entry.order_token, cid, rp);
          },
          [=](caf::error& err) mutable {
            // Not stored: a 5xx, so the gateway delivers it again.
            count(d.gateway, "error");
            rp.deliver(err);
          });
}

// The sandbox page's Pay and Fail buttons: a Razorpay-format event signed with
// the Razorpay webhook secret, taken through exactly the path a real one takes.
void sandbox(caf::event_based_actor* self, const actor_context& ctx, const sandbox_action& a,
             outcome_promise rp) {
  if (!is_uuid(a.payment_token)) {
    rp.deliver(make_error(errc::order_not_found));
    return;
  }
  db_request(self, ctx,
             [token = a.payment_token](pqxx::connection& c) {
               pqxx::read_transaction txn(c);
               auto p = order_store::find_sandbox_payment(txn, token);
               if (!p) return caf::make_message(make_error(errc::order_not_found));
               return caf::make_message(*p);
             })
      .then(
          [=](payment_info& p) mutable {
            webhook_delivery d;
            d.gateway = "razorpay";
            d.raw_body = sandbox_webhook_body(p, a.pay);
            d.signature = razorpay_webhook::sign(ctx.cfg->razorpay_webhook_secret, d.raw_body);
            d.correlation_id = a.correlation_id;
            intake(self, ctx, d, rp);
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
}

}  // namespace

caf::behavior webhook_intake(instrumented_actor<webhook_intake_state>* self, actor_context ctx) {
  return {
      [=](webhook_atom, const webhook_delivery& d) -> caf::result<webhook_outcome> {
        auto rp = self->make_response_promise<webhook_outcome>();
        intake(self, ctx, d, rp);
        return rp;
      },
      [=](sandbox_atom, const sandbox_action& a) -> caf::result<webhook_outcome> {
        auto rp = self->make_response_promise<webhook_outcome>();
        sandbox(self, ctx, a, rp);
        return rp;
      },
  };
}

}  // namespace checkout
