// An internship as the catalog sells it (CONTRACT §3). Prices in minor units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace checkout {

struct period {
  int value = 0;
  std::string unit;  // day | week | month | year
  bool operator==(const period& o) const { return value == o.value && unit == o.unit; }
};

struct plan {
  period length;
  std::int64_t price = 0;
};

struct internship {
  std::string id;
  std::string title;
  std::string category;
  std::int64_t price = 0;
  std::string currency;
  std::optional<int> seats_total;  // nullopt: unlimited
  int seats_taken = 0;
  std::vector<plan> plans;
  bool active = true;
  // Its SAC code on a tax invoice (CONTRACT §16); empty: SAC_DEFAULT.
  std::string sac;

  std::optional<int> seats_available() const {
    if (!seats_total) return std::nullopt;
    return *seats_total > seats_taken ? *seats_total - seats_taken : 0;
  }
  bool is_free() const { return price == 0 && plans.empty(); }
  // The unit price for a chosen period (or the base price without plans);
  // nullopt when the period is missing, unknown or not allowed.
  std::optional<std::int64_t> unit_price(const std::optional<period>& p) const;
};

// The fields an admin may change (CONTRACT §3 PATCH).
struct internship_patch {
  std::optional<std::int64_t> price;
  bool seats_set = false;  // seats given, possibly null
  std::optional<int> seats;
  std::optional<bool> active;
  std::optional<std::string> title;
  std::optional<std::string> sac;  // "" goes back to SAC_DEFAULT
};

bool valid_period_unit(const std::string& unit);

}  // namespace checkout
