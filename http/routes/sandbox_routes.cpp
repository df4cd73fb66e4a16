// The sandbox gateway's hosted checkout page (CONTRACT §8): Pay and Fail
// buttons that send a signed Razorpay-format webhook through the real intake.
#include "http/routes/html_page.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

void page(const api_ptr& api, request&& req, responder out) {
  auto token = req.params.at("payment_token");
  ask<payment_info>(
      *api->sys, api->actors.orders, api->actors.db_timeout,
      std::make_tuple(get_atom::value, payment_lookup{token}),
      [=](payment_info& p) {
        if (p.gateway != "sandbox" || p.gateway_order_id.empty()) {
          auto v = describe(errc::order_not_found);
          out.send(
              html_page(v.status, "Sandbox checkout", "<p>" + escape_html(v.message) + "</p>"));
          return;
        }
        auto base = "/api/v1/sandbox/checkout/" + escape_html(token);
        out.send(html_page(200, "Sandbox checkout",
                           "<p>Gateway order <code>" + escape_html(p.gateway_order_id) +
                               "</code></p><p>Amount: <b>" + money_text(p.amount, p.currency) +
                               "</b></p><p>Status: " + escape_html(p.status) +
                               "</p><form method=\"post\" action=\"" + base +
                               "/pay\"><button>Pay</button></form><form method=\"post\" action=\"" +
                               base + "/fail\"><button>Fail</button></form>"));
      },
      [=](const caf::error& err) {
        auto v = describe(err);
        out.send(html_page(v.status, "Sandbox checkout", "<p>" + escape_html(v.message) + "</p>"));
      });
}

void press(const api_ptr& api, request&& req, responder out, bool pay) {
  sandbox_action a{req.params.at("payment_token"), pay, req.correlation_id};
  ask<webhook_outcome>(
      *api->sys, api->webhooks, api->actors.db_timeout * 3,
      caf::make_message(sandbox_atom::value, std::move(a)),
      [=](webhook_outcome& o) {
        out.send(html_page(200, pay ? "Payment sent" : "Payment failed",
                           "<p>The sandbox gateway reported the payment as " +
                               std::string(pay ? "captured" : "failed") + " (" +
                               escape_html(o.result) + ").</p>"));
      },
      [=](const caf::error& err) {
        auto v = describe(err);
        out.send(html_page(v.status, "Sandbox checkout", "<p>" + escape_html(v.message) + "</p>"));
      });
}

}  // namespace

void add_sandbox_routes(router& r, const api_ptr& api) {
  // Development only (CONTRACT §13): in production the sandbox does not exist.
  if (!config::sandbox_enabled(*api->actors.cfg)) return;
  r.add("GET", "/api/v1/sandbox/checkout/{payment_token}",
        [api](request&& req, responder out) { page(api, std::move(req), out); });
  r.add("POST", "/api/v1/sandbox/checkout/{payment_token}/pay",
        [api](request&& req, responder out) { press(api, std::move(req), out, true); });
  r.add("POST", "/api/v1/sandbox/checkout/{payment_token}/fail",
        [api](request&& req, responder out) { press(api, std::move(req), out, false); });
}

}  // namespace checkout::http
