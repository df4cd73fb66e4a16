// A tax invoice as shown (CONTRACT §16): a pure composition of the order's
// stored figures, the facts fixed at its placement and the number it was
// issued under. Every amount is the order's own; nothing is priced again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/common/time.hpp"
#include "actors/invoice/invoice_facts.hpp"
#include "actors/order/order_record.hpp"
#include "config/settings.hpp"

namespace checkout::invoice {

struct party {
  std::string name;
  std::string address;
  std::string gstin;  // empty: none
  std::string state;
};

// The seller the settings name (SELLER_NAME, SELLER_ADDRESS, SELLER_GSTIN,
// SELLER_STATE), kept with each invoice as it was on the day of issue.
party seller_of(const config::settings& cfg);
std::string party_to_json(const party& p);
party party_from_json(const std::string& json);

// India's financial year (April to March, Indian time) of a moment: "2026-27".
std::string financial_year(micros at);
std::string invoice_series(micros at);      // "INV/2026-27"
std::string credit_note_series(micros at);  // "CN/2026-27"
// "INV/2026-27/000123": six digits at least, more once a year passes 999,999.
std::string document_number(const std::string& series, std::int64_t seq);

// An invoice's or credit note's row: its number's parts and when it was issued.
struct issue_record {
  std::string series;
  std::int64_t seq = 0;
  micros issued_at = 0;
};

struct line {
  std::string internship_id;
  std::string title;
  std::string sac;
  int quantity = 1;
  std::int64_t taxable_value = 0;
  std::vector<pricing::tax_part> taxes;
  std::int64_t total = 0;
};

// A refund's credit note: it reverses the whole invoice.
struct credit_note {
  std::string number;
  micros issued_at = 0;
  std::string invoice_number;
  std::string reason;
  std::int64_t taxable_value = 0;
  std::int64_t tax_total = 0;
  std::int64_t total = 0;
};

struct document {
  std::string number;
  micros issued_at = 0;
  party seller;
  party buyer;  // name and GSTIN; its state is the place of supply
  std::string place_of_supply;
  std::vector<line> lines;
  std::int64_t taxable_value = 0;
  std::int64_t tax_total = 0;
  std::int64_t total = 0;
  std::string currency;
  std::vector<credit_note> credit_notes;
};

// `facts` missing (an order placed before invoices existed): each line is
// titled by its internship id, with `default_sac` and its tax as one part.
document compose(const order_record& order, const std::optional<facts>& facts,
                 const issue_record& issued, const party& seller,
                 const std::optional<issue_record>& credited, const std::string& credit_reason,
                 const std::string& default_sac);

}  // namespace checkout::invoice
