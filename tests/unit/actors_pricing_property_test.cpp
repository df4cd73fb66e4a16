// Property tests for pricing (CONTRACT §5): over random carts, discounts and
// billing addresses, the figures always add up and every rounding is half-up.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "actors/cart/pricing.hpp"
#include "rc_support.hpp"

namespace checkout::pricing {
namespace {

using checkout::testing::check_property;
using checkout::testing::full_range;

enum class billing_kind { same_state, other_state, configured_country, unconfigured_country };

struct scenario {
  std::vector<line_input> lines;
  std::vector<discount_input> discounts;
  tax_context tax;
  billing_kind billing = billing_kind::other_state;
};

std::ostream& operator<<(std::ostream& os, const scenario& s) {
  os << "lines:";
  for (auto& l : s.lines) os << " " << l.quantity << "x" << l.unit_price;
  os << "; discounts:";
  for (auto& d : s.discounts) {
    os << " {kind " << static_cast<int>(d.kind) << ", value " << d.value << ", cap "
       << d.max_discount << ", applies";
    for (bool b : d.applies_to) os << (b ? " 1" : " 0");
    os << "}";
  }
  os << "; billing " << s.tax.country << "/" << s.tax.billing_state << " seller "
     << s.tax.seller_state;
  return os;
}

std::int64_t gen_unit_price() {
  return *rc::gen::weightedOneOf<std::int64_t>({
      {1, rc::gen::just<std::int64_t>(0)},
      {2, rc::gen::inRange<std::int64_t>(0, 1000)},
      {5, full_range<std::int64_t>(0, 10'000'001)},
  });
}

discount_input gen_discount(size_t line_count) {
  discount_input d;
  d.code = "C" + std::to_string(*rc::gen::inRange(0, 1000));
  d.kind = *rc::gen::element(discount_kind::percentage, discount_kind::fixed, discount_kind::free);
  switch (d.kind) {
    case discount_kind::percentage:
      d.value = *full_range<std::int64_t>(1, 101);
      break;
    case discount_kind::fixed:
      // Small, typical, and far larger than any cart.
      d.value = *rc::gen::weightedOneOf<std::int64_t>({
          {2, rc::gen::inRange<std::int64_t>(0, 10'000)},
          {2, full_range<std::int64_t>(0, 100'000'000)},
          {1, full_range<std::int64_t>(1'000'000'000, 100'000'000'000)},
      });
      break;
    case discount_kind::free:
      d.value = 0;
      break;
  }
  d.max_discount = *rc::gen::weightedOneOf<std::int64_t>({
      {3, rc::gen::just<std::int64_t>(0)},
      {2, full_range<std::int64_t>(1, 100'000'000)},
  });
  // Empty (every line), one flag per line, or a shorter or longer list.
  auto size = *rc::gen::weightedOneOf<size_t>({
      {2, rc::gen::just(size_t{0})},
      {3, rc::gen::just(size_t{line_count})},
      {1, rc::gen::inRange<size_t>(0, line_count + 3)},
  });
  d.applies_to = *rc::gen::container<std::vector<bool>>(size, rc::gen::arbitrary<bool>());
  return d;
}

std::string flip_case(const std::string& s) {
  std::string out = s;
  for (auto& c : out) {
    if (*rc::gen::arbitrary<bool>())
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

scenario gen_scenario() {
  scenario s;
  const int n = *full_range(1, 9);
  for (int i = 0; i < n; ++i) {
    line_input l;
    l.internship_id = "i" + std::to_string(i);
    l.category = *rc::gen::element<std::string>("web", "data", "design");
    l.quantity = *rc::gen::weightedOneOf<int>({{1, rc::gen::just(1)}, {3, full_range(1, 101)}});
    l.unit_price = gen_unit_price();
    s.lines.push_back(l);
  }
  const int discount_count = *full_range(0, 5);
  for (int i = 0; i < discount_count; ++i) s.discounts.push_back(gen_discount(s.lines.size()));

  s.billing =
      *rc::gen::element(billing_kind::same_state, billing_kind::other_state,
                        billing_kind::configured_country, billing_kind::unconfigured_country);
  s.tax.seller_state = *rc::gen::element<std::string>("KA", "MH", "TN", "DL");
  s.tax.other_rates = {{"GB", *full_range(0, 31)}, {"US", 0}, {"DE", 19}};
  switch (s.billing) {
    case billing_kind::same_state:
      s.tax.country = "IN";
      s.tax.billing_state = flip_case(s.tax.seller_state);
      break;
    case billing_kind::other_state:
      s.tax.country = "IN";
      s.tax.billing_state = *rc::gen::element<std::string>("", "GJ", "KL", "UP");
      break;
    case billing_kind::configured_country:
      s.tax.country = *rc::gen::element<std::string>("GB", "US", "DE");
      s.tax.billing_state = "";
      break;
    case billing_kind::unconfigured_country:
      s.tax.country = *rc::gen::element<std::string>("FR", "JP", "BR");
      s.tax.billing_state = "";
      break;
  }
  return s;
}

price_result run(const scenario& s) {
  return price("INR", s.lines, s.discounts, s.tax);
}

// Half-up percentage of a non-negative amount, written independently of the
// code under test: (x * r + 50) / 100.
std::int64_t pct_half_up(std::int64_t amount, int rate) {
  return static_cast<std::int64_t>((static_cast<__int128>(amount) * rate + 50) / 100);
}

TEST(PricingProperty, TotalsAddUp) {
  check_property([] {
    const auto s = gen_scenario();
    RC_LOG() << s << "\n";
    const auto r = run(s);
    RC_ASSERT(r.lines.size() == s.lines.size());
    std::int64_t base = 0, discount = 0, taxable = 0, tax = 0, line_totals = 0;
    for (size_t i = 0; i < r.lines.size(); ++i) {
      const auto& l = r.lines[i];
      RC_ASSERT(l.base_price == s.lines[i].unit_price * s.lines[i].quantity);
      RC_ASSERT(l.taxable == l.base_price - l.discount);
      RC_ASSERT(l.total == l.taxable + l.tax);
      std::int64_t parts = 0;
      for (auto& p : l.taxes) parts += p.amount;
      RC_ASSERT(parts == l.tax);
      base += l.base_price;
      discount += l.discount;
      taxable += l.taxable;
      tax += l.tax;
      line_totals += l.total;
    }
    RC_ASSERT(r.base_total == base);
    RC_ASSERT(r.sub_total == r.base_total - r.discount_amount);
    RC_ASSERT(r.total == r.sub_total + r.tax_total);
    RC_ASSERT(taxable == r.sub_total);
    RC_ASSERT(discount == r.discount_amount);
    RC_ASSERT(tax == r.tax_total);
    RC_ASSERT(line_totals == r.total);
    std::int64_t breakdown = 0;
    for (auto& p : r.tax_breakdown) breakdown += p.amount;
    RC_ASSERT(breakdown == r.tax_total);
    RC_ASSERT(r.discounts.size() == s.discounts.size());
    std::int64_t per_discount = 0;
    for (size_t i = 0; i < r.discounts.size(); ++i) {
      RC_ASSERT(r.discounts[i].code == s.discounts[i].code);
      per_discount += r.discounts[i].amount;
    }
    RC_ASSERT(per_discount == r.discount_amount);
  });
}

TEST(PricingProperty, NothingNegativeAndDiscountWithinBase) {
  check_property([] {
    const auto s = gen_scenario();
    RC_LOG() << s << "\n";
    const auto r = run(s);
    for (auto& l : r.lines) {
      RC_ASSERT(l.discount >= 0);
      RC_ASSERT(l.discount <= l.base_price);
      RC_ASSERT(l.taxable >= 0);
      RC_ASSERT(l.tax >= 0);
      RC_ASSERT(l.total >= 0);
      RC_ASSERT(l.discount_percentage >= 0);
      RC_ASSERT(l.discount_percentage <= 100);
      for (auto& p : l.taxes) RC_ASSERT(p.amount >= 0);
    }
    for (auto& d : r.discounts) RC_ASSERT(d.amount >= 0);
    RC_ASSERT(r.discount_amount >= 0);
    RC_ASSERT(r.discount_amount <= r.base_total);
    RC_ASSERT(r.sub_total >= 0);
    RC_ASSERT(r.tax_total >= 0);
    RC_ASSERT(r.total >= 0);
    RC_ASSERT(r.discount_percentage >= 0);
    RC_ASSERT(r.discount_percentage <= 100);
  });
}

TEST(PricingProperty, DiscountsRespectCapsAndApplicability) {
  check_property([] {
    const auto s = gen_scenario();
    RC_LOG() << s << "\n";
    const auto r = run(s);
    for (size_t k = 0; k < s.discounts.size(); ++k) {
      const auto& d = s.discounts[k];
      if (d.max_discount > 0) RC_ASSERT(r.discounts[k].amount <= d.max_discount);
      if (d.kind == discount_kind::fixed) RC_ASSERT(r.discounts[k].amount <= d.value);
    }
    // A line that no discount names keeps its full price.
    for (size_t i = 0; i < s.lines.size(); ++i) {
      bool named = false;
      for (auto& d : s.discounts)
        named = named || d.applies_to.empty() || (i < d.applies_to.size() && d.applies_to[i]);
      if (!named) RC_ASSERT(r.lines[i].discount == 0);
    }
  });
}

TEST(PricingProperty, LineTaxIsHalfUpOfTheRate) {
  check_property([] {
    const auto s = gen_scenario();
    RC_LOG() << s << "\n";
    const auto r = run(s);
    for (auto& l : r.lines) {
      switch (s.billing) {
        case billing_kind::same_state: {
          const auto half = pct_half_up(l.taxable, 9);
          RC_ASSERT(l.taxes.size() == 2u);
          RC_ASSERT(l.taxes[0].name == "CGST");
          RC_ASSERT(l.taxes[1].name == "SGST");
          RC_ASSERT(l.taxes[0].rate == 9);
          RC_ASSERT(l.taxes[1].rate == 9);
          RC_ASSERT(l.taxes[0].amount == half);
          RC_ASSERT(l.taxes[1].amount == half);
          RC_ASSERT(l.tax == 2 * half);
          break;
        }
        case billing_kind::other_state:
          RC_ASSERT(l.taxes.size() == 1u);
          RC_ASSERT(l.taxes[0].name == "IGST");
          RC_ASSERT(l.taxes[0].rate == 18);
          RC_ASSERT(l.tax == pct_half_up(l.taxable, 18));
          break;
        case billing_kind::configured_country: {
          const int rate = s.tax.other_rates.at(s.tax.country);
          RC_ASSERT(l.tax == pct_half_up(l.taxable, rate));
          RC_ASSERT(r.tax_rate == rate);
          break;
        }
        case billing_kind::unconfigured_country:
          RC_ASSERT(l.tax == 0);
          RC_ASSERT(r.tax_rate == 0);
          break;
      }
    }
    if (s.tax.country == "IN") RC_ASSERT(r.tax_rate == 18);
  });
}

bool same_result(const price_result& a, const price_result& b) {
  auto same_parts = [](const std::vector<tax_part>& x, const std::vector<tax_part>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i].name != y[i].name || x[i].rate != y[i].rate || x[i].amount != y[i].amount)
        return false;
    return true;
  };
  if (a.currency != b.currency || a.tax_rate != b.tax_rate || a.base_total != b.base_total ||
      a.discount_amount != b.discount_amount || a.sub_total != b.sub_total ||
      a.tax_total != b.tax_total || a.total != b.total ||
      a.discount_percentage != b.discount_percentage ||
      !same_parts(a.tax_breakdown, b.tax_breakdown) || a.lines.size() != b.lines.size() ||
      a.discounts.size() != b.discounts.size())
    return false;
  for (size_t i = 0; i < a.lines.size(); ++i) {
    const auto &x = a.lines[i], &y = b.lines[i];
    if (x.internship_id != y.internship_id || x.quantity != y.quantity ||
        x.unit_price != y.unit_price || x.base_price != y.base_price || x.discount != y.discount ||
        x.taxable != y.taxable || x.tax != y.tax || x.total != y.total ||
        x.discount_percentage != y.discount_percentage || !same_parts(x.taxes, y.taxes))
      return false;
  }
  for (size_t i = 0; i < a.discounts.size(); ++i)
    if (a.discounts[i].code != b.discounts[i].code ||
        a.discounts[i].amount != b.discounts[i].amount)
      return false;
  return true;
}

TEST(PricingProperty, Deterministic) {
  check_property([] {
    const auto s = gen_scenario();
    RC_LOG() << s << "\n";
    const auto a = run(s);
    const auto b = run(s);
    RC_ASSERT(same_result(a, b));
  });
}

TEST(PricingProperty, AllocateIsExactAndProRata) {
  check_property([] {
    const auto amount = *rc::gen::weightedOneOf<std::int64_t>({
        {1, rc::gen::inRange<std::int64_t>(0, 20)},
        {3, full_range<std::int64_t>(0, 1'000'000'000)},
    });
    const auto n = *full_range<size_t>(1, 9);
    const auto weights = *rc::gen::container<std::vector<std::int64_t>>(
        n, rc::gen::weightedOneOf<std::int64_t>({
               {1, rc::gen::just<std::int64_t>(0)},
               {1, rc::gen::inRange<std::int64_t>(1, 10)},
               {4, full_range<std::int64_t>(0, 1'000'000'001)},
           }));
    const auto parts = allocate(amount, weights);
    RC_ASSERT(parts.size() == weights.size());
    __int128 total_weight = 0;
    for (auto w : weights) total_weight += w;
    std::int64_t sum = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      RC_ASSERT(parts[i] >= 0);
      sum += parts[i];
      if (total_weight > 0) {
        // |part - amount * w / W| < 1, i.e. |part * W - amount * w| < W.
        const __int128 diff = static_cast<__int128>(parts[i]) * total_weight -
                              static_cast<__int128>(amount) * weights[i];
        RC_ASSERT((diff < 0 ? -diff : diff) < total_weight);
        if (weights[i] == 0) RC_ASSERT(parts[i] == 0);
      }
    }
    RC_ASSERT(sum == (total_weight > 0 ? amount : 0));
  });
}

TEST(PricingProperty, AllocateFavoursLargerRemainders) {
  // Largest remainder: a line that was rounded down never has a larger
  // fractional share than a line that was rounded up.
  check_property([] {
    const auto amount = *full_range<std::int64_t>(0, 10'000);
    const auto n = *full_range<size_t>(1, 9);
    const auto weights =
        *rc::gen::container<std::vector<std::int64_t>>(n, full_range<std::int64_t>(1, 1000));
    const auto parts = allocate(amount, weights);
    std::int64_t total_weight = 0;
    for (auto w : weights) total_weight += w;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        const std::int64_t exact_i = amount * weights[i], exact_j = amount * weights[j];
        const bool up_i = parts[i] * total_weight > exact_i;
        const bool down_j = parts[j] * total_weight <= exact_j;
        if (up_i && down_j) RC_ASSERT(exact_i % total_weight >= exact_j % total_weight);
      }
    }
  });
}

TEST(PricingProperty, ConvertIsHalfUp) {
  check_property([] {
    // Products stay below 10^18, so the result fits in 64 bits.
    const auto amount = *full_range<std::int64_t>(0, 10'000'000'000);
    config::fx_rate rate;
    rate.scale = *full_range(0, 7);
    rate.numerator = *full_range<std::int64_t>(1, 100'000'000);
    std::int64_t den = 1;
    for (int i = 0; i < rate.scale; ++i) den *= 10;
    const auto got = convert(amount, rate);
    // got is the integer nearest to amount * numerator / den, halves up:
    // got - 1/2 <= exact < got + 1/2.
    const __int128 exact2 = static_cast<__int128>(amount) * rate.numerator * 2;
    RC_ASSERT(static_cast<__int128>(got) * den * 2 - den <= exact2);
    RC_ASSERT(exact2 < static_cast<__int128>(got) * den * 2 + den);
  });
}

}  // namespace
}  // namespace checkout::pricing
