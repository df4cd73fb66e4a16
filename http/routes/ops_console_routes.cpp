// What the operator console (/admin) reads besides /metrics and the other
// admin routes (admin JWT, CONTRACT §2):
//   GET /api/v1/admin/webhooks?limit=&cursor=&result=  the webhook inbox, newest first
//   GET /api/v1/admin/gateways                        gateways and their breakers
// The inbox query runs on the database pool; the breakers come from the
// payment router's typed interface (status_atom), never from shared state.
#include <pqxx/pqxx>

#include "actors/common/page_cursor.hpp"
#include "actors/payment/gateway_report.hpp"
#include "actors/payment/payment_interface.hpp"
#include "actors/webhook/inbox_store.hpp"
#include "actors/webhook/webhook_log.hpp"
#include "http/routes/route_groups.hpp"
#include "persistence/db_pool.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::webhook_log::page)

namespace checkout::http {
namespace {

// As GET /admin/audit: authentication before parameters, every problem with
// them at once (422, code 1000).
void list_webhooks(const api_ptr& api, request&& req, responder out) {
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
  std::optional<webhook_log::position> before;
  auto cursor = query_param(req, "cursor");
  if (!cursor.empty()) {
    before = webhook_log::decode_cursor(cursor);
    if (!before) problems.push_back("cursor must be the next_cursor of an earlier page");
  }
  auto result = query_param(req, "result");
  if (!result.empty() && !webhook_log::valid_result_filter(result)) {
    std::string known;
    for (const char* r : webhook_log::stored_results)
      known += (known.empty() ? "" : ", ") + std::string(r);
    problems.push_back("result must be one of " + known);
  }
  if (!problems.empty())
    return answer_error(req, out, make_error(errc::invalid_field, std::move(problems)));
  persistence::db_job job{[before, result, limit](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    auto page = webhook_log::cut_page(inbox_store::recent(txn, before, result, limit),
                                      static_cast<std::size_t>(limit));
    txn.commit();
    return caf::make_message(std::move(page));
  }};
  ask_and_render_as<webhook_log::page>(
      api, api->actors.db, caf::make_message(std::move(job)), req, std::move(out),
      [](const webhook_log::page&) { return 200; }, webhook_log::write_page);
}

void list_gateways(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  auto default_gateway = api->actors.cfg->payment_gateway;
  ask_and_render<std::vector<payment::gateway_status>>(
      api, api->actors.payments, std::make_tuple(status_atom::value), req, std::move(out), 200,
      [default_gateway](json_writer& w, const std::vector<payment::gateway_status>& statuses) {
        payment::write_gateways(w, payment::gateway_report(statuses, default_gateway));
      });
}

}  // namespace

void add_ops_console_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/admin/webhooks",
        [api](request&& req, responder out) { list_webhooks(api, std::move(req), out); });
  r.add("GET", "/api/v1/admin/gateways",
        [api](request&& req, responder out) { list_gateways(api, std::move(req), out); });
}

}  // namespace checkout::http
