// GET /api/v1/admin/audit?limit=&cursor= (CONTRACT §13): the admin actions
// recorded by the routes that make them (actors/audit/audit_log.hpp), newest
// first, a page at a time. The query runs on the database pool, never on an
// I/O thread.
#include <pqxx/pqxx>

#include "actors/audit/audit_messages.hpp"
#include "actors/audit/audit_store.hpp"
#include "actors/common/page_cursor.hpp"
#include "http/routes/route_groups.hpp"
#include "persistence/db_pool.hpp"

namespace checkout::http {
namespace {

// Admin only; authentication is checked before the parameters, and every
// problem with them is reported at once (422, code 1000), as on the other
// list routes.
void list_audit(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  std::vector<std::string> problems;
  int limit = page_cursor::default_limit;
  auto limit_text = query_param(req, "limit");
  if (!limit_text.empty()) {
    if (auto n = page_cursor::parse_limit(limit_text))
      limit = *n;
    else
      problems.push_back("limit must be an integer from 1 to " +
                         std::to_string(page_cursor::max_limit));
  }
  std::optional<std::int64_t> before;
  auto cursor = query_param(req, "cursor");
  if (!cursor.empty()) {
    before = audit::decode_cursor(cursor);
    if (!before) problems.push_back("cursor must be the next_cursor of an earlier page");
  }
  if (!problems.empty())
    return answer_error(req, out, make_error(errc::invalid_field, std::move(problems)));
  persistence::db_job job{[before, limit](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    auto page = audit_store::list(txn, before, limit);
    txn.commit();
    return caf::make_message(std::move(page));
  }};
  ask_and_render_as<audit::page>(
      api, api->actors.db, caf::make_message(std::move(job)), req, std::move(out),
      [](const audit::page&) { return 200; }, audit::write_page);
}

}  // namespace

void add_audit_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/admin/audit",
        [api](request&& req, responder out) { list_audit(api, std::move(req), out); });
}

}  // namespace checkout::http
