// A cart as the cart actor owns it: a value type with pure operations. The
// actor persists the result of each operation before it replies.
#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/common/time.hpp"

namespace checkout {

struct cart_line {
  std::string internship_id;
  std::optional<period> plan_period;
  int quantity = 1;
  // The unit price when the line was added, in the internship's currency: the
  // order compares it with the current price (CONTRACT §7, code 5002).
  std::int64_t unit_price = 0;
  std::string price_currency;
  std::string category;
};

struct billing_info {
  std::string country = "IN";
  std::string state;
  // For the tax invoice (CONTRACT §16): the buyer's name, and a business's
  // GSTIN (empty: none), validated by set_billing.
  std::string name;
  std::string gstin;
};

struct cart_state {
  std::string token;
  std::string user_id;            // empty: a guest cart
  std::string status = "active";  // active | converted | expired
  std::string currency;
  std::vector<cart_line> lines;
  std::vector<std::string> coupons;
  billing_info billing;
  std::string sale_slug;
  std::string device_id;
  std::string analytics_json;  // opaque, as the client sent it
  std::int64_t version = 0;    // bumped on every stored change
  micros created_at = 0;
  micros updated_at = 0;
  micros expires_at = 0;
};

inline constexpr int max_quantity = 100;

// Adds `quantity` of an internship (or increases its line). Errors: unknown
// period, quantity out of range, inactive or sold out.
caf::expected<cart_state> add_item(cart_state cart, const internship& item, int quantity,
                                   const std::optional<period>& p);

// Whether `quantity` of an internship can be sold now: active (else 1102) and
// no more than its free seats (else 1102).
caf::error check_sellable(const internship& item, int quantity);

// Sets the quantity of an internship's line; 0 removes it. Errors: not in the
// cart (1101), quantity out of range, several lines (periods) for it.
caf::expected<cart_state> set_quantity(cart_state cart, const std::string& internship_id,
                                       int quantity);
// The same, also refusing a quantity the catalog cannot sell now (1102), as
// adding does. `item` is the line's internship as it is now.
caf::expected<cart_state> set_quantity(cart_state cart, const internship& item, int quantity);

// Which internship a plan change (seed 003's PUT /cart/{token}/plan/{plan_id})
// is for: the one named, or the cart's only internship. Errors: an empty cart
// or a named internship not in it (1101); several internships and none named (1000).
caf::expected<std::string> plan_target(const cart_state& cart, const std::string& internship_id);
// Puts every line of `item` on plan `p` at that plan's price, as one line of
// their summed quantity. Errors: not in the cart (1101), a period `item` does
// not offer (1000), inactive or sold out (1102).
caf::expected<cart_state> change_plan(cart_state cart, const internship& item, const period& p);

// Every line's unit price and currency read again from the catalog as it is
// now (the plan's price for a line with a period): what the order compares
// (CONTRACT §7, 5002). A line whose internship is not in `catalog`, or whose
// period it no longer offers, keeps what it had, so placing an order still
// names it.
cart_state reprice(cart_state cart, const std::vector<internship>& catalog);
// Removes every line of an internship; not in the cart is an error (1101).
caf::expected<cart_state> remove_item(cart_state cart, const std::string& internship_id);
// Country (ISO 3166 alpha-2, upper-case) and optional state drive the tax;
// the name (at most 200 characters) and a GSTIN (India only, checked) go on
// the invoice.
caf::expected<cart_state> set_billing(cart_state cart, billing_info billing);
// Moves a guest cart's lines into `target` (the user's active cart).
caf::expected<cart_state> merge_lines(cart_state target, const cart_state& from);

// Whether the cart accepts changes; the error says why not.
caf::error check_writable(const cart_state& cart, micros now);

// Items, coupons and billing as stored in carts.state (JSONB).
std::string state_to_json(const cart_state& cart);
bool state_from_json(const std::string& json, cart_state& cart);

}  // namespace checkout
