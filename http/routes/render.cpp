#include "http/routes/render.hpp"

#include "actors/common/json_write.hpp"
#include "config/url_template.hpp"

namespace checkout::http {

void write_internship(json_writer& w, const internship& i) {
  key_string(w, "id", i.id);
  key_string(w, "title", i.title);
  key_string(w, "category", i.category);
  key_int64(w, "price", i.price);
  key_string(w, "currency", i.currency);
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
  key_string_or_null(w, "sac", i.sac);  // null: SAC_DEFAULT
}

void write_totals(json_writer& w, const pricing::price_result& p) {
  key_string(w, "currency", p.currency);
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
  key_string(w, "token", c.token);
  key_string(w, "cart_url", config::cart_url(cfg, c.token));
  key_string(w, "status", c.status);
  key_string_or_null(w, "user_id", c.user_id);
  key_string(w, "currency", c.currency);
  w.Key("items");
  w.StartArray();
  for (size_t i = 0; i < c.lines.size(); ++i) {
    auto& l = c.lines[i];
    w.StartObject();
    key_string(w, "internship_id", l.internship_id);
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
  key_string(w, "country", c.billing.country);
  key_string_or_null(w, "state", c.billing.state);
  key_string_or_null(w, "name", c.billing.name);
  key_string_or_null(w, "gstin", c.billing.gstin);
  w.EndObject();
  w.Key("totals");
  w.StartObject();
  write_totals(w, v.totals);
  w.EndObject();
  key_string(w, "created_at", to_rfc3339(c.created_at));
  key_string(w, "updated_at", to_rfc3339(c.updated_at));
  key_string(w, "expires_at", to_rfc3339(c.expires_at));
}

void write_estimate(json_writer& w, const pricing::price_result& p) {
  key_string(w, "currency_code", p.currency);
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
    key_string(w, "internship_id", l.internship_id);
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
  key_string(w, "order_token", o.token);
  key_string(w, "status", std::string(to_string(o.status)));
  key_string(w, "cart_token", o.cart_token);
  key_string(w, "currency", o.currency);
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
    key_string(w, "internship_id", l.internship_id);
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
    key_string(w, "payment_token", p.payment_token);
    key_string(w, "gateway", p.gateway);
    key_string(w, "gateway_order_id", p.gateway_order_id);
    key_string(w, "checkout_url", p.checkout_url);
    key_string(w, "status", p.status);
    key_int64(w, "amount", p.amount);
    key_string(w, "currency", p.currency);
    key_string(w, "expires_at", to_rfc3339(p.expires_at));
    w.EndObject();
  } else {
    w.Null();
  }
  if (!o.enrollment_ids.empty()) key_string(w, "enrollment_id", o.enrollment_ids.front());
  w.Key("enrollment_ids");
  w.StartArray();
  for (auto& id : o.enrollment_ids) w.String(id);
  w.EndArray();
  w.Key("history");
  w.StartArray();
  for (auto& h : o.history) {
    w.StartObject();
    key_string(w, "status", h.status);
    key_string(w, "at", to_rfc3339(h.at));
    key_string(w, "reason", h.reason);
    w.EndObject();
  }
  w.EndArray();
  key_string(w, "created_at", to_rfc3339(o.created_at));
  key_string(w, "expires_at", to_rfc3339(o.expires_at));
}

void write_discounts(json_writer& w, const std::vector<cart_discount>& discounts) {
  w.StartArray();
  for (auto& d : discounts) {
    w.StartObject();
    key_string(w, "code", d.code);
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
  key_string(w, "enrollment_id", e.enrollment_id);
  key_string(w, "internship_id", e.internship_id);
  key_string(w, "order_token", e.order_token);
  w.Key("seats");
  w.Int(e.seats);
  key_string(w, "status", e.status);
  key_string(w, "created_at", to_rfc3339(e.created_at));
}

}  // namespace checkout::http
