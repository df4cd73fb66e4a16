#include "actors/order/order_placement.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "actors/cart/cart_pricing.hpp"
#include "actors/catalog/catalog_store.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/json_write.hpp"
#include "actors/coupon/coupon_rejections.hpp"
#include "actors/coupon/coupon_store.hpp"
#include "actors/errors.hpp"
#include "actors/invoice/invoice_store.hpp"
#include "actors/order/order_holds.hpp"
#include "actors/order/order_store.hpp"
#include "actors/referral/referral_store.hpp"
#include "persistence/sql.hpp"

namespace checkout::order_placement {
namespace {

using persistence::exec;

std::string pricing_json(const pricing::price_result& p) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("tax_rate");
  w.Int(p.tax_rate);
  w.Key("base_total");
  w.Int64(p.base_total);
  w.Key("discount_percentage");
  w.Int(p.discount_percentage);
  w.Key("tax_breakdown");
  write_tax_parts(w, p.tax_breakdown);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// Checks each line against the catalog as stored now; `found` gets each
// line's internship, in line order.
caf::error check_catalog(pqxx::transaction_base& txn, const cart_state& cart,
                         std::vector<internship>& found) {
  std::vector<std::string> ids;
  for (auto& l : cart.lines) ids.push_back(l.internship_id);
  auto current = catalog_store::find_many(txn, ids);
  std::vector<std::string> changed;
  for (auto& l : cart.lines) {
    auto it = std::find_if(current.begin(), current.end(),
                           [&](const internship& i) { return i.id == l.internship_id; });
    if (it == current.end() || !it->active)
      return make_error(errc::internship_unavailable, l.internship_id + " is not available");
    auto unit = it->unit_price(l.plan_period);
    if (!unit || *unit != l.unit_price || it->currency != l.price_currency)
      changed.push_back("price of " + l.internship_id + " has changed");
    found.push_back(*it);
  }
  if (!changed.empty()) return make_error(errc::price_changed, changed);
  return {};
}

std::vector<coupon> coupon_defs(pqxx::transaction_base& txn, const cart_state& cart) {
  std::vector<coupon> defs;
  for (auto& code : cart.coupons)
    if (auto c = coupon_store::find(txn, code)) defs.push_back(std::move(*c));
  return defs;
}

const coupon* def_of(const std::vector<coupon>& defs, const std::string& code) {
  auto it = std::find_if(defs.begin(), defs.end(),
                         [&](const coupon& c) { return normalize_code(c.code) == code; });
  return it == defs.end() ? nullptr : &*it;
}

bool same_totals(const pricing::price_result& a, const pricing::price_result& b) {
  if (a.total != b.total || a.discount_amount != b.discount_amount || a.tax_total != b.tax_total ||
      a.lines.size() != b.lines.size())
    return false;
  for (size_t i = 0; i < a.lines.size(); ++i)
    if (a.lines[i].total != b.lines[i].total) return false;
  return true;
}

// Re-prices with the coupons as stored now and lists those to hold a use of
// (each that takes something off). A coupon the customer applied that no
// longer applies is an error; a sale's automatic coupon that does not apply is
// simply not used.
caf::expected<pricing::price_result> price_with_coupons(pqxx::transaction_base& txn,
                                                        const request& req, const cart_state& cart,
                                                        const config::settings& cfg,
                                                        std::vector<coupon>& to_hold) {
  auto defs = coupon_defs(txn, cart);
  auto priced = price_cart(cart, cfg, defs, req.now);
  if (!priced) return priced.error();
  std::vector<std::string> reasons;
  bool has_orders = false;
  bool looked_up = false;
  for (auto& d : priced->discounts) {
    auto def = def_of(defs, d.code);
    if (!d.reasons.empty()) {
      if (d.sale) continue;
      for (auto& r : d.reasons) reasons.push_back(d.code + ": " + r);
      continue;
    }
    if (!def || d.amount == 0) continue;
    if (def->first_order_only) {
      if (!looked_up) has_orders = coupon_store::user_has_orders(txn, req.user_id);
      looked_up = true;
      if (has_orders) {
        reasons.push_back(d.code + ": first order only");
        continue;
      }
    }
    to_hold.push_back(*def);
  }
  if (!reasons.empty()) {
    count_rejections(reasons);
    return make_error(errc::coupon_invalid, reasons);
  }
  if (!same_totals(priced->totals, req.cart.totals))
    return make_error(errc::price_changed, "the discounts on the cart have changed");
  return std::move(priced->totals);
}

// A use of each coupon that takes something off; after the order row exists.
caf::error hold_coupons(pqxx::transaction_base& txn, const request& req,
                        const std::vector<coupon>& to_hold) {
  std::vector<std::string> reasons;
  bool claimed = false;
  for (auto& c : to_hold) {
    // Two first orders placed at once: only one of them is the first.
    if (c.first_order_only && !claimed) {
      if (!order_holds::claim_first_order(txn, req.user_id, req.order_token)) {
        reasons.push_back(normalize_code(c.code) + ": first order only");
        continue;
      }
      claimed = true;
    }
    // The cart's user could differ from the payer only if the rules were
    // bypassed; the payer's own referral code is refused here regardless.
    if (!c.referrer_id.empty() && c.referrer_id == req.user_id) {
      reasons.push_back(normalize_code(c.code) + ": this is your own referral code");
      continue;
    }
    if (auto why = order_holds::hold_coupon(txn, c, req.order_token, req.user_id)) {
      reasons.push_back(normalize_code(c.code) + ": " + *why);
      continue;
    }
    if (!c.referrer_id.empty())
      referral_store::record(txn, req.order_token, normalize_code(c.code), c.referrer_id,
                             req.user_id);
  }
  if (!reasons.empty()) {
    count_rejections(reasons);
    return make_error(errc::coupon_invalid, reasons);
  }
  return {};
}

// Placements of one user queue here until the placing transaction ends, so
// the count below sees every order an earlier one committed, whichever
// instance placed it (CONTRACT §14). The two-key form keeps clear of the
// migration lock's single bigint key; users whose ids share a hash only
// queue behind each other.
void lock_user_orders(pqxx::transaction_base& txn, const std::string& user_id) {
  exec(txn, "order_user_lock", "SELECT pg_advisory_xact_lock(5006, hashtext($1))", user_id);
}

// Orders that hold seats while they wait for a payment: awaiting_payment,
// and failed (its customer may retry it, CONTRACT §7), both only until their
// window closes (the expiry scan may not have marked them yet).
std::int64_t open_orders_of(pqxx::transaction_base& txn, const std::string& user_id) {
  auto rows = exec(txn, "order_open_count",
                   "SELECT count(*) FROM orders WHERE user_id = $1 "
                   "AND status IN ('awaiting_payment', 'failed') AND expires_at > now()",
                   user_id);
  return rows[0][0].as<std::int64_t>();
}

}  // namespace

invoice::facts invoice_facts_of(const cart_state& cart, const pricing::price_result& priced,
                                const std::vector<internship>& items, const config::settings& cfg) {
  invoice::facts f;
  f.buyer = {cart.billing.name, cart.billing.gstin, cart.billing.country, cart.billing.state};
  for (size_t i = 0; i < priced.lines.size(); ++i) {
    invoice::line_facts l;
    if (i < items.size()) {
      l.title = items[i].title;
      l.sac = items[i].sac;
    }
    if (l.sac.empty()) l.sac = cfg.sac_default;
    l.taxes = priced.lines[i].taxes;
    f.lines.push_back(std::move(l));
  }
  return f;
}

bool open_order_limit_reached(std::int64_t open, int limit, std::int64_t total) {
  return limit > 0 && total > 0 && open >= limit;
}

caf::expected<order_record> place(pqxx::transaction_base& txn, const request& req,
                                  const config::settings& cfg) {
  // Priced as its actor priced it (a guest cart as a guest's), so the order
  // costs what the customer was shown; the uses are held for the caller.
  const cart_state& cart = req.cart.cart;
  const int open_limit = cfg.max_open_orders_per_user;
  // First, before any row lock: a placement waiting here holds nothing
  // another placement of the same user could be waiting for.
  if (open_limit > 0) lock_user_orders(txn, req.user_id);
  std::vector<internship> items;
  if (auto err = check_catalog(txn, cart, items)) return err;
  {
    std::vector<std::string> ids;
    for (auto& l : cart.lines) ids.push_back(l.internship_id);
    if (auto id = order_store::enrolled_in(txn, req.user_id, ids))
      return make_error(errc::already_enrolled, "already enrolled in " + *id);
  }
  std::vector<coupon> to_hold;
  auto priced = price_with_coupons(txn, req, cart, cfg, to_hold);
  if (!priced) return priced.error();
  if (open_limit > 0 && priced->total > 0 &&
      open_order_limit_reached(open_orders_of(txn, req.user_id), open_limit, priced->total))
    return make_error(errc::too_many_open_orders,
                      std::to_string(open_limit) + " orders already await payment");

  order_record o;
  o.token = req.order_token;
  o.user_id = req.user_id;
  o.cart_token = cart.token;
  o.idempotency_key = req.idempotency_key;
  o.currency = priced->currency;
  o.subtotal = priced->sub_total;
  o.discount_amount = priced->discount_amount;
  o.tax_amount = priced->tax_total;
  o.total = priced->total;
  o.pricing_json = pricing_json(*priced);
  o.expires_at = req.expires_at;
  o.success_url = req.success_url;
  o.cancel_url = req.cancel_url;
  o.buyer_email = req.buyer_email;
  o.invoice_facts_json = invoice::facts_to_json(invoice_facts_of(cart, *priced, items, cfg));
  for (size_t i = 0; i < cart.lines.size(); ++i) {
    auto& l = priced->lines[i];
    o.lines.push_back({static_cast<int>(i + 1), l.internship_id, cart.lines[i].plan_period,
                       l.quantity, l.unit_price, l.base_price, l.discount, l.tax, l.total});
  }
  auto converted =
      exec(txn, "cart_convert",
           "UPDATE carts SET status = 'converted', user_id = $2, version = version + 1, "
           "updated_at = now() WHERE token = $1::uuid AND version = $3 "
           "AND status = 'active'",
           cart.token, req.user_id, cart.version);
  if (converted.affected_rows() != 1) return make_error(errc::cart_changed);

  order_store::insert_order(txn, o);
  if (o.total > 0) {
    payment_info pay;
    pay.payment_token = new_uuid();
    pay.attempt_no = 1;
    pay.gateway = req.gateway;
    pay.status = "pending";
    pay.amount = o.total;
    pay.currency = o.currency;
    pay.expires_at = o.expires_at;
    pay.created_at = req.now;
    order_store::insert_attempt(txn, o.token, pay);
    o.payment = pay;
  }
  // The rows every placement of an internship or a coupon updates, last: each
  // stays locked until the commit, so taking them before the order's own
  // writes made every such placement wait out those round trips too.
  if (auto id = order_holds::hold_seats(txn, o.lines))
    return make_error(errc::sold_out, *id + " has no seats left");
  if (auto err = hold_coupons(txn, req, to_hold)) return err;
  if (o.total == 0) {
    // Nothing to pay: completed and enrolled at once, through the same machine.
    auto d = order_state(o.status).decide(event_of(order_event_kind::nothing_to_pay), o.total,
                                          o.currency);
    if (d.what != order_state::verdict::apply) return make_error(errc::internal, "free order");
    exec(txn, "order_complete_free",
         "UPDATE orders SET status = $2, holds = 'final', version = version + 1 "
         "WHERE token = $1::uuid",
         o.token, std::string(to_string(d.target)));
    exec(txn, "coupon_redemptions_redeem_free",
         "UPDATE coupon_redemptions SET status = 'redeemed' WHERE order_token = $1::uuid", o.token);
    o.status = d.target;
    o.holds = "final";
    o.version += 1;
    order_store::add_history(txn, o.token, o.status, "nothing to pay");
    o.history.push_back({"completed", o.created_at, "nothing to pay"});
    order_store::event_batch enrolled;
    o.enrollment_ids = order_store::enroll(txn, o, req.correlation_id, &enrolled);
    order_store::emit(txn, o, "order.completed", req.correlation_id, std::move(enrolled));
    invoice_store::issue(txn, o.token, req.now, invoice::seller_of(cfg));
  }
  return o;
}

}  // namespace checkout::order_placement
