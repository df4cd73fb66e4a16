#include "actors/order/order_steps.hpp"

#include <spdlog/spdlog.h>

#include <caf/make_message.hpp>

#include "actors/audit/audit_store.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/invoice/invoice_store.hpp"
#include "actors/order/order_holds.hpp"
#include "actors/order/order_store.hpp"
#include "actors/referral/referral_store.hpp"
#include "actors/webhook/inbox_store.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_steps {
namespace {

using verdict = order_state::verdict;

std::string result_of(verdict v) {
  switch (v) {
    case verdict::apply:
    case verdict::reclaim:
      return "applied";
    case verdict::already:
      return "already_applied";
    case verdict::ignore:
      return "ignored";
    case verdict::mismatch:
      return "amount_mismatch";
    case verdict::refuse:
      return "refused";
  }
  return "ignored";
}

caf::message changed(pqxx::work& txn, const std::string& token, const std::string& result) {
  auto updated = order_store::load(txn, token);
  txn.commit();
  return caf::make_message(order_update{std::move(updated), result});
}

caf::message conflict() {
  return caf::make_message(make_error(errc::unavailable, "order changed concurrently"));
}

// The payment attempt an event is about: the latest one.
const std::string& attempt_of(const order_record& o) {
  static const std::string none;
  return o.payment ? o.payment->payment_token : none;
}

// The effect of an applied event beyond the status itself, and its event type.
std::string apply_effects(pqxx::transaction_base& txn, const order_record& order,
                          order_status target, const event_input& in, micros at) {
  auto& attempt = attempt_of(order);
  switch (target) {
    case order_status::paid:
      if (!attempt.empty()) order_store::update_payment(txn, attempt, "captured", in.payment_id);
      order_holds::finalize(txn, order.token);
      return "order.paid";
    case order_status::failed:
      if (!attempt.empty()) order_store::update_payment(txn, attempt, "failed", in.payment_id);
      return "order.failed";
    case order_status::expired:
      if (!attempt.empty()) order_store::update_payment(txn, attempt, "expired", "");
      order_holds::release(txn, order);
      return "order.expired";
    case order_status::refunded:
      invoice_store::credit(txn, order.token, at, in.reason);
      referral_store::withdraw(txn, order.token);
      order_store::revoke_enrollments(txn, order.token);
      order_holds::release(txn, order);
      if (!attempt.empty()) order_store::update_payment(txn, attempt, "refunded", "");
      return "order.refunded";
    case order_status::completed:
      return "order.completed";
    case order_status::awaiting_payment:
      return "";
  }
  return "";
}

// The order as a transition stores it: what the steps below return in place
// of loading the row again (issue 16: a load per step), where they know every
// column the step wrote.
order_record moved(order_record o, order_status to, micros at, const std::string& reason) {
  o.status = to;
  o.version += 1;
  o.history.push_back({std::string(to_string(to)), at, reason});
  return o;
}

}  // namespace

namespace {

// Marks the inbox row applied with `result`; false when an earlier delivery
// applied it already (then *answer says what to reply).
bool claim_inbox(pqxx::work& txn, const order_record& order, const event_input& in,
                 const std::string& result, caf::message* answer) {
  if (!in.inbox) return true;
  std::string earlier;
  if (inbox_store::mark_applied(
          txn, in.inbox->gateway, in.inbox->event_id, in.inbox->event_type, order.token, result,
          &earlier, in.inbox->unrecorded ? &*in.inbox->unrecorded : nullptr, in.correlation_id))
    return true;
  // Delivered before: answer as the first delivery was answered.
  *answer = earlier == "amount_mismatch"
                ? caf::make_message(make_error(errc::amount_mismatch))
                : caf::make_message(order_update{std::nullopt, "duplicate"});
  return false;
}

}  // namespace

caf::message apply_event(pqxx::connection& c, const order_record& order, const event_input& in) {
  pqxx::work txn(c);
  auto d = in.stale_attempt
               ? order_state::decision{verdict::ignore, order.status}
               : order_state(order.status).decide(in.event, order.total, order.currency);
  // A refund reported before the capture it refunds: applied once the capture
  // is in (the inbox worker tries again), so any delivery order ends the same.
  if (in.inbox && in.event.kind == order_event_kind::refunded && d.what == verdict::ignore &&
      !in.stale_attempt && order.status != order_status::refunded)
    return caf::make_message(order_update{std::nullopt, "deferred"});
  auto result = result_of(d.what);
  caf::message answer;
  if (d.what != verdict::reclaim && !claim_inbox(txn, order, in, result, &answer)) return answer;
  switch (d.what) {
    case verdict::mismatch:
      txn.commit();
      spdlog::warn("payment {} for order {} does not match: {} {} vs {} {}", in.payment_id,
                   order.token, in.event.amount, in.event.currency, order.total, order.currency);
      return caf::make_message(make_error(errc::amount_mismatch));
    case verdict::refuse:
      return caf::make_message(
          make_error(errc::order_state_conflict, std::string(to_string(in.event.kind)) +
                                                     " is not possible " + "while the order is " +
                                                     std::string(to_string(order.status))));
    case verdict::already:
    case verdict::ignore:
      txn.commit();
      return caf::make_message(order_update{std::nullopt, result});
    case verdict::reclaim:
      if (!order_holds::reclaim(txn, order)) {
        // The seats went to someone else: nothing is written; the caller refunds.
        txn.abort();
        return caf::make_message(order_update{std::nullopt, "refund_needed"});
      }
      if (!claim_inbox(txn, order, in, result, &answer)) return answer;
      break;
    case verdict::apply:
      break;
  }
  micros at = 0;
  if (!order_store::transition(txn, order, d.target, in.reason, &at)) return conflict();
  auto type = apply_effects(txn, order, d.target, in, at);
  std::optional<order_record> updated;
  if (d.what == verdict::apply && d.target == order_status::paid) {
    // A capture: the attempt captured (apply_effects), the holds final.
    updated = moved(order, d.target, at, in.reason);
    if (updated->payment) {
      updated->payment->status = "captured";
      if (!in.payment_id.empty()) updated->payment->gateway_payment_id = in.payment_id;
    }
    updated->holds = "final";
  } else {
    updated = order_store::load(txn, order.token);
  }
  if (!type.empty()) order_store::emit(txn, *updated, type, in.correlation_id);
  if (d.target == order_status::paid) {
    // Only an order with a discount can have used a referral code.
    if (order.discount_amount > 0)
      referral_store::reward(txn, order.token, in.referral_reward_percent);
    // Last: the year's invoice series stays locked from here to the commit.
    invoice_store::issue(txn, order.token, at, in.seller);
  }
  txn.commit();
  return caf::make_message(order_update{std::move(updated), result});
}

caf::message finish_late_refund(pqxx::connection& c, const order_record& order,
                                const event_input& in, const std::string& refund_id) {
  pqxx::work txn(c);
  caf::message answer;
  if (!claim_inbox(txn, order, in, "refunded", &answer)) return answer;
  if (!order_store::transition(
          txn, order, order_status::refunded,
          "payment " + in.payment_id + " captured after expiry with no seat left: refunded"))
    return conflict();
  if (order.payment) {
    order_store::update_payment(txn, order.payment->payment_token, "captured", in.payment_id);
    order_store::set_refund(txn, order.payment->payment_token, refund_id);
  }
  auto updated = order_store::load(txn, order.token);
  order_store::emit(txn, *updated, "order.refunded", in.correlation_id);
  txn.commit();
  return caf::make_message(order_update{std::move(updated), "refunded"});
}

caf::message finish_refund(pqxx::connection& c, const order_record& order,
                           const std::string& refund_id, const std::string& reason,
                           const refund_order_request& req) {
  pqxx::work txn(c);
  auto d = order_state(order.status)
               .decide(event_of(order_event_kind::refund), order.total, order.currency);
  if (d.what == verdict::already) return caf::make_message(order_update{std::nullopt, "already"});
  if (d.what != verdict::apply)
    return caf::make_message(
        make_error(errc::order_state_conflict, "only a paid or completed order can be refunded"));
  micros at = 0;
  if (!order_store::transition(txn, order, order_status::refunded, reason, &at)) return conflict();
  invoice_store::credit(txn, order.token, at, reason);
  referral_store::withdraw(txn, order.token);
  order_store::revoke_enrollments(txn, order.token);
  order_holds::release(txn, order);
  if (order.payment) order_store::set_refund(txn, order.payment->payment_token, refund_id);
  auto updated = order_store::load(txn, order.token);
  order_store::emit(txn, *updated, "order.refunded", req.correlation_id);
  // Only a refund that took effect is recorded (an "already" above is not).
  audit_store::insert(txn,
                      {audit::action::order_refund,
                       order.token,
                       {req.admin, req.correlation_id},
                       audit::refund_detail(req.reason, refund_id, order.total, order.currency)});
  txn.commit();
  return caf::make_message(order_update{std::move(updated), "refunded"});
}

caf::message enroll(pqxx::connection& c, const order_record& order,
                    const std::string& correlation_id) {
  pqxx::work txn(c);
  auto d = order_state(order.status)
               .decide(event_of(order_event_kind::enrolled), order.total, order.currency);
  if (d.what != verdict::apply)
    return caf::make_message(order_update{std::nullopt, std::string(to_string(order.status))});
  order_store::event_batch enrolled;
  auto created = order_store::enroll(txn, order, correlation_id, &enrolled);
  auto reason = std::to_string(order.lines.size()) + " enrollment(s) created";
  micros at = 0;
  if (!order_store::transition(txn, order, order_status::completed, reason, &at)) return conflict();
  std::optional<order_record> updated;
  if (order.enrollment_ids.empty() && created.size() == order.lines.size()) {
    // Every line enrolled now, in line order: the order's enrollments.
    updated = moved(order, order_status::completed, at, reason);
    updated->enrollment_ids = created;
  } else {
    updated = order_store::load(txn, order.token);
  }
  order_store::emit(txn, *updated, "order.completed", correlation_id, std::move(enrolled));
  txn.commit();
  metrics::registry::instance().delivery().enrollments += static_cast<std::int64_t>(created.size());
  return caf::make_message(order_update{std::move(updated), "completed"});
}

caf::message open_retry(pqxx::connection& c, const order_record& order, const std::string& gateway,
                        const std::string& payment_token, micros now) {
  pqxx::work txn(c);
  auto ev = event_of(order_event_kind::retry);
  ev.window_open = now < order.expires_at;
  auto d = order_state(order.status).decide(ev, order.total, order.currency);
  if (d.what != verdict::apply)
    return caf::make_message(make_error(errc::order_state_conflict,
                                        ev.window_open
                                            ? "a new payment is possible only for a failed order"
                                            : "the payment window has closed"));
  if (!order_store::transition(txn, order, order_status::awaiting_payment, "payment retry"))
    return conflict();
  payment_info p;
  p.payment_token = payment_token;
  p.attempt_no = order.payment ? order.payment->attempt_no + 1 : 1;
  p.gateway = gateway;
  p.amount = order.total;
  p.currency = order.currency;
  p.expires_at = order.expires_at;
  p.created_at = now;
  order_store::insert_attempt(txn, order.token, p);
  return changed(txn, order.token, "retry");
}

std::string complete_key(pqxx::transaction_base& txn, const key_reply& key,
                         const order_record& order) {
  auto body = key.render(order);
  persistence::complete_request(txn, key.ref, 201, body);
  return body;
}

caf::message store_session(pqxx::connection& c, const order_record& order,
                           const payment::session& s, const std::optional<key_reply>& key) {
  if (key && order.payment && order.payment->status == "pending") {
    // A new placement's usual end, one statement in place of five round trips
    // (BEGIN, session, load, key, COMMIT; issue 16): the session changes only
    // the attempt, so the order as stored is this one with it.
    auto updated = order;
    updated.payment->gateway_order_id = s.gateway_order_id;
    updated.payment->checkout_url = s.checkout_url;
    updated.payment->status = "created";
    auto body = key->render(updated);
    pqxx::nontransaction once(c);
    if (order_store::set_session_completing_key(once, order.payment->payment_token,
                                                s.gateway_order_id, s.checkout_url, key->ref, body))
      return caf::make_message(order_update{std::move(updated), "session", std::move(body)});
    // The attempt was no longer pending: as below, on what is stored.
  }
  pqxx::work txn(c);
  order_store::set_session(txn, attempt_of(order), s.gateway_order_id, s.checkout_url);
  if (!key) return changed(txn, order.token, "session");
  auto updated = order_store::load(txn, order.token);
  auto body = complete_key(txn, *key, *updated);
  txn.commit();
  return caf::make_message(order_update{std::move(updated), "session", std::move(body)});
}

std::optional<order_record> newer(pqxx::connection& c, const std::string& token,
                                  std::int64_t version) {
  // The common answer, "unchanged", is one statement: no BEGIN and no
  // ROLLBACK around it (issue 16: three round trips became one per check).
  {
    pqxx::nontransaction check(c);
    auto r = persistence::exec(check, "order_version",
                               "SELECT version FROM orders WHERE token = $1::uuid", token);
    if (!r.empty() && r[0][0].as<std::int64_t>() == version) return std::nullopt;
  }
  // The order and its lines from one snapshot.
  pqxx::read_transaction txn(c);
  auto loaded = order_store::load(txn, token);
  txn.commit();
  return loaded;
}

caf::message refresh(pqxx::connection& c, const std::string& token, std::int64_t version) {
  auto now = newer(c, token, version);
  auto result = now ? "loaded" : "current";
  return caf::make_message(order_update{std::move(now), result});
}

caf::message reload(pqxx::connection& c, const std::string& token) {
  pqxx::read_transaction txn(c);
  auto loaded = order_store::load(txn, token);
  txn.commit();
  return caf::make_message(order_update{std::move(loaded), "loaded"});
}

}  // namespace checkout::order_steps
