// The sandbox gateway's hosted checkout page (CONTRACT §8), development only:
// it looks like a real gateway's (merchant, line items, amount, time left)
// and its Pay and Fail buttons send a signed Razorpay-format webhook through
// the real intake, then send the buyer back to the order's success_url or
// cancel_url as a real gateway would.
#include <functional>

#include "actors/common/time.hpp"
#include "actors/order/return_urls.hpp"
#include "http/checkout_display.hpp"
#include "http/redirect.hpp"
#include "http/routes/html_page.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

// Counts #time-left down from its data-seconds (written as
// display_time_left writes it), closes the window at zero, and disables the
// buttons once a form is sent so that a double click is one press. Constant,
// so the page's CSP allows it by its hash.
const char* const countdown_script =
    "(function(){var t=document.getElementById('time-left'),"
    "p=document.getElementById('pay');"
    "function d(n){return(n<10?'0':'')+n}"
    "if(t){var end=Date.now()+1000*Number(t.getAttribute('data-seconds'));"
    "(function tick(){var s=Math.max(0,Math.round((end-Date.now())/1000)),"
    "h=Math.floor(s/3600),m=Math.floor(s%3600/60);"
    "t.textContent=(h?h+':'+d(m):m)+':'+d(s%60);"
    "if(s>0){setTimeout(tick,1000)}else if(p){p.disabled=true;"
    "t.textContent='0:00 (the payment window has closed)'}})()}"
    "Array.prototype.forEach.call(document.forms,function(f){"
    "f.addEventListener('submit',function(){"
    "Array.prototype.forEach.call(document.querySelectorAll('button'),"
    "function(b){b.disabled=true})})})})();";

const char* const page_title = "Checkout";

response error_page(const caf::error& err) {
  auto v = describe(err);
  return html_page(v.status, page_title, "<p>" + escape_html(v.message) + "</p>");
}

// Sandbox attempts only: any other token is as good as unknown here.
bool is_sandbox(const hosted_payment& h) {
  return h.payment.gateway == "sandbox" && !h.payment.gateway_order_id.empty();
}

std::int64_t seconds_left(const hosted_payment& h) {
  return (h.payment.expires_at - now_micros()) / 1000000;
}

// Pay is offered only while the attempt is open and its window has not passed.
bool payable(const hosted_payment& h) {
  return h.payment.status == "created" && seconds_left(h) > 0;
}

// Why an attempt cannot be paid, in the buyer's words.
std::string closed_reason(const hosted_payment& h) {
  const auto& s = h.payment.status;
  if (s == "captured") return "This payment has already been made.";
  if (s == "refunded") return "This payment has been made and refunded.";
  if (s == "failed") return "This payment attempt failed and can no longer be paid.";
  return "The time to pay has run out: this payment can no longer be made.";
}

std::string line_items(const hosted_payment& h) {
  std::string out = "<ul id=\"line-items\">";
  for (const auto& l : h.lines)
    out += "<li><span class=\"title\">" + escape_html(l.title) +
           "</span> &times; <span class=\"quantity\">" + std::to_string(l.quantity) +
           "</span> <span class=\"line-amount\">" +
           escape_html(display_money(l.amount, h.payment.currency)) + "</span></li>";
  return out + "</ul>";
}

// Where a press sends the buyer: the storefront's URL with {order_token}
// filled in, or the service's return page when none was given.
std::string return_url(const std::string& public_base_url, const hosted_payment& h, bool paid) {
  return return_urls::resolve(paid ? h.success_url : h.cancel_url, public_base_url, h.order_token);
}

response checkout_page(const std::string& seller, const std::string& base_url,
                       const std::string& token, const hosted_payment& h) {
  auto amount = escape_html(display_money(h.payment.amount, h.payment.currency));
  std::string body = "<p>Pay <b id=\"merchant\">" + escape_html(seller) + "</b></p>" +
                     line_items(h) + "<p>Total <b id=\"amount\">" + amount + "</b> (" +
                     escape_html(h.payment.currency) + ")</p>";
  page_scripts scripts;
  if (payable(h)) {
    auto left = seconds_left(h);
    auto action = "/api/v1/sandbox/checkout/" + escape_html(token);
    body += "<p>Time left to pay: <b id=\"time-left\" data-seconds=\"" + std::to_string(left) +
            "\">" + display_time_left(left) + "</b></p><form method=\"post\" action=\"" + action +
            "/pay\"><button id=\"pay\">Pay " + amount +
            "</button></form><form method=\"post\" action=\"" + action +
            "/fail\"><button id=\"fail\">Fail</button></form>";
    scripts.inline_code = countdown_script;
  } else {
    bool paid = h.payment.status == "captured" || h.payment.status == "refunded";
    body += "<p id=\"expired\">" + escape_html(closed_reason(h)) +
            "</p><p><a id=\"return\" href=\"" + escape_html(return_url(base_url, h, paid)) +
            "\">Back to the shop</a></p>";
  }
  body += "<p class=\"small\">Sandbox gateway: no money moves. Gateway order <code>" +
          escape_html(h.payment.gateway_order_id) + "</code>.</p>";
  return html_page(200, page_title, body, scripts);
}

void ask_hosted(const api_ptr& api, const std::string& token,
                std::function<void(hosted_payment&)> then, responder out) {
  ask<hosted_payment>(
      *api->sys, api->actors.orders, api->actors.db_timeout,
      std::make_tuple(get_atom::value, hosted_payment_lookup{token}),
      [=](hosted_payment& h) {
        if (!is_sandbox(h)) return out.send(error_page(make_error(errc::order_not_found)));
        then(h);
      },
      [=](const caf::error& err) { out.send(error_page(err)); });
}

void page(const api_ptr& api, request&& req, responder out) {
  auto token = req.params.at("payment_token");
  const auto& cfg = *api->actors.cfg;
  ask_hosted(
      api, token,
      [=, seller = cfg.seller_name, base = cfg.public_base_url](hosted_payment& h) {
        out.send(checkout_page(seller, base, token, h));
      },
      out);
}

// Pay or Fail: the signed event goes through the real intake while the
// attempt is open; then the buyer goes where the gateway would send them. A
// press on an attempt already decided (a second click, the back button) sends
// nothing and only redirects, so nothing is charged twice.
void press(const api_ptr& api, request&& req, responder out, bool pay) {
  sandbox_action a{req.params.at("payment_token"), pay, req.correlation_id};
  auto base = api->actors.cfg->public_base_url;
  ask_hosted(
      api, a.payment_token,
      [=](hosted_payment& h) {
        if (!payable(h)) {
          bool paid = h.payment.status == "captured" || h.payment.status == "refunded";
          return out.send(see_other(return_url(base, h, paid)));
        }
        auto to = return_url(base, h, pay);
        ask<webhook_outcome>(
            *api->sys, api->webhooks, api->actors.db_timeout * 3,
            caf::make_message(sandbox_atom::value, a),
            [=](webhook_outcome&) { out.send(see_other(to)); },
            [=](const caf::error& err) { out.send(error_page(err)); });
      },
      out);
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
