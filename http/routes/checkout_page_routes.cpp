// Pages a customer's browser visits around a payment (CONTRACT §8): the
// hand-off to Razorpay's hosted checkout for one payment attempt, and the
// return page a gateway redirects to. The return page only shows where the
// order stands: the order's truth comes from webhooks and the gateway's API.
#include "actors/common/ids.hpp"
#include "actors/order/return_urls.hpp"
#include "http/redirect.hpp"
#include "http/routes/html_page.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

// A JavaScript string literal that cannot close its <script> element.
std::string js_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '<') {
      out += "\\u003c";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void razorpay_page(const api_ptr& api, request&& req, responder out) {
  auto token = req.params.at("payment_token");
  auto& cfg = *api->actors.cfg;
  ask<payment_info>(
      *api->sys, api->actors.orders, api->actors.db_timeout,
      std::make_tuple(get_atom::value, payment_lookup{token}),
      [=, key_id = cfg.razorpay_key_id, base = cfg.public_base_url](payment_info& p) {
        if (p.gateway != "razorpay" || p.gateway_order_id.empty() || p.status != "created") {
          out.send(html_page(
              409, "Payment",
              "<p>This payment is " + escape_html(p.status) + " and cannot be paid here.</p>"));
          return;
        }
        auto back = base + "/api/v1/checkout/return?payment_token=" + p.payment_token;
        // The page's CSP names checkout.js, this inline script (by hash) and
        // what checkout.js itself loads (Razorpay's published allow-list).
        page_scripts scripts;
        scripts.external = {"https://checkout.razorpay.com/v1/checkout.js"};
        scripts.inline_code =
            "var rzp = new Razorpay({key: " + js_string(key_id) +
            ", amount: " + std::to_string(p.amount) + ", currency: " + js_string(p.currency) +
            ", order_id: " + js_string(p.gateway_order_id) + ", callback_url: " + js_string(back) +
            ", redirect: true});"
            "document.getElementById('pay').onclick = function (e) { rzp.open(); "
            "e.preventDefault(); };";
        scripts.also_allow = {{"script-src", "https://cdn.razorpay.com"},
                              {"frame-src", "https://api.razorpay.com"},
                              {"connect-src", "https://lumberjack.razorpay.com"},
                              {"connect-src", "https://lumberjack-metrics.razorpay.com"},
                              {"img-src", "https://cdn.razorpay.com"},
                              {"form-action", "https://api.razorpay.com"}};
        scripts.inline_styles = true;  // checkout.js inserts a <style> of its own
        out.send(html_page(200, "Payment",
                           "<p>Amount: <b>" + money_text(p.amount, p.currency) +
                               "</b></p><button id=\"pay\">Pay with Razorpay</button>",
                           scripts));
      },
      [=](const caf::error& err) {
        auto v = describe(err);
        out.send(html_page(v.status, "Payment", "<p>" + escape_html(v.message) + "</p>"));
      });
}

response thank_you_page() {
  return html_page(200, "Thank you",
                   "<p>Your payment is being confirmed with the gateway. Your order page "
                   "shows its status as soon as the gateway has told us.</p>");
}

// Where a gateway returns the buyer. With the order's token (the default
// success_url / cancel_url) or a payment's (Razorpay's callback_url), the
// buyer goes on to the storefront's order page, which shows the status as
// the webhooks set it; without either, a page that says what happens next.
// Only tokens of the right shape are redirected to: nothing else from the
// query reaches the Location header.
void return_page(const api_ptr& api, request&& req, responder out) {
  auto base = api->actors.cfg->public_base_url;
  auto order_token = query_param(req, "order_token");
  if (is_uuid(order_token)) return out.send(see_other(return_urls::order_page(base, order_token)));
  auto payment_token = query_param(req, "payment_token");
  if (!is_uuid(payment_token)) return out.send(thank_you_page());
  ask<hosted_payment>(
      *api->sys, api->actors.orders, api->actors.db_timeout,
      std::make_tuple(get_atom::value, hosted_payment_lookup{payment_token}),
      [=](hosted_payment& h) { out.send(see_other(return_urls::order_page(base, h.order_token))); },
      [=](const caf::error&) { out.send(thank_you_page()); });
}

}  // namespace

void add_checkout_page_routes(router& r, const api_ptr& api) {
  if (config::razorpay_configured(*api->actors.cfg))
    r.add("GET", "/api/v1/checkout/razorpay/{payment_token}",
          [api](request&& req, responder out) { razorpay_page(api, std::move(req), out); });
  // Gateways return with GET (Stripe) or POST (Razorpay's callback_url).
  for (auto method : {"GET", "POST"})
    r.add(method, "/api/v1/checkout/return",
          [api](request&& req, responder out) { return_page(api, std::move(req), out); });
}

}  // namespace checkout::http
