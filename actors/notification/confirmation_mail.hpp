// The confirmation email of one enrollment (CONTRACT §16), as a value: what
// it says (HTML and plain text) and the MIME message an SMTP server takes.
// No I/O here; notification_handler gathers the facts and sends.
#pragma once

#include <cstdint>
#include <string>

namespace checkout {

struct enrollment_mail_facts {
  std::string enrollment_id;
  std::string order_token;
  std::string internship_id;
  std::string internship_title;  // empty: the internship left the catalog
  std::string period;            // "3 month", empty without a plan
  int seats = 1;
  std::int64_t line_total = 0;   // what this line cost, tax included, minor units
  std::int64_t order_total = 0;  // the whole order
  std::string currency;
  std::string order_url;     // the storefront's page of the order
  std::string invoice_url;   // the printable tax invoice (invoice_link.hpp)
  std::string learning_url;  // where the student starts
};

struct mail_content {
  std::string subject;
  std::string text;
  std::string html;
};

mail_content confirmation_mail(const enrollment_mail_facts& facts);

// The address inside "Name <a@b>", or the whole text when it has no <...>.
std::string mail_address(const std::string& mailbox);

// A complete RFC 5322 message with a multipart/alternative body (text, then
// HTML), CRLF line ends. Header values lose any CR or LF (no header
// injection from a title); a subject that is not ASCII is RFC 2047 encoded.
// `date` is an RFC 5322 date; `message_id` without angle brackets.
std::string mime_message(const mail_content& mail, const std::string& from, const std::string& to,
                         const std::string& date, const std::string& message_id);

}  // namespace checkout
