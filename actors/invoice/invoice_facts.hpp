// What a tax invoice says of the buyer and of each line, fixed when the order
// is placed (orders.invoice_facts, CONTRACT §16): a later change of the
// cart's billing or of the catalog changes no invoice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/cart/pricing.hpp"

namespace checkout::invoice {

struct buyer_facts {
  std::string name;
  std::string gstin;  // empty: none given
  std::string country;
  std::string state;
};

struct line_facts {
  std::string title;
  std::string sac;
  std::vector<pricing::tax_part> taxes;  // by rate, as priced
};

struct facts {
  buyer_facts buyer;
  std::vector<line_facts> lines;  // in the order's line order
};

std::string facts_to_json(const facts& f);
// Nothing for a malformed document.
std::optional<facts> facts_from_json(const std::string& json);

}  // namespace checkout::invoice
