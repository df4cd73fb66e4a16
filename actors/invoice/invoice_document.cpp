#include "actors/invoice/invoice_document.hpp"

#include <rapidjson/document.h>

#include <ctime>

#include "actors/common/json_write.hpp"

namespace checkout::invoice {
namespace {

// India has one time zone and no daylight saving: UTC+05:30.
constexpr micros ist_offset = (5LL * 3600 + 30 * 60) * 1000000;

std::string two_digits(int n) {
  n %= 100;
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

std::string field(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

party seller_of(const config::settings& cfg) {
  return {cfg.seller_name, cfg.seller_address, cfg.seller_gstin, upper(cfg.seller_state)};
}

std::string party_to_json(const party& p) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  key_string(w, "name", p.name);
  key_string(w, "address", p.address);
  key_string(w, "gstin", p.gstin);
  key_string(w, "state", p.state);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

party party_from_json(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  return {field(doc, "name"), field(doc, "address"), field(doc, "gstin"), field(doc, "state")};
}

std::string financial_year(micros at) {
  auto local = static_cast<std::time_t>((at + ist_offset) / 1000000);
  std::tm tm{};
  gmtime_r(&local, &tm);
  int year = tm.tm_year + 1900;
  int start = tm.tm_mon >= 3 ? year : year - 1;  // tm_mon 3 is April
  return std::to_string(start) + "-" + two_digits(start + 1);
}

std::string invoice_series(micros at) {
  return "INV/" + financial_year(at);
}

std::string credit_note_series(micros at) {
  return "CN/" + financial_year(at);
}

std::string document_number(const std::string& series, std::int64_t seq) {
  auto digits = std::to_string(seq);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return series + "/" + digits;
}

document compose(const order_record& order, const std::optional<facts>& facts,
                 const issue_record& issued, const party& seller,
                 const std::optional<issue_record>& credited, const std::string& credit_reason,
                 const std::string& default_sac) {
  document d;
  d.number = document_number(issued.series, issued.seq);
  d.issued_at = issued.issued_at;
  d.seller = seller;
  d.currency = order.currency;
  bool known = facts && facts->lines.size() == order.lines.size();
  if (facts) {
    d.buyer = {facts->buyer.name, "", facts->buyer.gstin, upper(facts->buyer.state)};
    d.place_of_supply =
        facts->buyer.country == "IN" ? upper(facts->buyer.state) : upper(facts->buyer.country);
  }
  for (size_t i = 0; i < order.lines.size(); ++i) {
    auto& l = order.lines[i];
    line out;
    out.internship_id = l.internship_id;
    out.quantity = l.quantity;
    out.taxable_value = l.base_price - l.discount_amount;
    out.total = l.total;
    if (known) {
      out.title = facts->lines[i].title;
      out.sac = facts->lines[i].sac;
      out.taxes = facts->lines[i].taxes;
    } else {
      out.title = l.internship_id;
      out.sac = default_sac;
      out.taxes = {{"TAX", 0, l.tax_amount}};
    }
    d.taxable_value += out.taxable_value;
    d.lines.push_back(std::move(out));
  }
  d.tax_total = order.tax_amount;
  d.total = order.total;
  if (credited)
    d.credit_notes.push_back({document_number(credited->series, credited->seq), credited->issued_at,
                              d.number, credit_reason, d.taxable_value, d.tax_total, d.total});
  return d;
}

}  // namespace checkout::invoice
