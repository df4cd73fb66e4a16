#include "actors/coupon/coupon_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/audit/audit_messages.hpp"
#include "actors/audit/audit_store.hpp"
#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/coupon/coupon_messages.hpp"
#include "actors/coupon/coupon_store.hpp"
#include "actors/errors.hpp"
#include "actors/referral/referral_messages.hpp"
#include "persistence/db_pool.hpp"

namespace checkout {
namespace {

// Which unique key an insert ran into: the code, or else the sale slug.
caf::message taken(pqxx::transaction_base& txn, const coupon& c) {
  if (coupon_store::find(txn, c.code))
    return caf::make_message(make_error(errc::invalid_field, "code " + c.code + " exists"));
  return caf::make_message(
      make_error(errc::invalid_field, "sale_slug " + c.sale_slug + " is used by another coupon"));
}

// Like the catalog, the coupon actor keeps no state: every answer comes from
// the table, so all processes on one database agree on a coupon's limits.
struct coupon_actor_state {
  static inline const char* name = actor_kinds::coupon.name;
};

caf::behavior coupon_actor(instrumented_actor<coupon_actor_state>* self, actor_context ctx) {
  auto job = [](auto task) { return persistence::db_job{std::move(task)}; };
  // Each request is delegated to a database worker, which answers the asker.
  return {
      [=](create_atom, coupon item, audit::admin_stamp by) {
        item.code = normalize_code(item.code);
        return self->delegate(ctx.db, job([item, by](pqxx::connection& c) {
                                pqxx::work txn(c);
                                if (!coupon_store::insert(txn, item)) return taken(txn, item);
                                auto stored = coupon_store::find(txn, item.code);
                                // Recorded with the change: neither commits alone.
                                audit_store::insert(txn, {audit::action::coupon_create, item.code,
                                                          by, audit::created_detail(item)});
                                txn.commit();
                                return caf::make_message(coupon_reply{*stored});
                              }));
      },
      [=](patch_atom, std::string code, coupon_store::coupon_patch patch, audit::admin_stamp by) {
        code = normalize_code(code);
        return self->delegate(
            ctx.db, job([code, patch, by](pqxx::connection& c) {
              pqxx::work txn(c);
              auto found = coupon_store::find(txn, code);
              if (!found)
                return caf::make_message(make_error(errc::invalid_field, "unknown coupon " + code));
              // The request cannot see valid_from; an end before the start
              // would silently make the coupon unusable.
              if (patch.valid_until_set && patch.valid_until != 0 && found->valid_from != 0 &&
                  patch.valid_until <= found->valid_from)
                return caf::make_message(
                    make_error(errc::invalid_field, "valid_until must be after valid_from"));
              auto updated = coupon_store::update(txn, code, patch);
              if (!updated)
                return caf::make_message(make_error(errc::invalid_field, "unknown coupon " + code));
              audit_store::insert(
                  txn, {audit::action::coupon_update, code, by, audit::updated_detail(patch)});
              txn.commit();
              return caf::make_message(coupon_reply{*updated});
            }));
      },
      // Referral codes are coupons (CONTRACT §16).
      [=](referral_atom, const referral_query& q) {
        return self->delegate(
            ctx.db, job([q, percent = ctx.cfg->referral_discount_percent](pqxx::connection& c) {
              pqxx::work txn(c);
              referral_summary out;
              out.code = referral_store::code_of(txn, q.user_id, percent);
              out.referred = referral_store::of_referrer(txn, q.user_id, 100);
              txn.commit();
              return caf::make_message(std::move(out));
            }));
      },
      [=](referral_atom, const referral_report_query& q) {
        return self->delegate(ctx.db, job([q](pqxx::connection& c) {
                                pqxx::read_transaction txn(c);
                                referral_report out;
                                out.totals = referral_store::count_all(txn);
                                out.referrals = referral_store::newest(txn, q.limit);
                                return caf::make_message(std::move(out));
                              }));
      },
  };
}

}  // namespace

caf::actor spawn_coupon_actor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(coupon_actor, ctx);
}

}  // namespace checkout
