#include "actors/cart/cart_state.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "actors/cart/gstin.hpp"
#include "actors/common/json_write.hpp"
#include "actors/errors.hpp"

namespace checkout {

caf::error check_sellable(const internship& item, int quantity) {
  if (!item.active) return make_error(errc::internship_unavailable, item.id + " is not active");
  if (auto avail = item.seats_available(); avail && *avail < quantity)
    return make_error(errc::internship_unavailable,
                      *avail == 0 ? item.id + " is sold out"
                                  : item.id + " has only " + std::to_string(*avail) +
                                        (*avail == 1 ? " seat" : " seats") + " left");
  return {};
}

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
  if (auto err = check_sellable(item, total)) return err;
  if (it == cart.lines.end()) {
    cart.lines.push_back({item.id, p, quantity, *unit, item.currency, item.category});
  } else {
    it->quantity = total;
    it->unit_price = *unit;
    it->price_currency = item.currency;
  }
  return cart;
}

caf::expected<cart_state> set_quantity(cart_state cart, const std::string& internship_id,
                                       int quantity) {
  if (quantity < 0 || quantity > max_quantity)
    return make_error(errc::invalid_field, "quantity must be an integer from 0 to 100");
  auto matches = std::count_if(cart.lines.begin(), cart.lines.end(), [&](const cart_line& l) {
    return l.internship_id == internship_id;
  });
  if (matches == 0)
    return make_error(errc::internship_unknown, internship_id + " is not in the cart");
  if (quantity == 0) return remove_item(std::move(cart), internship_id);
  if (matches > 1)
    return make_error(errc::invalid_field, internship_id +
                                               " is in the cart for several periods; delete it "
                                               "and add the period wanted");
  for (auto& l : cart.lines)
    if (l.internship_id == internship_id) l.quantity = quantity;
  return cart;
}

caf::expected<cart_state> set_quantity(cart_state cart, const internship& item, int quantity) {
  auto next = set_quantity(std::move(cart), item.id, quantity);
  if (!next || quantity == 0) return next;
  if (auto err = check_sellable(item, quantity)) return err;
  return next;
}

cart_state reprice(cart_state cart, const std::vector<internship>& catalog) {
  for (auto& l : cart.lines) {
    auto it = std::find_if(catalog.begin(), catalog.end(),
                           [&](const internship& i) { return i.id == l.internship_id; });
    if (it == catalog.end()) continue;
    auto unit = it->unit_price(l.plan_period);
    if (!unit) continue;
    l.unit_price = *unit;
    l.price_currency = it->currency;
    l.category = it->category;
  }
  return cart;
}

caf::expected<std::string> plan_target(const cart_state& cart, const std::string& internship_id) {
  if (!internship_id.empty()) {
    bool held = std::any_of(cart.lines.begin(), cart.lines.end(),
                            [&](const cart_line& l) { return l.internship_id == internship_id; });
    if (!held) return make_error(errc::internship_unknown, internship_id + " is not in the cart");
    return internship_id;
  }
  if (cart.lines.empty()) return make_error(errc::internship_unknown, "the cart is empty");
  const auto& first = cart.lines.front().internship_id;
  bool one = std::all_of(cart.lines.begin(), cart.lines.end(),
                         [&](const cart_line& l) { return l.internship_id == first; });
  if (!one)
    return make_error(errc::invalid_field,
                      "internship_id is required: the cart holds several internships");
  return first;
}

caf::expected<cart_state> change_plan(cart_state cart, const internship& item, const period& p) {
  int total = 0;
  for (const auto& l : cart.lines)
    if (l.internship_id == item.id) total += l.quantity;
  if (total == 0) return make_error(errc::internship_unknown, item.id + " is not in the cart");
  if (!item.active) return make_error(errc::internship_unavailable, item.id + " is not active");
  auto unit = item.unit_price(p);
  if (!unit || item.plans.empty())
    return make_error(errc::invalid_field,
                      item.plans.empty() ? item.id + " has no plans"
                                         : "plan_id must name one of the plans of " + item.id);
  if (total > max_quantity)
    return make_error(errc::invalid_field, "quantity must be an integer from 1 to 100");
  if (auto err = check_sellable(item, total)) return err;
  auto first = std::find_if(cart.lines.begin(), cart.lines.end(),
                            [&](const cart_line& l) { return l.internship_id == item.id; });
  *first = cart_line{item.id, p, total, *unit, item.currency, item.category};
  cart.lines.erase(std::remove_if(std::next(first), cart.lines.end(),
                                  [&](const cart_line& l) { return l.internship_id == item.id; }),
                   cart.lines.end());
  return cart;
}

caf::expected<cart_state> remove_item(cart_state cart, const std::string& internship_id) {
  auto before = cart.lines.size();
  cart.lines.erase(
      std::remove_if(cart.lines.begin(), cart.lines.end(),
                     [&](const cart_line& l) { return l.internship_id == internship_id; }),
      cart.lines.end());
  if (cart.lines.size() == before)
    return make_error(errc::internship_unknown, internship_id + " is not in the cart");
  return cart;
}

caf::expected<cart_state> set_billing(cart_state cart, billing_info billing) {
  auto upper = [](const std::string& s) {
    return s.size() == 2 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  };
  if (!upper(billing.country))
    return make_error(errc::invalid_field, "country must be an ISO 3166 code like IN");
  if (billing.state.size() > 64) return make_error(errc::invalid_field, "state is too long");
  if (billing.name.size() > 200)
    return make_error(errc::invalid_field, "name must have at most 200 characters");
  if (!billing.gstin.empty()) {
    if (billing.country != "IN")
      return make_error(errc::invalid_field, "gstin is only for billing in India (country IN)");
    if (auto problem = gstin_problem(billing.gstin))
      return make_error(errc::invalid_field, *problem);
  }
  cart.billing = std::move(billing);
  return cart;
}

caf::expected<cart_state> merge_lines(cart_state target, const cart_state& from) {
  for (auto& l : from.lines) {
    auto it = std::find_if(target.lines.begin(), target.lines.end(), [&](const cart_line& t) {
      return t.internship_id == l.internship_id && t.plan_period == l.plan_period;
    });
    if (it == target.lines.end()) {
      target.lines.push_back(l);
    } else {
      // The same internship in both: the larger quantity, not the sum, which
      // would enroll someone twice for one click in each cart.
      it->quantity = std::max(it->quantity, l.quantity);
    }
  }
  return target;
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
      write_period(w, *l.plan_period);
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
  if (!cart.billing.name.empty()) {
    w.Key("name");
    w.String(cart.billing.name);
  }
  if (!cart.billing.gstin.empty()) {
    w.Key("gstin");
    w.String(cart.billing.gstin);
  }
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

namespace {

bool get_string(const rapidjson::Value& obj, const char* key, std::string& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return false;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool get_int(const rapidjson::Value& obj, const char* key, std::int64_t& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return false;
  out = it->value.GetInt64();
  return true;
}

bool line_from_json(const rapidjson::Value& el, cart_line& l) {
  if (!el.IsObject()) return false;
  std::int64_t qty = 0;
  if (!get_string(el, "internship_id", l.internship_id) || !get_int(el, "quantity", qty) ||
      !get_int(el, "unit_price", l.unit_price) ||
      !get_string(el, "price_currency", l.price_currency))
    return false;
  if (qty < 1 || qty > max_quantity || l.unit_price < 0) return false;
  l.quantity = static_cast<int>(qty);
  if (el.HasMember("category") && !get_string(el, "category", l.category)) return false;
  if (el.HasMember("period")) {
    auto& p = el["period"];
    std::int64_t value = 0;
    std::string unit;
    if (!p.IsObject() || !get_int(p, "value", value) || !get_string(p, "unit", unit)) return false;
    l.plan_period = period{static_cast<int>(value), unit};
  }
  return true;
}

}  // namespace

// A stored state of the wrong shape is refused whole rather than half-read.
bool state_from_json(const std::string& json, cart_state& cart) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  std::vector<cart_line> lines;
  std::vector<std::string> coupons;
  billing_info billing;
  if (d.HasMember("lines")) {
    if (!d["lines"].IsArray()) return false;
    for (auto& el : d["lines"].GetArray()) {
      cart_line l;
      if (!line_from_json(el, l)) return false;
      lines.push_back(std::move(l));
    }
  }
  if (d.HasMember("coupons")) {
    if (!d["coupons"].IsArray()) return false;
    for (auto& c : d["coupons"].GetArray()) {
      if (!c.IsString()) return false;
      coupons.emplace_back(c.GetString(), c.GetStringLength());
    }
  }
  if (d.HasMember("billing")) {
    auto& b = d["billing"];
    if (!b.IsObject() || !get_string(b, "country", billing.country) ||
        !get_string(b, "state", billing.state))
      return false;
    // Name and GSTIN came later (CONTRACT §16): carts stored before have neither.
    if ((b.HasMember("name") && !get_string(b, "name", billing.name)) ||
        (b.HasMember("gstin") && !get_string(b, "gstin", billing.gstin)))
      return false;
  }
  cart.lines = std::move(lines);
  cart.coupons = std::move(coupons);
  cart.billing = std::move(billing);
  return true;
}

}  // namespace checkout
