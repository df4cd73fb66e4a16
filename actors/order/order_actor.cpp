#include "actors/order/order_actor.hpp"

#include <spdlog/spdlog.h>

#include <caf/stateful_actor.hpp>
#include <functional>
#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/json_write.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_placement.hpp"
#include "actors/order/order_steps.hpp"
#include "actors/order/order_store.hpp"
#include "actors/order/order_timing.hpp"
#include "actors/order/return_urls.hpp"
#include "actors/payment/payment_messages.hpp"

namespace checkout {
namespace {

using order_steps::order_update;

// What a request that opened (or resumed) a payment gets: the order, and the
// 201 body when the step that finished it stored that under the key.
struct opened {
  order_record order;
  std::string stored_body;
};
using done_fn = std::function<void(caf::expected<opened>)>;

struct order_actor_state {
  std::optional<order_record> order;
  // The expiry timer cannot be cancelled: only the newest generation counts.
  std::uint64_t expiry_generation = 0;
  static inline const char* name = actor_kinds::order.name;
  static inline const char* id_key = actor_kinds::order.id_key;
};

using self_ptr = instrumented_actor<order_actor_state, order_actor::base>*;

bool window_may_close(order_status s) {
  return s == order_status::awaiting_payment || s == order_status::failed;
}

void arm_expiry(self_ptr self) {
  auto& o = self->state.order;
  if (!o || !window_may_close(o->status)) return;
  auto gen = ++self->state.expiry_generation;
  auto delay = std::max<micros>(0, o->expires_at - now_micros());
  self->delayed_send(self, std::chrono::microseconds(delay) + std::chrono::milliseconds(5),
                     expire_atom::value, gen);
}

// Takes a stored order as this actor's state. `moved` when this actor's own
// step stored it: the history entries it added are counted as transitions
// (reloads and refreshes are not: another instance counted those).
void adopt(self_ptr self, std::optional<order_record> order, bool moved = false,
           std::optional<std::size_t> known_history = std::nullopt) {
  if (!order) return;
  if (moved) {
    std::size_t known =
        known_history.value_or(self->state.order ? self->state.order->history.size() : 0);
    auto& transitions = metrics::registry::instance().order_transitions();
    for (std::size_t i = known; i < order->history.size(); ++i)
      transitions.at(order->history[i].status)++;
  }
  self->state.order = std::move(order);
  arm_expiry(self);
}

// Runs `then` on the committed order: the version is checked, and the order
// reloaded only when another instance moved it on (CONTRACT §14), so every
// decision below is made on what is stored.
template <class Then>
void with_current(self_ptr self, const actor_context& ctx, Then then) {
  if (!self->state.order) {
    then();
    return;
  }
  auto token = self->state.order->token;
  auto known = self->state.order->version;
  with_committed<order_update>(
      self, ctx,
      [token, known](pqxx::connection& c) { return order_steps::refresh(c, token, known); },
      [self](order_update& up) {
        if (up.order && up.order->version > self->state.order->version)
          adopt(self, std::move(up.order));
      },
      std::move(then));
}

caf::error check_owner(const std::optional<order_record>& order, const std::string& user_id) {
  if (!order || order->user_id != user_id) return make_error(errc::order_not_found);
  return {};
}

// Runs one database step on the current order, adopts what it stored and
// hands the update on; errors go to `fail`. With `check_first` the version
// check (with_current) runs in the same db job, just before the step: one
// queue wait instead of two (issue 16), for steps whose input does not depend
// on the order this actor holds.
template <class Step, class OnDone, class OnFail>
void run_step(self_ptr self, const actor_context& ctx, Step step, OnDone on_done, OnFail on_fail,
              bool check_first = false) {
  auto order = *self->state.order;
  db_request(self, ctx,
             [order, step, check_first](pqxx::connection& c) {
               std::optional<order_record> now;
               if (check_first) now = order_steps::newer(c, order.token, order.version);
               const order_record& current = now ? *now : order;
               auto done = step(c, current);
               if (done.template match_elements<caf::error>()) {
                 // Another instance stored a change since this actor's check:
                 // the step decides again on the row as it is now.
                 if (auto again = order_steps::newer(c, current.token, current.version)) {
                   now = std::move(again);
                   done = step(c, *now);
                 }
               }
               if (!now || !done.template match_elements<order_steps::order_update>()) return done;
               auto up = done.template get_as<order_steps::order_update>(0);
               up.history_before = now->history.size();
               // A step that changed nothing still hands back what it found.
               if (!up.order) up.order = std::move(now);
               return caf::make_message(std::move(up));
             })
      .await(
          [=](order_update& up) mutable {
            adopt(self, up.order, true, up.history_before);
            on_done(up);
          },
          [=](caf::error& err) mutable { on_fail(err); });
}

// Phase two: the gateway opens the pending attempt's session (deduplicated by
// the attempt's token), then phase three stores it. A failure leaves the
// attempt pending, so the same request again resumes here. `key`: a new
// placement's, completed by the step that stores the session.
void open_session(self_ptr self, const actor_context& ctx, done_fn done,
                  std::optional<order_steps::key_reply> key = std::nullopt) {
  auto& o = *self->state.order;
  if (!o.payment || o.payment->status != "pending") {
    done(opened{o, {}});
    return;
  }
  payment::session_request sr;
  sr.order_token = o.token;
  sr.payment_token = o.payment->payment_token;
  sr.attempt_no = o.payment->attempt_no;
  sr.user_id = o.user_id;
  sr.amount = o.total;
  sr.currency = o.currency;
  int seats = 0;
  for (auto& l : o.lines) seats += l.quantity;
  sr.description = std::to_string(seats) + " internship seat(s), order " + o.token.substr(0, 8);
  // The order's token exists only now: the storefront wrote {order_token}.
  sr.success_url = return_urls::resolve(o.success_url, ctx.cfg->public_base_url, o.token);
  sr.cancel_url = return_urls::resolve(o.cancel_url, ctx.cfg->public_base_url, o.token);
  sr.expires_at = o.expires_at;
  // Stripe's session expiry derives from it, so a resumed call repeats it exactly.
  sr.started_at = o.payment->created_at;
  self->request(ctx.payments, order_timing::gateway_wait(*ctx.cfg), create_atom::value,
                o.payment->gateway, sr)
      .await(
          [=](payment::session& s) {
            run_step(
                self, ctx,
                [s, key](pqxx::connection& c, const order_record& cur) {
                  return order_steps::store_session(c, cur, s, key);
                },
                [=](order_update& up) {
                  done(opened{*self->state.order, up.stored_body});
                },
                [=](caf::error& err) { done(err); });
          },
          [=](caf::error& err) {
            spdlog::warn("order {}: gateway {} did not open the payment: {}", o.token,
                         o.payment->gateway, to_string(err));
            done(err);
          });
}

// A capture after expiry whose seats are gone: refunded through the gateway
// (with a key derived from the order, so a repeat is one refund), then stored.
void refund_late_capture(self_ptr self, const actor_context& ctx, order_steps::event_input in,
                         std::function<void(caf::expected<std::string>)> done) {
  auto& o = *self->state.order;
  payment::refund_request rr;
  rr.order_token = o.token;
  rr.gateway_order_id = o.payment ? o.payment->gateway_order_id : "";
  rr.payment_id = in.payment_id;
  rr.amount = in.event.amount;
  rr.currency = in.event.currency;
  rr.idempotency_key = "late-capture-" + o.token;
  auto gateway = o.payment ? o.payment->gateway : std::string("sandbox");
  self->request(ctx.payments, order_timing::gateway_wait(*ctx.cfg), refund_atom::value, gateway, rr)
      .await(
          [=](payment::refund_result& r) {
            run_step(
                self, ctx,
                [in, id = r.refund_id](pqxx::connection& c, const order_record& cur) {
                  return order_steps::finish_late_refund(c, cur, in, id);
                },
                [=](order_update& up) {
                  metrics::registry::instance().reconciliations().at("late_capture_refunded")++;
                  done(up.result);
                },
                [=](caf::error& err) { done(err); });
          },
          [=](caf::error& err) { done(err); });
}

// Applies a gateway event (webhook, payment sync or the check before expiry).
void apply_event(self_ptr self, const actor_context& ctx, order_steps::event_input in,
                 std::function<void(caf::expected<std::string>)> done, bool check_first = false) {
  in.seller = invoice::seller_of(*ctx.cfg);
  in.referral_reward_percent = ctx.cfg->referral_reward_percent;
  run_step(
      self, ctx,
      [in](pqxx::connection& c, const order_record& cur) {
        return order_steps::apply_event(c, cur, in);
      },
      [=](order_update& up) {
        if (up.result == "refund_needed")
          refund_late_capture(self, ctx, in, done);
        else
          done(up.result);
      },
      [=](caf::error& err) { done(err); }, check_first);
}

// A change no request caused (the payment window, the payment sync) still
// carries a correlation id into its events and logs (CONTRACT §1, §9): a new
// one of its own.
order_steps::event_input background_input() {
  order_steps::event_input in;
  in.correlation_id = new_uuid();
  return in;
}

order_steps::event_input captured_from_gateway(const payment::remote_payment& rp) {
  auto in = background_input();
  in.event = capture_of(rp.amount, rp.currency);
  in.payment_id = rp.payment_id;
  in.reason = "payment " + rp.payment_id + " captured (learned from the gateway)";
  return in;
}

// Counts a correction the service made by asking the gateway itself, once
// the step applied it.
std::function<void(caf::expected<std::string>)> reconciled(
    const char* kind, std::function<void(caf::expected<std::string>)> done) {
  return [kind, done](caf::expected<std::string> r) {
    if (r && *r == "applied") metrics::registry::instance().reconciliations().at(kind)++;
    done(std::move(r));
  };
}

// For steps nobody waits on (timers, scans): a failure is logged; the next
// scan or delivery tries again.
std::function<void(caf::expected<std::string>)> log_if_failed(std::string token, std::string what) {
  return [token, what](caf::expected<std::string> r) {
    if (!r) spdlog::warn("order {}: {} not stored: {}", token, what, to_string(r.error()));
  };
}

// Asks the gateway about the current attempt: a capture is applied at once;
// any other state goes to `otherwise`, an error to `on_error`.
template <class Otherwise, class OnError>
void ask_gateway(self_ptr self, const actor_context& ctx, Otherwise otherwise, OnError on_error) {
  auto& o = *self->state.order;
  self->request(ctx.payments, order_timing::gateway_wait(*ctx.cfg), fetch_atom::value,
                o.payment->gateway, o.payment->gateway_order_id)
      .await(
          [=, token = o.token](payment::remote_payment& rp) {
            if (rp.state == payment::remote_state::captured)
              apply_event(self, ctx, captured_from_gateway(rp),
                          reconciled("capture_learned", log_if_failed(token, "capture")));
            else
              otherwise(rp.state);
          },
          [=](caf::error& err) { on_error(err); });
}

void expire_now(self_ptr self, const actor_context& ctx) {
  auto& o = *self->state.order;
  auto close_window = [=] {
    auto in = background_input();
    in.event = event_of(order_event_kind::window_closed);
    in.reason = "payment window closed";
    apply_event(self, ctx, in, log_if_failed(o.token, "expiry"));
  };
  if (!o.payment || o.payment->gateway_order_id.empty()) {
    close_window();
    return;
  }
  // Nobody can pay a session the gateway has closed.
  self->request(ctx.payments, order_timing::gateway_wait(*ctx.cfg), expire_atom::value,
                o.payment->gateway, o.payment->gateway_order_id)
      .await([=](ack_reply&) { close_window(); },
             [=](caf::error& err) {
               // Stripe refuses to expire a session that was paid meanwhile: then
               // the capture is what counts, not the window.
               bool refused = err.category() == checkout_error_category &&
                              static_cast<errc>(err.code()) == errc::gateway_rejected;
               if (!refused) {
                 spdlog::warn("order {}: gateway session not closed ({}); expiring anyway", o.token,
                              to_string(err));
                 close_window();
                 return;
               }
               ask_gateway(
                   self, ctx, [=](payment::remote_state) { close_window(); },
                   [=](caf::error&) { close_window(); });
             });
}

// Before expiring, ask the gateway whether the payment was in fact captured.
void check_then_expire(self_ptr self, const actor_context& ctx) {
  auto& o = *self->state.order;
  if (!o.payment || o.payment->gateway_order_id.empty()) {
    expire_now(self, ctx);
    return;
  }
  ask_gateway(
      self, ctx, [=](payment::remote_state) { expire_now(self, ctx); },
      [=](caf::error& err) {
        // Expiring now might drop a payment the gateway took: while it may
        // just be unreachable, wait for the next scan (for a whole window
        // at most). A definite answer (it knows no such order, or it is not
        // enabled here) means nothing was captured there.
        auto grace = to_micros(ctx.cfg->order_payment_timeout);
        bool transient = err.category() != checkout_error_category ||
                         static_cast<errc>(err.code()) == errc::gateway_unavailable;
        if (!transient || now_micros() > o.expires_at + grace) {
          expire_now(self, ctx);
          return;
        }
        spdlog::warn("order {}: gateway not reachable before expiry ({}); next scan", o.token,
                     to_string(err));
      });
}

// Runs `then` only on the instance that takes the job's lease on this order,
// so periodic work is done once however many instances hold the order and
// scan for it, and a gateway is asked once (CONTRACT §14). Elsewhere, or
// while the database does not answer, nothing: the next scan tries again.
template <class Then>
void with_lease(self_ptr self, const actor_context& ctx, order_store::order_job job,
                std::chrono::milliseconds length, Then then) {
  auto token = self->state.order->token;
  db_request(self, ctx,
             [token, job, length](pqxx::connection& c) {
               pqxx::work txn(c);
               bool taken = order_store::take_lease(txn, token, job, length);
               txn.commit();
               return caf::make_message(taken);
             })
      .await(
          [=](bool taken) mutable {
            if (taken) then();
          },
          [=](caf::error& err) {
            spdlog::warn("order {}: no lease for periodic work ({}); next scan", token,
                         to_string(err));
          });
}

void on_expire(self_ptr self, const actor_context& ctx, std::uint64_t generation) {
  auto& o = self->state.order;
  if (generation != 0 && generation != self->state.expiry_generation) return;
  if (!o || !window_may_close(o->status)) return;
  if (now_micros() < o->expires_at) {
    arm_expiry(self);
    return;
  }
  // Long enough for the check and the session's closing, both with retries.
  auto lease = order_timing::gateway_wait(*ctx.cfg) * 2 + ctx.db_timeout;
  with_lease(self, ctx, order_store::order_job::expiry_check, lease,
             [=] { check_then_expire(self, ctx); });
}

// Payment sync: what the gateway knows of an attempt still open.
void sync(self_ptr self, const actor_context& ctx) {
  auto& o = self->state.order;
  if (!o || o->status != order_status::awaiting_payment || !o->payment ||
      o->payment->status != "created")
    return;
  auto token = o->token;
  // One look per order and interval, whichever instance scans first.
  auto lease = ctx.cfg->payment_sync_interval;
  with_lease(self, ctx, order_store::order_job::payment_sync, lease, [=] {
    ask_gateway(
        self, ctx,
        [=](payment::remote_state state) {
          if (state != payment::remote_state::failed) return;
          auto in = background_input();
          in.event = event_of(order_event_kind::failed);
          in.reason = "payment failed (learned from the gateway)";
          apply_event(self, ctx, in, reconciled("failure_learned", log_if_failed(token, "sync")));
        },
        [=](caf::error& err) {
          spdlog::info("order {}: payment sync skipped: {}", token, to_string(err));
        });
  });
}

// Places a new order for this actor's token (phase one), then opens its
// payment (phase two). A retried key finds the order and resumes it.
caf::result<place_order_reply> place(self_ptr self, const actor_context& ctx,
                                     const entity_parent_actor& directory, const std::string& token,
                                     place_order_request req) {
  if (self->state.order)
    if (auto err = check_owner(self->state.order, req.user_id)) return err;
  // Only now: once a promise exists, the handler's own return value is not sent.
  auto rp = self->make_response_promise<place_order_reply>();
  auto reply = [rp](caf::expected<opened> r) mutable {
    if (r) {
      bool stored = !r->stored_body.empty();
      rp.deliver(
          place_order_reply{false, 201, std::move(r->stored_body), std::move(r->order), stored});
    } else {
      rp.deliver(r.error());
    }
  };
  // Only a new order's placement completes its key here: a resumed one
  // answers as its caller stores it.
  std::optional<order_steps::key_reply> key;
  if (req.render_created)
    key = order_steps::key_reply{{req.user_id, "orders", req.idempotency_key}, req.render_created};
  if (self->state.order) {
    open_session(self, ctx, reply);
    return rp;
  }
  auto fail = [=](const caf::error& err) mutable {
    rp.deliver(err);
    // No order was made: nothing for this actor to hold.
    self->send(directory, idle_atom::value, token);
  };
  auto store = [=](cart_view cart, std::string gateway) mutable {
    order_placement::request p;
    p.order_token = token;
    p.user_id = req.user_id;
    p.idempotency_key = req.idempotency_key;
    p.correlation_id = req.correlation_id;
    p.gateway = std::move(gateway);
    p.success_url = req.success_url;
    p.cancel_url = req.cancel_url;
    p.buyer_email = req.buyer_email;
    p.now = now_micros();
    p.expires_at = p.now + to_micros(ctx.cfg->order_payment_timeout);
    p.cart = std::move(cart);
    auto cfg = ctx.cfg;
    db_request(
        self, ctx,
        [p, cfg, key](pqxx::connection& c) {
          pqxx::work txn(c);
          try {
            auto placed = order_placement::place(txn, p, *cfg);
            if (!placed) return caf::make_message(placed.error());
            // A free order opens no payment: its placement is its last step.
            std::string body;
            if (key && !placed->payment) body = order_steps::complete_key(txn, *key, *placed);
            txn.commit();
            // A free order is enrolled as it is placed.
            metrics::registry::instance().delivery().enrollments +=
                static_cast<std::int64_t>(placed->enrollment_ids.size());
            return caf::make_message(order_update{std::move(*placed), "placed", std::move(body)});
          } catch (const pqxx::unique_violation&) {
            // The same key is being placed by a concurrent request.
            metrics::registry::instance().idempotency().at("in_progress")++;
            return caf::make_message(make_error(errc::idempotency_in_progress));
          }
        })
        .await(
            [=](order_update& up) mutable {
              adopt(self, std::move(up.order), true);
              self->send(ctx.carts, req.cart_token, converted_atom::value);
              if (!up.stored_body.empty())
                reply(opened{*self->state.order, std::move(up.stored_body)});
              else
                open_session(self, ctx, reply, key);
            },
            [=](caf::error& err) mutable {
              if (err.category() == checkout_error_category &&
                  static_cast<errc>(err.code()) == errc::price_changed)
                // Its answer, the cart's view, is of no use here (nor could this actor take it).
                self->anon_send(ctx.carts, req.cart_token, reprice_atom::value,
                                cart_caller{req.user_id});
              fail(err);
            });
  };
  self->request(ctx.carts, ctx.db_timeout, req.cart_token, checkout_atom::value,
                cart_caller{req.user_id})
      .await(
          [=](cart_view& cart) mutable {
            if (cart.totals.total == 0) {
              store(std::move(cart), "");
              return;
            }
            auto currency = cart.totals.currency;
            self->request(ctx.payments, ctx.db_timeout, choose_atom::value, req.gateway, currency)
                .await([=](std::string& gateway) mutable { store(cart, std::move(gateway)); },
                       [=](caf::error& err) mutable { fail(err); });
          },
          [=](caf::error& err) mutable { fail(err); });
  return rp;
}

void retry_payment(self_ptr self, const actor_context& ctx, const payment_retry_request& req,
                   caf::typed_response_promise<order_record> rp) {
  if (auto err = check_owner(self->state.order, req.user_id)) {
    rp.deliver(err);
    return;
  }
  auto& o = *self->state.order;
  bool resume =
      o.status == order_status::awaiting_payment && o.payment && o.payment->status == "pending";
  auto ev = event_of(order_event_kind::retry);
  ev.window_open = now_micros() < o.expires_at;
  if (!resume &&
      order_state(o.status).decide(ev, o.total, o.currency).what != order_state::verdict::apply) {
    rp.deliver(make_error(errc::order_state_conflict,
                          ev.window_open ? "a new payment is possible only for a failed order"
                                         : "the payment window has closed"));
    return;
  }
  auto reply = [rp](caf::expected<opened> r) mutable {
    if (r)
      rp.deliver(std::move(r->order));
    else
      rp.deliver(r.error());
  };
  if (resume) {
    // The previous request stopped between its phases: finish it.
    open_session(self, ctx, reply);
    return;
  }
  self->request(ctx.payments, ctx.db_timeout, choose_atom::value, req.gateway, o.currency)
      .await(
          [=](std::string& gateway) {
            run_step(
                self, ctx,
                [gateway, payment_token = new_uuid()](pqxx::connection& c,
                                                      const order_record& cur) {
                  return order_steps::open_retry(c, cur, gateway, payment_token, now_micros());
                },
                [=](order_update&) { open_session(self, ctx, reply); },
                [=](caf::error& err) mutable { reply(err); });
          },
          [=](caf::error& err) mutable { reply(err); });
}

void refund(self_ptr self, const actor_context& ctx, const refund_order_request& req,
            caf::typed_response_promise<order_record> rp) {
  if (!self->state.order) {
    rp.deliver(make_error(errc::order_not_found));
    return;
  }
  auto& o = *self->state.order;
  auto d = order_state(o.status).decide(event_of(order_event_kind::refund), o.total, o.currency);
  if (d.what == order_state::verdict::already) {
    rp.deliver(o);
    return;
  }
  if (d.what != order_state::verdict::apply) {
    rp.deliver(make_error(errc::order_state_conflict,
                          "only a paid or completed order can be refunded; it is " +
                              std::string(to_string(o.status))));
    return;
  }
  auto reason = req.reason.empty() ? std::string("refunded by an operator")
                                   : "refunded by an operator: " + req.reason;
  auto store = [=](std::string refund_id) mutable {
    run_step(
        self, ctx,
        [refund_id, reason, req](pqxx::connection& c, const order_record& cur) {
          return order_steps::finish_refund(c, cur, refund_id, reason, req);
        },
        [=](order_update&) mutable { rp.deliver(*self->state.order); },
        [=](caf::error& err) mutable { rp.deliver(err); });
  };
  if (o.total == 0 || !o.payment) {
    store("");
    return;
  }
  payment::refund_request rr;
  rr.order_token = o.token;
  rr.gateway_order_id = o.payment->gateway_order_id;
  rr.payment_id = o.payment->gateway_payment_id;
  rr.amount = o.total;
  rr.currency = o.currency;
  rr.idempotency_key = "refund-" + o.token;
  self->request(ctx.payments, order_timing::gateway_wait(*ctx.cfg), refund_atom::value,
                o.payment->gateway, rr)
      .await([=](payment::refund_result& r) mutable { store(r.refund_id); },
             [=](caf::error& err) mutable { rp.deliver(err); });
}

// A read answers the order as stored (memory answers only while the
// database cannot).
caf::result<order_record> read_current(self_ptr self, const actor_context& ctx) {
  auto rp = self->make_response_promise<order_record>();
  with_current(self, ctx, [=]() mutable { rp.deliver(*self->state.order); });
  return rp;
}

// `check_first`: the order this actor holds was not checked against the row
// yet (the step checks it, which only an event whose input does not depend on
// that order may leave to it: not a failure, see stale_attempt).
void on_payment_event(self_ptr self, const actor_context& ctx, const payment_event& ev,
                      caf::typed_response_promise<webhook_outcome> rp, bool check_first) {
  if (!self->state.order) {
    rp.deliver(make_error(errc::order_not_found));
    return;
  }
  order_steps::event_input in;
  switch (ev.kind) {
    case payment_event_kind::captured:
      in.event = capture_of(ev.amount, ev.currency);
      in.reason = "payment " + ev.payment_id + " captured";
      break;
    case payment_event_kind::failed:
      in.event = event_of(order_event_kind::failed);
      in.reason = "payment failed: " + ev.reason;
      break;
    case payment_event_kind::refunded:
      in.event = event_of(order_event_kind::refunded);
      in.reason = "refunded at the gateway";
      break;
  }
  in.payment_id = ev.payment_id;
  in.inbox = order_steps::inbox_entry{ev.gateway, ev.event_id, ev.event_type, ev.unrecorded};
  // A failure of an attempt the order has replaced (a retry) is history.
  if (auto& p = self->state.order->payment; p && ev.kind == payment_event_kind::failed) {
    in.stale_attempt = (!ev.payment_token.empty() && ev.payment_token != p->payment_token) ||
                       (!ev.gateway_order_id.empty() && !p->gateway_order_id.empty() &&
                        ev.gateway_order_id != p->gateway_order_id);
  }
  in.correlation_id = ev.correlation_id;
  apply_event(
      self, ctx, in,
      [rp](caf::expected<std::string> r) mutable {
        if (r)
          rp.deliver(webhook_outcome{*r});
        else
          rp.deliver(r.error());
      },
      check_first);
}

void load(self_ptr self, const actor_context& ctx, const entity_parent_actor& directory,
          const std::string& token) {
  db_request(self, ctx, [token](pqxx::connection& c) { return order_steps::reload(c, token); })
      .await(
          [=](order_update& up) {
            adopt(self, std::move(up.order));
            if (!self->state.order) self->send(directory, idle_atom::value, token);
          },
          [=](caf::error& err) { self->quit(err); });
}

// What an operator sees of this order (GET /admin/actors/order/{token}).
actor_snapshot inspect(self_ptr self, const config::settings& cfg) {
  auto s = self->snapshot_base(cfg.actor_idle_timeout);
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  const auto& o = self->state.order;
  if (!o) {
    s.status = "not_found";
  } else {
    s.status = std::string(to_string(o->status));
    s.version = o->version;
    if (window_may_close(o->status)) s.timers.push_back({"payment_window", o->expires_at});
    w.Key("total");
    w.Int64(o->total);
    w.Key("currency");
    w.String(o->currency);
    w.Key("lines");
    w.Uint64(o->lines.size());
    w.Key("holds");
    w.String(o->holds);
    w.Key("enrollments");
    w.Uint64(o->enrollment_ids.size());
    if (o->payment) {
      w.Key("payment_status");
      w.String(o->payment->status);
      w.Key("gateway");
      w.String(o->payment->gateway);
    }
    w.Key("expiry_generation");
    w.Uint64(self->state.expiry_generation);
  }
  w.EndObject();
  s.state_json = buf.GetString();
  return s;
}

order_actor::behavior_type order_behavior(self_ptr self, actor_context ctx, std::string token,
                                          entity_parent_actor directory, bool fresh) {
  self->set_instance_id(token);
  if (!fresh) load(self, ctx, directory, token);
  return {
      [=](place_atom, place_order_request req) {
        return place(self, ctx, directory, token, std::move(req));
      },
      [=](get_atom, const order_query& q) -> caf::result<order_record> {
        if (auto err = check_owner(self->state.order, q.user_id)) return err;
        return read_current(self, ctx);
      },
      // Each decision below is made on the committed order (with_current, or
      // run_step's check_first).
      [=](payment_atom, const payment_event& ev) {
        auto rp = self->make_response_promise<webhook_outcome>();
        if (ev.kind == payment_event_kind::failed)
          with_current(self, ctx, [=] { on_payment_event(self, ctx, ev, rp, false); });
        else
          on_payment_event(self, ctx, ev, rp, true);
        return rp;
      },
      [=](retry_atom, const payment_retry_request& req) {
        auto rp = self->make_response_promise<order_record>();
        with_current(self, ctx, [=] { retry_payment(self, ctx, req, rp); });
        return rp;
      },
      [=](refund_atom, const refund_order_request& req) {
        auto rp = self->make_response_promise<order_record>();
        with_current(self, ctx, [=] { refund(self, ctx, req, rp); });
        return rp;
      },
      [=](enroll_atom, enrollment_request req) -> caf::result<enrollment_done> {
        if (!self->state.order) return make_error(errc::order_not_found);
        auto rp = self->make_response_promise<enrollment_done>();
        run_step(
            self, ctx,
            [req](pqxx::connection& c, const order_record& cur) {
              return order_steps::enroll(c, cur, req.correlation_id);
            },
            [=](order_update&) mutable {
              rp.deliver(enrollment_done{self->state.order->enrollment_ids});
            },
            [=](caf::error& err) mutable { rp.deliver(err); }, true);
        return rp;
      },
      [=](expire_atom, std::uint64_t generation) {
        with_current(self, ctx, [=] { on_expire(self, ctx, generation); });
      },
      [=](sync_atom) { with_current(self, ctx, [=] { sync(self, ctx); }); },
      [=](passivate_atom) { self->passivate(); },
      [=](inspect_atom) { return inspect(self, *ctx.cfg); },
      caf::after(ctx.cfg->actor_idle_timeout) >>
          [=] { self->send(directory, idle_atom::value, token); },
  };
}

}  // namespace

order_actor spawn_order_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                              entity_parent_actor directory, bool fresh) {
  return sys.spawn(order_behavior, ctx, std::move(token), std::move(directory), fresh);
}

}  // namespace checkout
