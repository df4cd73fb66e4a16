// Pricing as one pure function (CONTRACT §5): the cart, the estimate and the
// order all call it, so every figure comes from the same arithmetic. Amounts
// are integer minor units; every rounding is half-up.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace checkout::pricing {

struct line_input {
  std::string internship_id;
  std::string category;
  int quantity = 1;
  std::int64_t unit_price = 0;  // already in the cart currency
};

enum class discount_kind { percentage, fixed, free };

struct discount_input {
  std::string code;
  discount_kind kind = discount_kind::fixed;
  std::int64_t value = 0;         // percent (1-100) or minor units
  std::int64_t max_discount = 0;  // 0: no cap
  std::vector<bool> applies_to;   // per line; empty: every line
};

struct tax_context {
  std::string country = "IN";
  std::string billing_state;
  std::string seller_state;
  std::map<std::string, int> other_rates;  // percent by country
};

struct tax_part {
  std::string name;  // CGST, SGST, IGST or TAX
  int rate = 0;      // percent
  std::int64_t amount = 0;
};

struct line_result {
  std::string internship_id;
  int quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t base_price = 0;
  std::int64_t discount = 0;
  std::int64_t taxable = 0;  // base_price - discount
  std::int64_t tax = 0;
  std::int64_t total = 0;  // taxable + tax
  int discount_percentage = 0;
  std::vector<tax_part> taxes;
};

struct discount_result {
  std::string code;
  std::int64_t amount = 0;
};

struct price_result {
  std::string currency;
  int tax_rate = 0;
  std::int64_t base_total = 0;  // Σ base_price
  std::int64_t discount_amount = 0;
  std::int64_t sub_total = 0;  // after discount
  std::int64_t tax_total = 0;
  std::int64_t total = 0;
  int discount_percentage = 0;
  std::vector<tax_part> tax_breakdown;
  std::vector<line_result> lines;
  std::vector<discount_result> discounts;
};

price_result price(const std::string& currency, const std::vector<line_input>& lines,
                   const std::vector<discount_input>& discounts, const tax_context& tax);

// round(numerator / denominator), half-up, for non-negative operands.
std::int64_t div_half_up(__int128 numerator, __int128 denominator);

// Splits `amount` over `weights` pro rata; the parts add up to `amount` exactly
// (largest remainder, ties to the earlier line).
std::vector<std::int64_t> allocate(std::int64_t amount, const std::vector<std::int64_t>& weights);

// Converts an amount at an exact decimal rate, half-up.
std::int64_t convert(std::int64_t amount, const config::fx_rate& rate);

// The tax rate in percent for a billing country (India: GST 18).
int tax_rate_for(const tax_context& tax);

}  // namespace checkout::pricing
