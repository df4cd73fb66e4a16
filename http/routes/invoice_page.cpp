#include "http/routes/invoice_page.hpp"

#include "actors/common/html_text.hpp"
#include "actors/common/time.hpp"
#include "http/routes/html_page.hpp"

namespace checkout::http {
namespace {

const char* const invoice_style =
    "body{font-family:system-ui,sans-serif;color:#1d2430;max-width:52rem;margin:1.5rem auto;"
    "padding:0 1rem}h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.2rem 0 .3rem}"
    ".parties{display:flex;gap:0 2rem;flex-wrap:wrap}.parties div{flex:1;min-width:14rem}"
    ".parties p{margin:.2rem 0}table{width:100%;border-collapse:collapse;margin-top:.8rem;"
    "font-size:.92rem}th,td{border-bottom:1px solid #dde2ea;padding:.35rem .3rem;"
    "text-align:left;vertical-align:top}td.n,th.n{text-align:right}td.n{white-space:nowrap}"
    "tfoot td{font-weight:600}.payable{font-size:1.15rem;margin-top:.8rem}"
    ".small{color:#555;font-size:.85em}@media print{body{margin:0;max-width:none}}";

// The empty ones are left out: an invoice shows what it knows.
std::string lines_of(const std::vector<std::string>& parts) {
  std::string out;
  for (auto& p : parts)
    if (!p.empty()) out += "<p>" + p + "</p>";
  return out;
}

std::string labelled(const char* label, const std::string& value) {
  return value.empty() ? std::string() : std::string(label) + escape_html(value);
}

std::string taxes_text(const std::vector<pricing::tax_part>& taxes) {
  std::string out;
  for (auto& t : taxes) {
    if (!out.empty()) out += "<br>";
    out += escape_html(t.name) + " " + std::to_string(t.rate) + "%: " + amount_text(t.amount);
  }
  return out.empty() ? "&mdash;" : out;
}

}  // namespace

void write_invoice(json_writer& w, const invoice::document& d) {
  key_string(w, "number", d.number);
  key_string(w, "issued_at", to_rfc3339(d.issued_at));
  w.Key("seller");
  w.StartObject();
  key_string(w, "name", d.seller.name);
  key_string(w, "address", d.seller.address);
  key_string_or_null(w, "gstin", d.seller.gstin);
  key_string(w, "state", d.seller.state);
  w.EndObject();
  w.Key("buyer");
  w.StartObject();
  key_string(w, "name", d.buyer.name);
  key_string_or_null(w, "gstin", d.buyer.gstin);
  w.EndObject();
  key_string(w, "place_of_supply", d.place_of_supply);
  w.Key("lines");
  w.StartArray();
  for (auto& l : d.lines) {
    w.StartObject();
    key_string(w, "internship_id", l.internship_id);
    key_string(w, "title", l.title);
    key_string(w, "sac", l.sac);
    w.Key("quantity");
    w.Int(l.quantity);
    key_int64(w, "taxable_value", l.taxable_value);
    w.Key("taxes");
    write_tax_parts(w, l.taxes);
    key_int64(w, "total", l.total);
    w.EndObject();
  }
  w.EndArray();
  key_int64(w, "taxable_value", d.taxable_value);
  key_int64(w, "tax_total", d.tax_total);
  key_int64(w, "total", d.total);
  key_string(w, "currency", d.currency);
  w.Key("credit_notes");
  w.StartArray();
  for (auto& c : d.credit_notes) {
    w.StartObject();
    key_string(w, "number", c.number);
    key_string(w, "issued_at", to_rfc3339(c.issued_at));
    key_string(w, "invoice_number", c.invoice_number);
    key_string(w, "reason", c.reason);
    key_int64(w, "taxable_value", c.taxable_value);
    key_int64(w, "tax_total", c.tax_total);
    key_int64(w, "total", c.total);
    w.EndObject();
  }
  w.EndArray();
}

std::string invoice_page_body(const invoice::document& d) {
  auto cur = escape_html(d.currency);
  std::string b;
  b += "<p>Number <strong id=\"number\">" + escape_html(d.number) + "</strong> &middot; issued " +
       escape_html(to_rfc3339(d.issued_at).substr(0, 10)) + "</p>";
  b += "<div class=\"parties\"><div><h2>Seller</h2>" +
       lines_of({escape_html(d.seller.name), escape_html(d.seller.address),
                 labelled("GSTIN ", d.seller.gstin), labelled("State ", d.seller.state)}) +
       "</div><div id=\"buyer\"><h2>Buyer</h2>" +
       lines_of({escape_html(d.buyer.name), labelled("GSTIN ", d.buyer.gstin),
                 labelled("Place of supply ", d.place_of_supply)}) +
       "</div></div>";
  b += "<table><thead><tr><th>Description</th><th>SAC</th><th class=\"n\">Qty</th>"
       "<th class=\"n\">Taxable value (" +
       cur + ")</th><th class=\"n\">Tax (" + cur + ")</th><th class=\"n\">Total (" + cur +
       ")</th></tr></thead><tbody>";
  for (auto& l : d.lines)
    b += "<tr><td>" + escape_html(l.title) + "</td><td>" + escape_html(l.sac) +
         "</td><td class=\"n\">" + std::to_string(l.quantity) + "</td><td class=\"n\">" +
         amount_text(l.taxable_value) + "</td><td class=\"n\">" + taxes_text(l.taxes) +
         "</td><td class=\"n\">" + amount_text(l.total) + "</td></tr>";
  b += "</tbody><tfoot><tr><td colspan=\"3\">Total</td><td class=\"n\">" +
       amount_text(d.taxable_value) + "</td><td class=\"n\">" + amount_text(d.tax_total) +
       "</td><td class=\"n\">" + amount_text(d.total) + "</td></tr></tfoot></table>";
  b += "<p class=\"payable\">Amount: <strong id=\"total\">" + money_text(d.total, d.currency) +
       "</strong> (tax " + money_text(d.tax_total, d.currency) + ")</p>";
  for (auto& c : d.credit_notes)
    b += "<h2>Credit note " + escape_html(c.number) + "</h2><p>Issued " +
         escape_html(to_rfc3339(c.issued_at).substr(0, 10)) + " against " +
         escape_html(c.invoice_number) + " for " + money_text(c.total, d.currency) + " (tax " +
         money_text(c.tax_total, d.currency) + ")" +
         (c.reason.empty() ? "" : ": " + escape_html(c.reason)) + ".</p>";
  return b;
}

response invoice_page(const invoice::document& d) {
  page_scripts opts;
  opts.stylesheet = invoice_style;
  return html_page(200, "Tax invoice", invoice_page_body(d), opts);
}

}  // namespace checkout::http
