#include "actors/cart/cart_actor.hpp"

#include <spdlog/spdlog.h>

#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>

#include "actors/cart/cart_pricing.hpp"
#include "actors/cart/cart_store.hpp"
#include "actors/catalog/catalog_store.hpp"
#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/json_write.hpp"
#include "actors/coupon/coupon_rejections.hpp"
#include "actors/coupon/coupon_store.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"

namespace checkout {
namespace {

// The row as loaded (empty when no cart has that token), with the
// definitions of its coupons.
struct loaded_cart {
  std::optional<cart_state> cart;
  std::vector<coupon> defs;
};

// A change as stored: what to answer, and the coupon definitions priced with.
struct stored_cart {
  cart_view view;
  std::vector<coupon> defs;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::loaded_cart)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::stored_cart)

namespace checkout {
namespace {

struct cart_actor_state {
  std::optional<cart_state> cart;   // nullopt: no such cart
  std::vector<coupon> coupon_defs;  // of the coupons on the cart, as last loaded
  // What every handler needs, held once: the handlers refer to these rather
  // than each keeping copies (a token string and six handles per handler were
  // most of a live cart's memory; issue 16).
  actor_context ctx;
  std::string token;
  entity_parent_actor directory;
  static inline const char* name = actor_kinds::cart.name;
  static inline const char* id_key = actor_kinds::cart.id_key;
};

using self_ptr = instrumented_actor<cart_actor_state, cart_actor::base>*;
using cfg_ptr = std::shared_ptr<const config::settings>;

// A change computed on the database thread from the current state.
using mutation =
    std::function<caf::expected<cart_state>(pqxx::transaction_base&, const cart_state&)>;

caf::expected<cart_view> make_view(const cart_state& cart, const config::settings& cfg,
                                   const std::vector<coupon>& defs, bool created = false) {
  auto priced = price_cart(cart, cfg, defs, now_micros());
  if (!priced) return priced.error();
  return cart_view{cart, std::move(priced->totals), created, std::move(priced->discounts)};
}

std::vector<coupon> load_defs(pqxx::transaction_base& txn, const std::vector<std::string>& codes) {
  std::vector<coupon> defs;
  for (auto& code : codes)
    if (auto c = coupon_store::find(txn, code)) defs.push_back(std::move(*c));
  return defs;
}

// The coupon context with what only the database knows: how often the coupon
// was used, by everyone and by this user, and whether the user ordered before.
caf::expected<coupon_context> counted_context(pqxx::transaction_base& txn, const cart_state& cart,
                                              const config::settings& cfg, const coupon& c,
                                              const std::string& user_id) {
  auto ctx = coupon_context_for(cart, cfg, now_micros());
  if (!ctx) return ctx.error();
  ctx->user_id = user_id;
  auto used = coupon_store::usage(txn, c.code, user_id);
  ctx->uses_total = used.total;
  ctx->uses_by_user = used.by_user;
  ctx->user_has_orders = used.user_has_orders;
  ctx->applied = load_defs(txn, cart.coupons);
  return ctx;
}

// Visible to its owner, or to anyone holding the token of a guest cart.
caf::error check_visible(const std::optional<cart_state>& cart, const cart_caller& caller) {
  if (!cart) return make_error(errc::cart_not_found);
  if (!cart->user_id.empty() && cart->user_id != caller.user_id)
    return make_error(errc::cart_not_found);
  return {};
}

caf::error check_readable(const cart_state& cart) {
  if (cart.status == "expired" || (cart.status == "active" && cart.expires_at <= now_micros()))
    return make_error(errc::cart_expired);
  return {};
}

// Who would be enrolled by ordering the cart: its owner, or for a guest cart
// the signed-in caller (who attaches it by ordering).
std::string enrollee(const cart_state& cart, const cart_caller& caller) {
  return cart.user_id.empty() ? caller.user_id : cart.user_id;
}

// 409 1103 when the user already holds an active enrollment for any of `ids`.
caf::error check_not_enrolled(pqxx::transaction_base& txn, const std::string& user_id,
                              const std::vector<std::string>& ids) {
  auto held = cart_store::enrolled_among(txn, user_id, ids);
  if (held.empty()) return {};
  std::vector<std::string> reasons;
  for (auto& id : held) reasons.push_back("already enrolled in " + id);
  return make_error(errc::already_enrolled, std::move(reasons));
}

// Products resolved against the catalog and added one by one (pure after the
// lookup); used by create and by the merge into a user's active cart.
// `user_id`: whose enrollments forbid a product (empty: a guest's, none).
caf::expected<cart_state> add_products(pqxx::transaction_base& txn, cart_state cart,
                                       const std::vector<cart_product>& products,
                                       const std::string& user_id) {
  std::vector<std::string> ids;
  for (auto& p : products) ids.push_back(p.internship_id);
  auto found = catalog_store::find_many(txn, ids);
  for (size_t i = 0; i < products.size(); ++i) {
    auto& p = products[i];
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const internship& x) { return x.id == p.internship_id; });
    if (it == found.end())
      return make_error(errc::internship_unknown, "unknown internship " + p.internship_id);
    if (cart.currency.empty()) cart.currency = it->currency;
    auto next = add_item(std::move(cart), *it, p.quantity, p.plan_period);
    if (!next) return next.error();
    cart = std::move(*next);
  }
  // After the catalog checks, so an unknown id is still 1101.
  if (auto err = check_not_enrolled(txn, user_id, ids)) return err;
  return cart;
}

// What a coupon would take off the cart (POST /cart/discount/validate).
caf::expected<coupon_check> check_coupon(pqxx::transaction_base& txn, const cart_state& current,
                                         const config::settings& cfg, const std::string& code) {
  auto found = coupon_store::find(txn, code);
  if (!found) return coupon_check{false, 0, {"unknown coupon"}};
  auto cctx = counted_context(txn, current, cfg, *found, current.user_id);
  if (!cctx) return cctx.error();
  auto verdict = evaluate(*found, *cctx);
  if (!verdict.ok) return coupon_check{false, 0, verdict.reasons};
  // What it would take off: the cart priced with it added.
  auto with = current;
  with.coupons.push_back(found->code);
  auto defs = cctx->applied;
  defs.push_back(*found);
  auto priced = price_cart(with, cfg, defs, now_micros());
  if (!priced) return priced.error();
  return coupon_check{true, priced->discounts.back().amount, {}};
}

caf::expected<cart_view> view_of(self_ptr self, const config::settings& cfg,
                                 const cart_caller& caller, bool for_checkout) {
  if (auto err = check_visible(self->state.cart, caller)) return err;
  auto& cart = *self->state.cart;
  if (auto err = check_readable(cart)) return err;
  if (for_checkout) {
    if (cart.status == "converted") return make_error(errc::cart_converted);
    if (cart.lines.empty()) return make_error(errc::cart_empty);
  }
  return make_view(cart, cfg, self->state.coupon_defs);
}

// Runs `then` on the committed cart: the version is checked, and the cart
// reloaded only when another process changed it.
template <class Then>
void with_current(self_ptr self, const actor_context& ctx, const std::string& token, Then then) {
  auto known = self->state.cart ? self->state.cart->version : -1;
  with_committed<loaded_cart>(
      self, ctx,
      [token, known](pqxx::connection& c) {
        // One statement when unchanged: no BEGIN and ROLLBACK around it (issue
        // 16). The coupons' definitions need no snapshot shared with the cart.
        pqxx::nontransaction txn(c);
        auto cart = cart_store::load_if_changed(txn, token, known);
        std::vector<coupon> defs;
        if (cart) defs = load_defs(txn, cart->coupons);
        return caf::make_message(loaded_cart{std::move(cart), std::move(defs)});
      },
      [self](loaded_cart& loaded) {
        if (!loaded.cart) return;
        self->state.cart = std::move(loaded.cart);
        self->state.coupon_defs = std::move(loaded.defs);
      },
      std::move(then));
}

// A read answers the cart as committed, whichever instance changed it last.
caf::result<cart_view> view_for(self_ptr self, const actor_context& ctx, const std::string& token,
                                const cart_caller& caller, bool for_checkout) {
  auto rp = self->make_response_promise<cart_view>();
  with_current(self, ctx, token, [=]() mutable {
    auto v = view_of(self, *ctx.cfg, caller, for_checkout);
    if (v)
      rp.deliver(std::move(*v));
    else
      rp.deliver(v.error());
  });
  return rp;
}

void reload(self_ptr self, const actor_context& ctx, const std::string& token,
            const entity_parent_actor& directory) {
  db_request(self, ctx,
             [token](pqxx::connection& c) {
               pqxx::nontransaction txn(c);
               auto cart = cart_store::load(txn, token);
               std::vector<coupon> defs;
               if (cart) defs = load_defs(txn, cart->coupons);
               return caf::make_message(loaded_cart{std::move(cart), std::move(defs)});
             })
      .await(
          [=](loaded_cart& loaded) {
            self->state.cart = std::move(loaded.cart);
            self->state.coupon_defs = std::move(loaded.defs);
            // Nothing to keep in memory for a token that does not exist.
            if (!self->state.cart) self->send(directory, idle_atom::value, token);
          },
          [=](caf::error& err) { self->quit(err); });
}

// Runs `change` on the database thread, stores the result if nobody else
// changed the cart meanwhile, and only then adopts it and replies.
caf::result<cart_view> mutate(self_ptr self, const actor_context& ctx,
                              const entity_parent_actor& directory, const cart_caller& caller,
                              mutation change) {
  if (auto err = check_visible(self->state.cart, caller)) return err;
  if (auto err = check_writable(*self->state.cart, now_micros())) return err;
  auto rp = self->make_response_promise<cart_view>();
  auto current = *self->state.cart;
  auto cfg = ctx.cfg;
  db_request(self, ctx,
             [current, change, cfg, caller](pqxx::connection& c) {
               pqxx::work txn(c);
               auto base = current;
               // Another process may have stored a newer version: then the change
               // is applied again to that version, read under a row lock, so no
               // update is lost and none is silently overwritten.
               for (int attempt = 0;; ++attempt) {
                 auto next = change(txn, base);
                 if (!next) return caf::make_message(next.error());
                 auto now = now_micros();
                 next->version = base.version + 1;
                 next->updated_at = now;
                 next->expires_at = now + to_micros(cfg->cart_ttl);
                 auto defs = load_defs(txn, next->coupons);
                 auto view = make_view(*next, *cfg, defs);
                 if (!view) return caf::make_message(view.error());
                 if (cart_store::update(txn, *next, base.version)) {
                   txn.commit();
                   return caf::make_message(stored_cart{std::move(*view), std::move(defs)});
                 }
                 auto fresh = cart_store::load_for_update(txn, base.token);
                 if (attempt > 0 || !fresh)
                   return caf::make_message(make_error(errc::cart_changed));
                 if (auto err = check_visible(fresh, caller)) return caf::make_message(err);
                 if (auto err = check_writable(*fresh, now_micros())) return caf::make_message(err);
                 base = std::move(*fresh);
               }
             })
      .await(
          [=](stored_cart& stored) mutable {
            self->state.cart = stored.view.cart;
            self->state.coupon_defs = std::move(stored.defs);
            rp.deliver(stored.view);
          },
          [=](caf::error& err) mutable {
            // The stored cart moved on without us (another process): adopt it.
            auto code = static_cast<errc>(err.code());
            if (err.category() == checkout_error_category &&
                (code == errc::cart_changed || code == errc::cart_converted ||
                 code == errc::cart_expired || code == errc::cart_not_found))
              reload(self, ctx, current.token, directory);
            rp.deliver(err);
          });
  return rp;
}

// What an operator sees of this cart (GET /admin/actors/cart/{token}).
actor_snapshot inspect(self_ptr self, const config::settings& cfg) {
  auto s = self->snapshot_base(cfg.actor_idle_timeout);
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  const auto& cart = self->state.cart;
  if (!cart) {
    s.status = "not_found";
  } else {
    s.status = cart->status;
    s.version = cart->version;
    if (cart->expires_at > 0) s.timers.push_back({"cart_ttl", cart->expires_at});
    w.Key("guest");
    w.Bool(cart->user_id.empty());
    w.Key("currency");
    w.String(cart->currency);
    w.Key("lines");
    w.Uint64(cart->lines.size());
    w.Key("coupons");
    w.StartArray();
    for (const auto& c : cart->coupons) w.String(c);
    w.EndArray();
    w.Key("expires_at");
    w.String(to_rfc3339(cart->expires_at));
  }
  w.EndObject();
  s.state_json = buf.GetString();
  return s;
}

cart_actor::behavior_type cart_behavior(self_ptr self, actor_context context, std::string id,
                                        entity_parent_actor parent, bool fresh) {
  self->state.ctx = std::move(context);
  self->state.token = std::move(id);
  self->state.directory = std::move(parent);
  // References into the state, which outlives every call of the handlers.
  const actor_context& ctx = self->state.ctx;
  const std::string& token = self->state.token;
  const entity_parent_actor& directory = self->state.directory;
  const auto& cfg = ctx.cfg;
  self->set_instance_id(token);
  if (!fresh) reload(self, ctx, token, directory);
  return {
      [=, &ctx, &token, &directory, &cfg](create_atom,
                                          cart_create_request req) -> caf::result<cart_view> {
        auto rp = self->make_response_promise<cart_view>();
        db_request(self, ctx,
                   [req, token, cfg](pqxx::connection& c) {
                     pqxx::work txn(c);
                     cart_state cart;
                     cart.token = token;
                     cart.user_id = req.user_id;
                     cart.currency = req.currency;
                     cart.sale_slug = req.sale_slug;
                     cart.device_id = req.device_id;
                     cart.analytics_json = req.analytics_json;
                     auto filled = add_products(txn, std::move(cart), req.products, req.user_id);
                     if (!filled) return caf::make_message(filled.error());
                     auto now = now_micros();
                     filled->version = 1;
                     filled->created_at = filled->updated_at = now;
                     filled->expires_at = now + to_micros(cfg->cart_ttl);
                     std::vector<coupon> defs;
                     // A sale's coupon applies by itself to a cart made for that sale.
                     if (!req.sale_slug.empty())
                       if (auto sale = coupon_store::find_by_sale_slug(txn, req.sale_slug)) {
                         auto cctx = counted_context(txn, *filled, *cfg, *sale, req.user_id);
                         if (cctx && evaluate(*sale, *cctx).ok) {
                           filled->coupons.push_back(sale->code);
                           defs.push_back(*sale);
                         }
                       }
                     auto view = make_view(*filled, *cfg, defs, true);
                     if (!view) return caf::make_message(view.error());
                     try {
                       cart_store::insert(txn, *filled);
                       if (!req.idempotency_key.empty())
                         cart_store::record_key_effect(txn, req.user_id, req.idempotency_key, token,
                                                       true);
                       txn.commit();
                     } catch (const pqxx::unique_violation&) {
                       // The user got an active cart concurrently; the caller may retry.
                       return caf::make_message(make_error(errc::cart_changed));
                     }
                     return caf::make_message(stored_cart{std::move(*view), std::move(defs)});
                   })
            .await(
                [=](stored_cart& stored) mutable {
                  self->state.cart = stored.view.cart;
                  self->state.coupon_defs = std::move(stored.defs);
                  rp.deliver(stored.view);
                },
                [=](caf::error& err) mutable {
                  rp.deliver(err);
                  self->send(directory, idle_atom::value, token);
                });
        return rp;
      },
      [=, &ctx, &token, &directory, &cfg](get_atom, const cart_caller& caller) {
        return view_for(self, ctx, token, caller, false);
      },
      [=, &ctx, &token, &directory, &cfg](estimate_atom, const cart_caller& caller) {
        return view_for(self, ctx, token, caller, false);
      },
      [=, &ctx, &token, &directory, &cfg](checkout_atom, const cart_caller& caller) {
        return view_for(self, ctx, token, caller, true);
      },
      [=, &ctx, &token, &directory, &cfg](add_atom, const cart_caller& caller,
                                          cart_product product) {
        return mutate(self, ctx, directory, caller,
                      [product, caller](pqxx::transaction_base& txn, const cart_state& cur) {
                        return add_products(txn, cur, {product}, enrollee(cur, caller));
                      });
      },
      [=, &ctx, &token, &directory, &cfg](add_atom, const cart_caller& caller,
                                          std::vector<cart_product> products) {
        return mutate(self, ctx, directory, caller,
                      [products, caller](pqxx::transaction_base& txn, const cart_state& cur) {
                        return add_products(txn, cur, products, enrollee(cur, caller));
                      });
      },
      // A keyed POST /cart merging into this cart: the key's effect commits
      // with the products, so a retry after a crash does not add them twice.
      [=, &ctx, &token, &directory, &cfg](add_atom, const cart_caller& caller,
                                          std::vector<cart_product> products,
                                          const std::string& key) {
        return mutate(self, ctx, directory, caller,
                      [products, caller, key](pqxx::transaction_base& txn, const cart_state& cur) {
                        cart_store::record_key_effect(txn, caller.user_id, key, cur.token, false);
                        return add_products(txn, cur, products, enrollee(cur, caller));
                      });
      },
      [=, &ctx, &token, &directory, &cfg](patch_atom, const cart_caller& caller,
                                          const std::string& id, int quantity) {
        return mutate(self, ctx, directory, caller,
                      [id, quantity](pqxx::transaction_base& txn,
                                     const cart_state& cur) -> caf::expected<cart_state> {
                        // Lowering to 0 removes the line, whatever the catalog says now.
                        if (quantity == 0) return set_quantity(cur, id, quantity);
                        auto item = catalog_store::find(txn, id);
                        if (!item) return set_quantity(cur, id, quantity);
                        return set_quantity(cur, *item, quantity);
                      });
      },
      [=, &ctx, &token, &directory, &cfg](reprice_atom, const cart_caller& caller) {
        return mutate(
            self, ctx, directory, caller, [](pqxx::transaction_base& txn, const cart_state& cur) {
              std::vector<std::string> ids;
              for (auto& l : cur.lines) ids.push_back(l.internship_id);
              return caf::expected<cart_state>(reprice(cur, catalog_store::find_many(txn, ids)));
            });
      },
      [=, &ctx, &token, &directory, &cfg](remove_atom, const cart_caller& caller,
                                          const std::string& id) {
        return mutate(
            self, ctx, directory, caller,
            [id](pqxx::transaction_base&, const cart_state& cur) { return remove_item(cur, id); });
      },
      [=, &ctx, &token, &directory, &cfg](plan_atom, const cart_caller& caller,
                                          const std::string& id, const period& p) {
        return mutate(self, ctx, directory, caller,
                      [id, p](pqxx::transaction_base& txn,
                              const cart_state& cur) -> caf::expected<cart_state> {
                        auto target = plan_target(cur, id);
                        if (!target) return target.error();
                        auto item = catalog_store::find(txn, *target);
                        if (!item)
                          return make_error(errc::internship_unknown,
                                            *target + " is no longer in the catalog");
                        return change_plan(cur, *item, p);
                      });
      },
      [=, &ctx, &token, &directory, &cfg](billing_atom, const cart_caller& caller,
                                          const billing_info& billing) {
        return mutate(self, ctx, directory, caller,
                      [billing](pqxx::transaction_base&, const cart_state& cur) {
                        return set_billing(cur, billing);
                      });
      },
      [=, &ctx, &token, &directory, &cfg](login_atom,
                                          const std::string& user_id) -> caf::result<cart_view> {
        if (self->state.cart && self->state.cart->user_id == user_id)
          return view_for(self, ctx, token, cart_caller{user_id}, false);
        // Only a guest cart can be attached; anyone else's stays invisible.
        return mutate(self, ctx, directory, cart_caller{user_id},
                      [user_id](pqxx::transaction_base&, const cart_state& cur) {
                        auto next = cur;
                        next.user_id = user_id;
                        return caf::expected<cart_state>(std::move(next));
                      });
      },
      [=, &ctx, &token, &directory, &cfg](login_atom, const std::string& user_id,
                                          const cart_state& guest) {
        return mutate(self, ctx, directory, cart_caller{user_id},
                      [guest, user_id](pqxx::transaction_base& txn,
                                       const cart_state& cur) -> caf::expected<cart_state> {
                        std::vector<std::string> ids;
                        for (auto& l : guest.lines) ids.push_back(l.internship_id);
                        if (auto err = check_not_enrolled(txn, user_id, ids)) return err;
                        return merge_lines(cur, guest);
                      });
      },
      [=, &ctx, &token, &directory, &cfg](expire_atom, const cart_caller& caller) {
        return mutate(self, ctx, directory, caller,
                      [](pqxx::transaction_base&, const cart_state& cur) {
                        auto next = cur;
                        next.status = "expired";
                        return caf::expected<cart_state>(std::move(next));
                      });
      },
      [=, &ctx, &token, &directory, &cfg](coupon_atom, const cart_caller& caller,
                                          const std::string& raw) {
        auto code = normalize_code(raw);
        return mutate(self, ctx, directory, caller,
                      [code, cfg, caller](pqxx::transaction_base& txn,
                                          const cart_state& cur) -> caf::expected<cart_state> {
                        auto c = coupon_store::find(txn, code);
                        if (!c) {
                          count_rejections({"unknown coupon"});
                          return make_error(errc::coupon_invalid, "unknown coupon " + code);
                        }
                        // The cart's owner, as pricing sees it: a guest cart is signed in first.
                        auto user = cur.user_id;
                        auto cctx = counted_context(txn, cur, *cfg, *c, user);
                        if (!cctx) return cctx.error();
                        auto verdict = evaluate(*c, *cctx);
                        if (!verdict.ok) {
                          count_rejections(verdict.reasons);
                          return make_error(errc::coupon_invalid, verdict.reasons);
                        }
                        auto next = cur;
                        next.coupons.push_back(c->code);
                        return next;
                      });
      },
      [=, &ctx, &token, &directory, &cfg](uncoupon_atom, const cart_caller& caller,
                                          const std::string& raw) {
        auto code = normalize_code(raw);
        return mutate(
            self, ctx, directory, caller,
            [code](pqxx::transaction_base&, const cart_state& cur) -> caf::expected<cart_state> {
              auto next = cur;
              if (code.empty()) {
                if (next.coupons.size() != 1)
                  return make_error(errc::invalid_field,
                                    next.coupons.empty() ? "the cart has no coupon"
                                                         : "several coupons: name one with ?code=");
                next.coupons.clear();
                return next;
              }
              auto it = std::find(next.coupons.begin(), next.coupons.end(), code);
              if (it == next.coupons.end())
                return make_error(errc::invalid_field, code + " is not on the cart");
              next.coupons.erase(it);
              return next;
            });
      },
      [=, &ctx, &token, &directory, &cfg](validate_atom, const cart_caller& caller,
                                          const std::string& raw) {
        auto rp = self->make_response_promise<coupon_check>();
        with_current(self, ctx, token, [=]() mutable {
          auto err = check_visible(self->state.cart, caller);
          if (!err) err = check_readable(*self->state.cart);
          if (err) {
            rp.deliver(err);
            return;
          }
          db_request(
              self, ctx,
              [code = normalize_code(raw), current = *self->state.cart, cfg](pqxx::connection& c) {
                pqxx::nontransaction txn(c);
                auto check = check_coupon(txn, current, *cfg, code);
                return check ? caf::make_message(std::move(*check))
                             : caf::make_message(check.error());
              })
              .then([rp](coupon_check& check) mutable { rp.deliver(std::move(check)); },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
        });
        return rp;
      },
      [=, &ctx, &token, &directory, &cfg](converted_atom) { reload(self, ctx, token, directory); },
      [=, &ctx, &token, &directory, &cfg](passivate_atom) { self->passivate(); },
      [=, &ctx, &token, &directory, &cfg](inspect_atom) { return inspect(self, *cfg); },
      caf::after(cfg->actor_idle_timeout) >>
          [self, &directory, &token] { self->send(directory, idle_atom::value, token); },
  };
}

}  // namespace

cart_actor spawn_cart_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                            entity_parent_actor directory, bool fresh) {
  return sys.spawn(cart_behavior, ctx, std::move(token), std::move(directory), fresh);
}

}  // namespace checkout
