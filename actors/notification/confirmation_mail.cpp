#include "actors/notification/confirmation_mail.hpp"

#include "actors/common/base64.hpp"
#include "actors/common/html_text.hpp"

namespace checkout {
namespace {

std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '\r' && c != '\n') out += c;
  return out;
}

bool ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// SMTP wants CRLF line ends; the texts are written with LF.
std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string title_of(const enrollment_mail_facts& f) {
  return f.internship_title.empty() ? f.internship_id : f.internship_title;
}

}  // namespace

mail_content confirmation_mail(const enrollment_mail_facts& f) {
  mail_content m;
  auto title = title_of(f);
  m.subject = "You are enrolled: " + one_line(title);
  auto what = title + (f.period.empty() ? std::string() : " (" + f.period + ")") +
              (f.seats > 1 ? ", " + std::to_string(f.seats) + " seats" : std::string());
  auto paid = money_text(f.line_total, f.currency);
  m.text =
      "Thank you: your payment was received and you are enrolled.\n\n"
      "Internship: " +
      what + "\n" + "Amount: " + paid + " (tax included)\n" +
      (f.order_total != f.line_total
           ? "Order total: " + money_text(f.order_total, f.currency) + "\n"
           : std::string()) +
      "Order: " + f.order_token + "\n" + "Enrollment: " + f.enrollment_id + "\n\n" +
      "Your order: " + f.order_url + "\n" + "Tax invoice: " + f.invoice_url + "\n" +
      "Where to start: " + f.learning_url + "\n";
  m.html =
      "<!doctype html><html><body style=\"font-family:sans-serif;color:#1d2430\">\n"
      "<h1 style=\"font-size:1.3em\">You are enrolled</h1>\n"
      "<p>Thank you: your payment was received.</p>\n<table>\n"
      "<tr><th align=\"left\">Internship</th><td>" +
      escape_html(what) +
      "</td></tr>\n"
      "<tr><th align=\"left\">Amount</th><td>" +
      paid + " (tax included)</td></tr>\n" +
      (f.order_total != f.line_total ? "<tr><th align=\"left\">Order total</th><td>" +
                                           money_text(f.order_total, f.currency) + "</td></tr>\n"
                                     : std::string()) +
      "<tr><th align=\"left\">Order</th><td>" + escape_html(f.order_token) +
      "</td></tr>\n"
      "<tr><th align=\"left\">Enrollment</th><td>" +
      escape_html(f.enrollment_id) +
      "</td></tr>\n</table>\n"
      "<p><a href=\"" +
      escape_html(f.order_url) +
      "\">Your order</a></p>\n"
      "<p><a href=\"" +
      escape_html(f.invoice_url) +
      "\">Tax invoice</a></p>\n"
      "<p><a href=\"" +
      escape_html(f.learning_url) +
      "\">Where to start</a></p>\n"
      "</body></html>\n";
  return m;
}

std::string mail_address(const std::string& mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open == std::string::npos || close == std::string::npos || close < open) return mailbox;
  return mailbox.substr(open + 1, close - open - 1);
}

std::string mime_message(const mail_content& mail, const std::string& from, const std::string& to,
                         const std::string& date, const std::string& message_id) {
  auto subject = one_line(mail.subject);
  if (!ascii(subject)) subject = "=?UTF-8?B?" + base64(subject) + "?=";
  auto boundary = "=_alt_" + one_line(message_id);
  std::string m;
  m += "From: " + one_line(from) + "\r\n";
  m += "To: " + one_line(to) + "\r\n";
  m += "Subject: " + subject + "\r\n";
  m += "Date: " + one_line(date) + "\r\n";
  m += "Message-ID: <" + one_line(message_id) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  m += crlf(mail.text) + "\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  m += crlf(mail.html) + "\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace checkout
