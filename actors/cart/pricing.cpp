#include "actors/cart/pricing.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace checkout::pricing {
namespace {

constexpr int gst_rate = 18;

bool same_state(const std::string& a, const std::string& b) {
  if (a.empty() || a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::vector<tax_part> line_taxes(std::int64_t taxable, const tax_context& tax) {
  if (tax.country == "IN") {
    if (same_state(tax.billing_state, tax.seller_state)) {
      auto half = div_half_up(static_cast<__int128>(taxable) * (gst_rate / 2), 100);
      return {{"CGST", gst_rate / 2, half}, {"SGST", gst_rate / 2, half}};
    }
    return {{"IGST", gst_rate, div_half_up(static_cast<__int128>(taxable) * gst_rate, 100)}};
  }
  int rate = tax_rate_for(tax);
  if (rate == 0) return {};
  return {{"TAX", rate, div_half_up(static_cast<__int128>(taxable) * rate, 100)}};
}

}  // namespace

std::int64_t div_half_up(__int128 numerator, __int128 denominator) {
  return static_cast<std::int64_t>((numerator * 2 + denominator) / (denominator * 2));
}

std::vector<std::int64_t> allocate(std::int64_t amount, const std::vector<std::int64_t>& weights) {
  std::vector<std::int64_t> parts(weights.size(), 0);
  __int128 total = std::accumulate(weights.begin(), weights.end(), static_cast<__int128>(0));
  if (total <= 0 || amount == 0) return parts;
  std::vector<std::pair<__int128, size_t>> remainders;
  std::int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    __int128 exact = static_cast<__int128>(amount) * weights[i];
    parts[i] = static_cast<std::int64_t>(exact / total);
    given += parts[i];
    remainders.emplace_back(exact % total, i);
  }
  // Largest remainder first; on a tie the earlier line gets the unit.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](auto& a, auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < amount && k < remainders.size(); ++k, ++given)
    ++parts[remainders[k].second];
  return parts;
}

std::int64_t convert(std::int64_t amount, const config::fx_rate& rate) {
  __int128 den = 1;
  for (int i = 0; i < rate.scale; ++i) den *= 10;
  return div_half_up(static_cast<__int128>(amount) * rate.numerator, den);
}

int tax_rate_for(const tax_context& tax) {
  if (tax.country == "IN") return gst_rate;
  auto it = tax.other_rates.find(tax.country);
  return it == tax.other_rates.end() ? 0 : it->second;
}

price_result price(const std::string& currency, const std::vector<line_input>& lines,
                   const std::vector<discount_input>& discounts, const tax_context& tax) {
  price_result out;
  out.currency = currency;
  out.tax_rate = tax_rate_for(tax);
  std::vector<std::int64_t> remaining;
  for (auto& l : lines) {
    line_result r;
    r.internship_id = l.internship_id;
    r.quantity = l.quantity;
    r.unit_price = l.unit_price;
    r.base_price = l.unit_price * l.quantity;
    out.base_total += r.base_price;
    remaining.push_back(r.base_price);
    out.lines.push_back(std::move(r));
  }
  // Discounts stack in the order given, each on what the earlier ones left.
  for (auto& d : discounts) {
    std::vector<std::int64_t> weights(lines.size(), 0);
    std::int64_t applicable = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      bool applies = d.applies_to.empty() || (i < d.applies_to.size() && d.applies_to[i]);
      if (applies) {
        weights[i] = remaining[i];
        applicable += remaining[i];
      }
    }
    std::int64_t amount = 0;
    switch (d.kind) {
      case discount_kind::percentage:
        amount = div_half_up(
            static_cast<__int128>(applicable) * std::clamp<std::int64_t>(d.value, 0, 100), 100);
        break;
      case discount_kind::fixed:
        amount = std::max<std::int64_t>(d.value, 0);
        break;
      case discount_kind::free:
        amount = applicable;
        break;
    }
    if (d.max_discount > 0) amount = std::min(amount, d.max_discount);
    amount = std::min(amount, applicable);
    auto parts = allocate(amount, weights);
    for (size_t i = 0; i < lines.size(); ++i) {
      remaining[i] -= parts[i];
      out.lines[i].discount += parts[i];
    }
    out.discounts.push_back({d.code, amount});
    out.discount_amount += amount;
  }
  std::map<std::string, tax_part> breakdown;
  std::vector<std::string> order;
  for (auto& r : out.lines) {
    r.taxable = r.base_price - r.discount;
    r.taxes = line_taxes(r.taxable, tax);
    for (auto& t : r.taxes) {
      r.tax += t.amount;
      auto [it, fresh] = breakdown.try_emplace(t.name, tax_part{t.name, t.rate, 0});
      if (fresh) order.push_back(t.name);
      it->second.amount += t.amount;
    }
    r.total = r.taxable + r.tax;
    r.discount_percentage =
        r.base_price == 0
            ? 0
            : static_cast<int>(div_half_up(static_cast<__int128>(r.discount) * 100, r.base_price));
    out.tax_total += r.tax;
  }
  for (auto& name : order) out.tax_breakdown.push_back(breakdown[name]);
  out.sub_total = out.base_total - out.discount_amount;
  out.total = out.sub_total + out.tax_total;
  out.discount_percentage =
      out.base_total == 0 ? 0
                          : static_cast<int>(div_half_up(
                                static_cast<__int128>(out.discount_amount) * 100, out.base_total));
  return out;
}

}  // namespace checkout::pricing
