#include "http/routes/render.hpp"

#include "actors/common/json_write.hpp"
#include "config/url_template.hpp"

namespace checkout::http {
namespace {

void key_int64(json_writer& w, const char* key, std::int64_t v) {
  w.Key(key);
  w.Int64(v);
}

void key_str(json_writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v);
}

void key_str_or_null(json_writer& w, const char* key, const std::string& v) {
  w.Key(key);
  if (v.empty())
    w.Null();
  else
    w.String(v);
}

}  // namespace

void write_internship(json_writer& w, const internship& i) {
  key_str(w, "id", i.id);
  key_str(w, "title", i.title);
  key_str(w, "category", i.category);
  key_int64(w, "price", i.price);
  key_str(w, "currency", i.currency);
  w.Key("seats_total");
  if (i.seats_total)
    w.Int(*i.seats_total);
  else
    w.Null();
  w.Key("seats_available");
  if (auto a = i.seats_available())
    w.Int(*a);
  else
    w.Null();
  w.Key("plans");
  w.StartArray();
  for (auto& p : i.plans) {
    w.StartObject();
    w.Key("period");
    write_period(w, p.length);
    key_int64(w, "price", p.price);
    w.EndObject();
  }
  w.EndArray();
  w.Key("is_free");
  w.Bool(i.is_free());
  w.Key("active");
  w.Bool(i.active);
}

void write_totals(json_writer& w, const pricing::price_result& p) {
  key_str(w, "currency", p.currency);
  key_int64(w, "base_total", p.base_total);
  key_int64(w, "discount_amount", p.discount_amount);
  key_int64(w, "sub_total", p.sub_total);
  key_int64(w, "tax_total", p.tax_total);
  key_int64(w, "total", p.total);
  w.Key("discount_percentage");
  w.Int(p.discount_percentage);
  w.Key("tax_rate");
  w.Int(p.tax_rate);
  w.Key("tax_breakdown");
  write_tax_parts(w, p.tax_breakdown);
}

void write_cart(json_writer& w, const cart_view& v, const config::settings& cfg) {
  auto& c = v.cart;
  key_str(w, "token", c.token);
  key_str(w, "cart_url", config::cart_url(cfg, c.token));
  key_str(w, "status", c.status);
  key_str_or_null(w, "user_id", c.user_id);
  key_str(w, "currency", c.currency);
  w.Key("items");
  w.StartArray();
  for (size_t i = 0; i < c.lines.size(); ++i) {
    auto& l = c.lines[i];
    w.StartObject();
    key_str(w, "internship_id", l.internship_id);
    w.Key("period");
    if (l.plan_period)
      write_period(w, *l.plan_period);
    else
      w.Null();
    w.Key("quantity");
    w.Int(l.quantity);
    if (i < v.totals.lines.size()) {
      auto& r = v.totals.lines[i];
      key_int64(w, "unit_price", r.unit_price);
      key_int64(w, "base_price", r.base_price);
      key_int64(w, "discount_amount", r.discount);
      key_int64(w, "tax_total", r.tax);
      key_int64(w, "total", r.total);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("coupons");
  w.StartArray();
  for (auto& code : c.coupons) w.String(code);
  w.EndArray();
  w.Key("discounts");
  write_discounts(w, v.discounts);
  w.Key("billing");
  w.StartObject();
  key_str(w, "country", c.billing.country);
  key_str_or_null(w, "state", c.billing.state);
  key_str_or_null(w, "name", c.billing.name);
  key_str_or_null(w, "gstin", c.billing.gstin);
  w.EndObject();
  w.Key("totals");
  w.StartObject();
  write_totals(w, v.totals);
  w.EndObject();
  key_str(w, "created_at", to_rfc3339(c.created_at));
  key_str(w, "updated_at", to_rfc3339(c.updated_at));
  key_str(w, "expires_at", to_rfc3339(c.expires_at));
}

void write_estimate(json_writer& w, const pricing::price_result& p) {
  key_str(w, "currency_code", p.currency);
  w.Key("tax_rate");
  w.Int(p.tax_rate);
  key_int64(w, "sub_total", p.sub_total);
  key_int64(w, "total", p.total);
  key_int64(w, "tax_total", p.tax_total);
  key_int64(w, "discount_amount", p.discount_amount);
  w.Key("discount_percentage");
  w.Int(p.discount_percentage);
  key_int64(w, "base_total", p.base_total);
  w.Key("tax_breakdown");
  write_tax_parts(w, p.tax_breakdown);
  w.Key("items");
  w.StartArray();
  for (auto& l : p.lines) {
    w.StartObject();
    key_str(w, "internship_id", l.internship_id);
    w.Key("quantity");
    w.Int(l.quantity);
    key_int64(w, "base_price", l.base_price);
    key_int64(w, "discount_amount", l.discount);
    key_int64(w, "total", l.total);
    key_int64(w, "tax_total", l.tax);
    w.Key("discount_percentage");
    w.Int(l.discount_percentage);
    w.EndObject();
  }
  w.EndArray();
}

void write_order(json_writer& w, const order_record& o) {
  key_str(w, "order_token", o.token);
  key_str(w, "status", std::string(to_string(o.status)));
  key_str(w, "cart_token", o.cart_token);
  key_str(w, "currency", o.currency);
  key_int64(w, "subtotal", o.subtotal);
  key_int64(w, "discount_amount", o.discount_amount);
  key_int64(w, "tax_amount", o.tax_amount);
  key_int64(w, "total", o.total);
  w.Key("items");
  w.StartArray();
  for (auto& l : o.lines) {
    w.StartObject();
    w.Key("line_no");
    w.Int(l.line_no);
    key_str(w, "internship_id", l.internship_id);
    w.Key("period");
    if (l.plan_period)
      write_period(w, *l.plan_period);
    else
      w.Null();
    w.Key("quantity");
    w.Int(l.quantity);
    key_int64(w, "unit_price", l.unit_price);
    key_int64(w, "base_price", l.base_price);
    key_int64(w, "discount_amount", l.discount_amount);
    key_int64(w, "tax_amount", l.tax_amount);
    key_int64(w, "total", l.total);
    w.EndObject();
  }
  w.EndArray();
  w.Key("payment");
  if (o.payment) {
    auto& p = *o.payment;
    w.StartObject();
    key_str(w, "payment_token", p.payment_token);
    key_str(w, "gateway", p.gateway);
    key_str(w, "gateway_order_id", p.gateway_order_id);
    key_str(w, "checkout_url", p.checkout_url);
    key_str(w, "status", p.status);
    key_int64(w, "amount", p.amount);
    key_str(w, "currency", p.currency);
    key_str(w, "expires_at", to_rfc3339(p.expires_at));
    w.EndObject();
  } else {
    w.Null();
  }
  if (!o.enrollment_ids.empty()) key_str(w, "enrollment_id", o.enrollment_ids.front());
  w.Key("enrollment_ids");
  w.StartArray();
  for (auto& id : o.enrollment_ids) w.String(id);
  w.EndArray();
  w.Key("history");
  w.StartArray();
  for (auto& h : o.history) {
    w.StartObject();
    key_str(w, "status", h.status);
    key_str(w, "at", to_rfc3339(h.at));
    key_str(w, "reason", h.reason);
    w.EndObject();
  }
  w.EndArray();
  key_str(w, "created_at", to_rfc3339(o.created_at));
  key_str(w, "expires_at", to_rfc3339(o.expires_at));
}

void write_discounts(json_writer& w, const std::vector<cart_discount>& discounts) {
  w.StartArray();
  for (auto& d : discounts) {
    w.StartObject();
    key_str(w, "code", d.code);
    key_int64(w, "amount", d.amount);
    w.Key("sale");
    w.Bool(d.sale);
    w.Key("active");
    w.Bool(d.reasons.empty());
    w.Key("reasons");
    w.StartArray();
    for (auto& r : d.reasons) w.String(r);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void write_enrollment(json_writer& w, const enrollment_record& e) {
  key_str(w, "enrollment_id", e.enrollment_id);
  key_str(w, "internship_id", e.internship_id);
  key_str(w, "order_token", e.order_token);
  w.Key("seats");
  w.Int(e.seats);
  key_str(w, "status", e.status);
  key_str(w, "created_at", to_rfc3339(e.created_at));
}

}  // namespace checkout::http
