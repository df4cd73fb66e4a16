#include "actors/cart/cart_state.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "actors/errors.hpp"

namespace checkout {

caf::expected<cart_state> add_item(cart_state cart, const internship& item, int quantity,
                                   const std::optional<period>& p) {
  if (!item.active) return make_error(errc::internship_unavailable, item.id + " is not active");
  auto unit = item.unit_price(p);
  if (!unit)
    return make_error(errc::invalid_field, item.plans.empty()
                                               ? "period is not offered for " + item.id
                                               : "period must name one of the plans of " + item.id);
  auto it = std::find_if(cart.lines.begin(), cart.lines.end(), [&](const cart_line& l) {
    return l.internship_id == item.id && l.plan_period == p;
  });
  int total = quantity + (it == cart.lines.end() ? 0 : it->quantity);
  if (quantity < 1 || total > max_quantity)
    return make_error(errc::invalid_field, "quantity must be an integer from 1 to 100");
  if (auto avail = item.seats_available(); avail && *avail < total)
    return make_error(errc::internship_unavailable, item.id + " is sold out");
  if (it == cart.lines.end()) {
    cart.lines.push_back({item.id, p, quantity, *unit, item.currency, item.category});
  } else {
    it->quantity = total;
    it->unit_price = *unit;
    it->price_currency = item.currency;
  }
  return cart;
}

caf::error check_writable(const cart_state& cart, micros now) {
  if (cart.status == "converted") return make_error(errc::cart_converted);
  if (cart.status == "expired" || cart.expires_at <= now) return make_error(errc::cart_expired);
  return {};
}

std::string state_to_json(const cart_state& cart) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("lines");
  w.StartArray();
  for (auto& l : cart.lines) {
    w.StartObject();
    w.Key("internship_id");
    w.String(l.internship_id);
    if (l.plan_period) {
      w.Key("period");
      w.StartObject();
      w.Key("value");
      w.Int(l.plan_period->value);
      w.Key("unit");
      w.String(l.plan_period->unit);
      w.EndObject();
    }
    w.Key("quantity");
    w.Int(l.quantity);
    w.Key("unit_price");
    w.Int64(l.unit_price);
    w.Key("price_currency");
    w.String(l.price_currency);
    w.Key("category");
    w.String(l.category);
    w.EndObject();
  }
  w.EndArray();
  w.Key("coupons");
  w.StartArray();
  for (auto& c : cart.coupons) w.String(c);
  w.EndArray();
  w.Key("billing");
  w.StartObject();
  w.Key("country");
  w.String(cart.billing.country);
  w.Key("state");
  w.String(cart.billing.state);
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

bool state_from_json(const std::string& json, cart_state& cart) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject()) return false;
  cart.lines.clear();
  cart.coupons.clear();
  if (d.HasMember("lines") && d["lines"].IsArray()) {
    for (auto& el : d["lines"].GetArray()) {
      cart_line l;
      l.internship_id = el["internship_id"].GetString();
      if (el.HasMember("period"))
        l.plan_period = period{el["period"]["value"].GetInt(), el["period"]["unit"].GetString()};
      l.quantity = el["quantity"].GetInt();
      l.unit_price = el["unit_price"].GetInt64();
      l.price_currency = el["price_currency"].GetString();
      if (el.HasMember("category")) l.category = el["category"].GetString();
      cart.lines.push_back(std::move(l));
    }
  }
  if (d.HasMember("coupons") && d["coupons"].IsArray())
    for (auto& c : d["coupons"].GetArray()) cart.coupons.emplace_back(c.GetString());
  if (d.HasMember("billing") && d["billing"].IsObject()) {
    cart.billing.country = d["billing"]["country"].GetString();
    cart.billing.state = d["billing"]["state"].GetString();
  }
  return true;
}

}  // namespace checkout
