// The messages that cross actor boundaries: atoms and plain value types. They
// are only ever sent inside one process, hence CAF_ALLOW_UNSAFE_MESSAGE_TYPE.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/cart/cart_pricing.hpp"
#include "actors/cart/cart_state.hpp"
#include "actors/cart/pricing.hpp"
#include "actors/catalog/internship.hpp"
#include "actors/order/order_record.hpp"
#include "actors/webhook/gateway_event.hpp"

namespace checkout {

using get_atom = caf::atom_constant<caf::atom("get")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using patch_atom = caf::atom_constant<caf::atom("patch")>;
using add_atom = caf::atom_constant<caf::atom("add")>;
using estimate_atom = caf::atom_constant<caf::atom("estimate")>;
using checkout_atom = caf::atom_constant<caf::atom("checkout")>;
using converted_atom = caf::atom_constant<caf::atom("converted")>;
using place_atom = caf::atom_constant<caf::atom("place")>;
using payment_atom = caf::atom_constant<caf::atom("payment")>;
using enroll_atom = caf::atom_constant<caf::atom("enroll")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using store_atom = caf::atom_constant<caf::atom("store")>;
using webhook_atom = caf::atom_constant<caf::atom("webhook")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using sandbox_atom = caf::atom_constant<caf::atom("sandbox")>;
using remove_atom = caf::atom_constant<caf::atom("remove")>;
using billing_atom = caf::atom_constant<caf::atom("billing")>;
using login_atom = caf::atom_constant<caf::atom("login")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using coupon_atom = caf::atom_constant<caf::atom("coupon")>;
using uncoupon_atom = caf::atom_constant<caf::atom("uncoupon")>;
using validate_atom = caf::atom_constant<caf::atom("validate")>;
using reprice_atom = caf::atom_constant<caf::atom("reprice")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;
// (plan_atom, caller, internship id or "", period): seed 003's plan change.
using plan_atom = caf::atom_constant<caf::atom("plan")>;
// (active_atom, user id) -> token: the signed-in user's active cart.
using active_atom = caf::atom_constant<caf::atom("active")>;
// (inspect_atom) -> actor_snapshot: an actor describes itself to an operator.
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;

// --- catalog ---------------------------------------------------------------

// A reply carrying one internship.
struct internship_reply {
  internship item;
};

// --- carts -----------------------------------------------------------------

struct cart_product {
  std::string internship_id;
  int quantity = 1;
  std::optional<period> plan_period;
};

struct cart_create_request {
  std::string user_id;  // empty: guest
  std::vector<cart_product> products;
  std::string sale_slug;
  std::string analytics_json;
  std::string currency;  // empty: the first product's currency
  std::string device_id;
  std::string idempotency_key;  // recorded with the change, so a retry finds its effect
};

// Who is asking for a cart: a user id, or empty for a guest.
struct cart_caller {
  std::string user_id;
};

// A cart with its current prices: what every cart route answers.
struct cart_view {
  cart_state cart;
  pricing::price_result totals;
  bool created = false;                  // true when this request made the cart (201, not 200)
  std::vector<cart_discount> discounts;  // the cart's coupons and what each takes off
};

// Whether a coupon would apply to a cart now, and what it would take off.
struct coupon_check {
  bool valid = false;
  std::int64_t discount_amount = 0;
  std::vector<std::string> reasons;
};

// --- orders ----------------------------------------------------------------

struct place_order_request {
  std::string user_id;
  std::string idempotency_key;
  std::string request_hash;
  std::string cart_token;
  std::string gateway;  // empty: by configuration and currency
  std::string success_url;
  std::string cancel_url;
  std::string buyer_email;  // the JWT `email` claim, for the confirmation (CONTRACT §16)
  std::string correlation_id;
  // Renders the 201 body from the order as stored. The step that finishes a
  // new placement stores it under the key in its own transaction (issue 16:
  // one write transaction fewer per order); empty: the caller stores it.
  std::function<std::string(const order_record&)> render_created;
};

// The answer to a placement: a replay of a stored response (exact bytes), a
// 201 already stored under the key (`stored`: send `body` as it is), or an
// order to render (and store).
struct place_order_reply {
  bool replay = false;
  int status = 201;
  std::string body;
  order_record order;
  bool stored = false;
};

// Stores the rendered first response for an idempotency key.
struct idempotent_response {
  std::string user_id;
  std::string scope;
  std::string key;
  int status = 0;
  std::string body;
};

struct order_query {
  std::string order_token;
  std::string user_id;
};

using retry_atom = caf::atom_constant<caf::atom("retry")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;

// POST /orders/{t}/payments: a new attempt for a failed order in its window.
// Answered with a place_order_reply (a replay or the order), like placement.
struct payment_retry_request {
  std::string order_token;
  std::string user_id;
  std::string gateway;  // empty: by configuration and currency
  std::string idempotency_key;
  std::string request_hash;
  std::string correlation_id;
};

// POST /admin/orders/{t}/refund.
struct refund_order_request {
  std::string reason;
  std::string correlation_id;
  std::string admin;  // the admin's `sub`, recorded in the audit with the refund
};

// A payment attempt by its token, for the gateway hand-off pages.
struct payment_lookup {
  std::string payment_token;
};

// GET /orders: the caller's orders, newest first.
struct order_list_query {
  std::string user_id;
  std::string status;  // empty: any
  std::string cursor;  // empty: from the newest
  int limit = 20;
};

struct order_list {
  std::vector<order_record> orders;
  std::string next_cursor;  // empty on the last page
};

// A gateway event about a payment, already verified and parsed.
enum class payment_event_kind { captured, failed, refunded };

struct payment_event {
  payment_event_kind kind = payment_event_kind::captured;
  std::string gateway;
  std::string event_id;
  std::string event_type;
  std::string gateway_order_id;
  std::string payment_token;  // the attempt, when the gateway echoes ours back
  std::string payment_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string reason;
  std::string correlation_id;
  // Set when the inbox has no row for the event yet (the intake's direct
  // path): the step that claims it writes the whole row, so the event's
  // record and its effect are one transaction instead of two (issue 16).
  std::optional<gateway_event> unrecorded;
};

// What became of a webhook delivery: applied | duplicate | already_applied |
// ignored | unknown_order | refunded (a late capture given back) | accepted
// (durable in the inbox, applied shortly) | deferred (kept until it can apply).
struct webhook_outcome {
  std::string result;
};

// A raw webhook as it arrived.
struct webhook_delivery {
  std::string gateway;
  std::string raw_body;
  std::string signature;
  std::string event_id_header;
  std::string correlation_id;
};

// A reply that only says "done".
struct ack_reply {};

// The sandbox checkout page: Pay or Fail pressed.
struct sandbox_action {
  std::string payment_token;
  bool pay = true;
  std::string correlation_id;
};

// --- enrollments -----------------------------------------------------------

struct enrollment_request {
  std::string order_token;
  std::string event_id;
  std::string correlation_id;
};

struct enrollment_record {
  std::string enrollment_id;
  std::string internship_id;
  std::string order_token;
  int seats = 0;
  std::string status;
  micros created_at = 0;
};

struct enrollment_list {
  std::vector<enrollment_record> items;
};

struct enrollment_done {
  std::vector<std::string> enrollment_ids;
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::internship)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::internship_patch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::internship_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_create_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_caller)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_product)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::period)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<checkout::cart_product>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::billing_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::coupon_check)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::place_order_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::place_order_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::idempotent_response)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment_retry_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::refund_order_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_list_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::webhook_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::webhook_delivery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::enrollment_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::enrollment_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::enrollment_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::ack_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::sandbox_action)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::payment_info)
