#include "actors/catalog/catalog_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/audit/audit_messages.hpp"
#include "actors/audit/audit_store.hpp"
#include "actors/catalog/catalog_cursor.hpp"
#include "actors/catalog/catalog_messages.hpp"
#include "actors/catalog/catalog_store.hpp"
#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "persistence/db_pool.hpp"

namespace checkout {
namespace {

// The catalog holds no state of its own: every answer comes from the table, so
// two processes on one database always agree on prices and seats.
struct catalog_actor_state {
  static inline const char* name = actor_kinds::catalog.name;
};

caf::behavior catalog_actor(instrumented_actor<catalog_actor_state>* self, actor_context ctx) {
  auto job = [](auto task) { return persistence::db_job{std::move(task)}; };
  // Each request is delegated to a database worker, which answers the asker.
  return {
      [=](create_atom, internship item, audit::admin_stamp by) {
        return self->delegate(ctx.db, job([item, by](pqxx::connection& c) {
                                pqxx::work txn(c);
                                if (!catalog_store::insert(txn, item))
                                  return caf::make_message(make_error(errc::internship_exists,
                                                                      "id " + item.id + " exists"));
                                auto stored = catalog_store::find(txn, item.id);
                                // Recorded with the change: neither commits alone.
                                audit_store::insert(txn, {audit::action::internship_create, item.id,
                                                          by, audit::created_detail(item)});
                                txn.commit();
                                return caf::make_message(internship_reply{*stored});
                              }));
      },
      [=](patch_atom, std::string id, internship_patch patch, audit::admin_stamp by) {
        return self->delegate(ctx.db, job([id, patch, by](pqxx::connection& c) {
                                pqxx::work txn(c);
                                auto updated = catalog_store::update(txn, id, patch);
                                if (!updated)
                                  return caf::make_message(make_error(errc::internship_not_found));
                                audit_store::insert(txn, {audit::action::internship_update, id, by,
                                                          audit::updated_detail(patch)});
                                txn.commit();
                                return caf::make_message(internship_reply{*updated});
                              }));
      },
      [=](get_atom, std::string id) {
        return self->delegate(ctx.db, job([id](pqxx::connection& c) {
                                pqxx::read_transaction txn(c);
                                auto found = catalog_store::find(txn, id);
                                if (!found)
                                  return caf::make_message(make_error(errc::internship_not_found));
                                return caf::make_message(internship_reply{*found});
                              }));
      },
      [=](list_atom, catalog_list_request rq) {
        return self->delegate(ctx.db, job([rq](pqxx::connection& c) {
                                pqxx::read_transaction txn(c);
                                // One row more than the page tells whether another page follows.
                                auto rows = catalog_store::list(txn, rq.category, rq.after,
                                                                rq.limit + 1, rq.include_inactive);
                                catalog_page page;
                                page.next_after = catalog_cursor::cut_page(
                                    rows, static_cast<std::size_t>(rq.limit));
                                page.items = std::move(rows);
                                return caf::make_message(std::move(page));
                              }));
      },
  };
}

}  // namespace

caf::actor spawn_catalog_actor(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(catalog_actor, ctx);
}

}  // namespace checkout
