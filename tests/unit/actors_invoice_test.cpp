// Tax invoices (CONTRACT §16): numbers and financial years, the document
// composed from the order's own figures, who may read it, the link's key.
#include <gtest/gtest.h>

#include "actors/errors.hpp"
#include "actors/invoice/invoice_link.hpp"
#include "actors/invoice/invoice_query.hpp"

namespace checkout::invoice {
namespace {

errc code_of(const caf::error& e) {
  EXPECT_EQ(e.category(), checkout_error_category);
  return static_cast<errc>(e.code());
}

// Microseconds of a UTC date and time.
micros utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<micros>(timegm(&tm)) * 1000000;
}

TEST(InvoiceNumbers, TheFinancialYearTurnsOnTheFirstOfAprilIndianTime) {
  // 31 March 23:59 in India is 18:29 UTC; 1 April 00:00 is 18:30 UTC.
  EXPECT_EQ(financial_year(utc(2027, 3, 31, 18, 29)), "2026-27");
  EXPECT_EQ(financial_year(utc(2027, 3, 31, 18, 30)), "2027-28");
  EXPECT_EQ(financial_year(utc(2026, 12, 4, 12, 0)), "2026-27");
  EXPECT_EQ(financial_year(utc(2026, 1, 15, 0, 0)), "2025-26");
  EXPECT_EQ(financial_year(utc(2099, 6, 1, 0, 0)), "2099-00");
  EXPECT_EQ(invoice_series(utc(2026, 12, 4, 12, 0)), "INV/2026-27");
  EXPECT_EQ(credit_note_series(utc(2027, 4, 2, 0, 0)), "CN/2027-28");
}

TEST(InvoiceNumbers, SixDigitsAtLeastNeverCutShort) {
  EXPECT_EQ(document_number("INV/2026-27", 123), "INV/2026-27/000123");
  EXPECT_EQ(document_number("INV/2026-27", 999999), "INV/2026-27/999999");
  EXPECT_EQ(document_number("INV/2026-27", 1234567), "INV/2026-27/1234567");
}

TEST(InvoiceFacts, SurviveTheirJson) {
  facts f;
  f.buyer = {"Acme \"Labs\"", "29AAGCB7383J1Z4", "IN", "ka"};
  f.lines.push_back({"ML <basics>", "999293", {{"CGST", 9, 450}, {"SGST", 9, 450}}});
  f.lines.push_back({"Go", "998314", {}});
  auto back = facts_from_json(facts_to_json(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->buyer.name, "Acme \"Labs\"");
  EXPECT_EQ(back->buyer.gstin, "29AAGCB7383J1Z4");
  EXPECT_EQ(back->buyer.state, "ka");
  ASSERT_EQ(back->lines.size(), 2u);
  EXPECT_EQ(back->lines[0].title, "ML <basics>");
  ASSERT_EQ(back->lines[0].taxes.size(), 2u);
  EXPECT_EQ(back->lines[0].taxes[1].name, "SGST");
  EXPECT_EQ(back->lines[0].taxes[1].amount, 450);
  EXPECT_EQ(back->lines[1].sac, "998314");
  EXPECT_FALSE(facts_from_json("{\"buyer\":1}"));
  EXPECT_FALSE(facts_from_json("not json"));
}

order_record paid_order() {
  order_record o;
  o.token = "6f1c7f4e-2b1a-4c3d-9e8f-0a1b2c3d4e5f";
  o.user_id = "asha";
  o.status = order_status::paid;
  o.currency = "INR";
  // Two lines: 10000 - 1000 discount + 18% of 9000; 5000 + 18% of 5000.
  o.lines.push_back({1, "ml-101", std::nullopt, 1, 10000, 10000, 1000, 1620, 10620});
  o.lines.push_back({2, "go-201", std::nullopt, 1, 5000, 5000, 0, 900, 5900});
  o.subtotal = 14000;
  o.discount_amount = 1000;
  o.tax_amount = 2520;
  o.total = 16520;
  return o;
}

facts facts_of_two_lines() {
  facts f;
  f.buyer = {"Acme Labs", "29AAGCB7383J1Z4", "IN", "ka"};
  f.lines.push_back({"Machine learning", "999293", {{"CGST", 9, 810}, {"SGST", 9, 810}}});
  f.lines.push_back({"Go services", "998314", {{"CGST", 9, 450}, {"SGST", 9, 450}}});
  return f;
}

const party seller{"Checkout Internships", "1 MG Road, Bengaluru", "29AAGCB7383J1Z4", "KA"};

TEST(InvoiceDocument, EveryFigureIsTheOrders) {
  auto o = paid_order();
  issue_record issued{"INV/2026-27", 42, utc(2026, 12, 4, 10, 0)};
  auto d = compose(o, facts_of_two_lines(), issued, seller, std::nullopt, "", "999293");
  EXPECT_EQ(d.number, "INV/2026-27/000042");
  EXPECT_EQ(d.issued_at, issued.issued_at);
  EXPECT_EQ(d.seller.gstin, "29AAGCB7383J1Z4");
  EXPECT_EQ(d.buyer.name, "Acme Labs");
  EXPECT_EQ(d.place_of_supply, "KA");
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[0].taxable_value, 9000);
  EXPECT_EQ(d.lines[0].title, "Machine learning");
  EXPECT_EQ(d.lines[1].sac, "998314");
  EXPECT_EQ(d.lines[0].total, 10620);
  EXPECT_EQ(d.taxable_value, o.subtotal);
  EXPECT_EQ(d.tax_total, o.tax_amount);
  EXPECT_EQ(d.total, o.total);
  EXPECT_EQ(d.currency, "INR");
  EXPECT_TRUE(d.credit_notes.empty());
  std::int64_t line_taxes = 0;
  for (auto& l : d.lines)
    for (auto& t : l.taxes) line_taxes += t.amount;
  EXPECT_EQ(line_taxes, d.tax_total);
}

TEST(InvoiceDocument, ABuyerAbroadIsSuppliedInTheirCountry) {
  auto f = facts_of_two_lines();
  f.buyer.country = "us";
  f.buyer.state = "CA";
  auto d = compose(paid_order(), f, {"INV/2026-27", 1, 0}, seller, std::nullopt, "", "999293");
  EXPECT_EQ(d.place_of_supply, "US");
}

TEST(InvoiceDocument, ARefundsCreditNoteReversesTheWholeInvoice) {
  auto o = paid_order();
  o.status = order_status::refunded;
  auto d = compose(o, facts_of_two_lines(), {"INV/2026-27", 7, 1}, seller,
                   issue_record{"CN/2026-27", 3, 2}, "course cancelled", "999293");
  ASSERT_EQ(d.credit_notes.size(), 1u);
  auto& c = d.credit_notes[0];
  EXPECT_EQ(c.number, "CN/2026-27/000003");
  EXPECT_EQ(c.invoice_number, "INV/2026-27/000007");
  EXPECT_EQ(c.reason, "course cancelled");
  EXPECT_EQ(c.total, o.total);
  EXPECT_EQ(c.tax_total, o.tax_amount);
  EXPECT_EQ(c.taxable_value, o.subtotal);
}

TEST(InvoiceDocument, AnOrderWithoutFactsStillAddsUp) {
  auto d = compose(paid_order(), std::nullopt, {"INV/2026-27", 1, 0}, seller, std::nullopt, "",
                   "999293");
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[0].title, "ml-101");
  EXPECT_EQ(d.lines[0].sac, "999293");
  ASSERT_EQ(d.lines[0].taxes.size(), 1u);
  EXPECT_EQ(d.lines[0].taxes[0].amount, 1620);
  EXPECT_EQ(d.total, 16520);
}

invoice_store::stored issued_store() {
  invoice_store::stored s;
  s.facts = facts_of_two_lines();
  s.invoice = issue_record{"INV/2026-27", 5, 1};
  s.seller = seller;
  return s;
}

TEST(InvoiceQuery, OnlyTheOwnerOrAnyReaderSeesIt) {
  auto o = paid_order();
  EXPECT_TRUE(invoice_of(o, issued_store(), {o.token, "asha", false}, "999293"));
  EXPECT_EQ(code_of(invoice_of(o, issued_store(), {o.token, "ravi", false}, "999293").error()),
            errc::order_not_found);
  EXPECT_TRUE(invoice_of(o, issued_store(), {o.token, "ravi", true}, "999293"));
  EXPECT_EQ(code_of(invoice_of(std::nullopt, {}, {o.token, "asha", true}, "999293").error()),
            errc::order_not_found);
}

TEST(InvoiceQuery, NoInvoiceBeforeThePayment) {
  auto o = paid_order();
  for (auto status :
       {order_status::awaiting_payment, order_status::failed, order_status::expired}) {
    o.status = status;
    EXPECT_EQ(code_of(invoice_of(o, {}, {o.token, "asha", false}, "999293").error()),
              errc::order_state_conflict)
        << to_string(status);
  }
  for (auto status : {order_status::paid, order_status::completed, order_status::refunded}) {
    o.status = status;
    EXPECT_TRUE(invoice_of(o, issued_store(), {o.token, "asha", false}, "999293"))
        << to_string(status);
  }
  // Refunded after a capture that came too late: never paid, never invoiced.
  o.status = order_status::refunded;
  EXPECT_EQ(code_of(invoice_of(o, {}, {o.token, "asha", false}, "999293").error()),
            errc::order_state_conflict);
}

TEST(InvoiceQuery, AnOrderIsInvoicedOnceItWasPaid) {
  auto o = paid_order();
  o.history = {{"awaiting_payment", 1, ""}, {"paid", 2, ""}};
  EXPECT_TRUE(invoiced(o));
  o.status = order_status::refunded;
  o.history.push_back({"refunded", 3, ""});
  EXPECT_TRUE(invoiced(o));
  // A free order completes at once.
  o.status = order_status::completed;
  o.history = {{"awaiting_payment", 1, ""}, {"completed", 1, "nothing to pay"}};
  EXPECT_TRUE(invoiced(o));
  // A capture after the window closed with no seat left: refunded, never paid.
  o.status = order_status::refunded;
  o.history = {{"awaiting_payment", 1, ""}, {"expired", 2, ""}, {"refunded", 3, ""}};
  EXPECT_FALSE(invoiced(o));
  o.status = order_status::awaiting_payment;
  o.history = {{"awaiting_payment", 1, ""}};
  EXPECT_FALSE(invoiced(o));
}

TEST(InvoiceLink, TheKeyOpensOneOrdersInvoiceUnderOneSecret) {
  auto key = access_key("s3cret", "order-a");
  EXPECT_EQ(key.size(), 64u);
  EXPECT_TRUE(valid_access_key("s3cret", "order-a", key));
  EXPECT_FALSE(valid_access_key("s3cret", "order-b", key));
  EXPECT_FALSE(valid_access_key("other", "order-a", key));
  EXPECT_FALSE(valid_access_key("s3cret", "order-a", key.substr(1)));
  EXPECT_FALSE(valid_access_key("", "order-a", access_key("", "order-a")));
  EXPECT_EQ(link("https://shop.example", "s3cret", "order-a"),
            "https://shop.example/api/v1/orders/order-a/invoice?key=" + key);
}

}  // namespace
}  // namespace checkout::invoice
