// The confirmation email of an enrollment (CONTRACT §16): what it says, and a
// MIME message an SMTP server accepts.
#include <gtest/gtest.h>

#include "actors/notification/confirmation_mail.hpp"

namespace checkout {
namespace {

enrollment_mail_facts facts() {
  enrollment_mail_facts f;
  f.enrollment_id = "e-1";
  f.order_token = "o-1";
  f.internship_id = "ds-200";
  f.internship_title = "Data <Science> & AI";
  f.period = "3 month";
  f.seats = 1;
  f.line_total = 12744;
  f.order_total = 12744;
  f.currency = "INR";
  f.order_url = "https://shop.example/orders/o-1";
  f.learning_url = "https://shop.example/learning";
  f.invoice_url = "https://shop.example/api/v1/orders/o-1/invoice?key=k&x=1";
  return f;
}

TEST(ConfirmationMail, NamesTheInternshipTheAmountAndTheLinks) {
  auto m = confirmation_mail(facts());
  EXPECT_EQ(m.subject, "You are enrolled: Data <Science> & AI");
  EXPECT_NE(m.text.find("Internship: Data <Science> & AI (3 month)"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("Amount: INR 127.44"), std::string::npos) << m.text;
  EXPECT_EQ(m.text.find("Order total"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("https://shop.example/orders/o-1"), std::string::npos);
  EXPECT_NE(m.text.find("https://shop.example/learning"), std::string::npos);
  EXPECT_NE(m.text.find("Tax invoice: https://shop.example/api/v1/orders/o-1/invoice?key=k&x=1"),
            std::string::npos)
      << m.text;
  EXPECT_NE(m.html.find("href=\"https://shop.example/api/v1/orders/o-1/invoice?key=k&amp;x=1\""),
            std::string::npos)
      << m.html;
  // The HTML part escapes what the catalog says.
  EXPECT_NE(m.html.find("Data &lt;Science&gt; &amp; AI"), std::string::npos) << m.html;
  EXPECT_EQ(m.html.find("<Science>"), std::string::npos);
  EXPECT_NE(m.html.find("INR 127.44"), std::string::npos);
}

TEST(ConfirmationMail, SeveralLinesShowTheOrderTotalAndSeats) {
  auto f = facts();
  f.seats = 2;
  f.order_total = 30000;
  f.internship_title.clear();
  auto m = confirmation_mail(f);
  EXPECT_EQ(m.subject, "You are enrolled: ds-200");
  EXPECT_NE(m.text.find("ds-200 (3 month), 2 seats"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("Order total: INR 300.00"), std::string::npos) << m.text;
}

TEST(ConfirmationMail, MailAddressTakesWhatIsInsideTheBrackets) {
  EXPECT_EQ(mail_address("Checkout <no-reply@shop.example>"), "no-reply@shop.example");
  EXPECT_EQ(mail_address("no-reply@shop.example"), "no-reply@shop.example");
}

TEST(MimeMessage, HeadersBothPartsAndCrlf) {
  mail_content m{"You are enrolled: X", "line one\nline two\n", "<p>x</p>\n"};
  auto msg = mime_message(m, "Shop <a@shop.example>", "student@example.com",
                          "Fri, 04 Dec 2026 10:00:00 +0000", "e-1@checkout");
  EXPECT_EQ(msg.rfind("From: Shop <a@shop.example>\r\nTo: student@example.com\r\n", 0), 0u) << msg;
  EXPECT_NE(msg.find("Subject: You are enrolled: X\r\n"), std::string::npos);
  EXPECT_NE(msg.find("Message-ID: <e-1@checkout>\r\n"), std::string::npos);
  EXPECT_NE(msg.find("multipart/alternative; boundary=\"=_alt_e-1@checkout\""), std::string::npos);
  auto text = msg.find("Content-Type: text/plain; charset=utf-8");
  auto html = msg.find("Content-Type: text/html; charset=utf-8");
  ASSERT_NE(text, std::string::npos);
  ASSERT_NE(html, std::string::npos);
  EXPECT_LT(text, html);
  EXPECT_NE(msg.find("line one\r\nline two\r\n"), std::string::npos);
  EXPECT_NE(msg.find("--=_alt_e-1@checkout--\r\n"), std::string::npos);
  // No bare LF anywhere.
  for (size_t i = 0; i < msg.size(); ++i)
    if (msg[i] == '\n') ASSERT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
}

TEST(MimeMessage, NoHeaderInjectionAndEncodedSubjects) {
  mail_content m{"You are enrolled: X\r\nBcc: victim@example.com", "t", "h"};
  auto msg = mime_message(m, "a@b", "c@d", "date", "id");
  EXPECT_EQ(msg.find("\r\nBcc:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Subject: You are enrolled: XBcc: victim@example.com\r\n"), std::string::npos);

  mail_content utf8{"You are enrolled: Café", "t", "h"};
  auto encoded = mime_message(utf8, "a@b", "c@d", "date", "id");
  EXPECT_NE(encoded.find("Subject: =?UTF-8?B?WW91IGFyZSBlbnJvbGxlZDogQ2Fmw6k=?=\r\n"),
            std::string::npos)
      << encoded;
}

}  // namespace
}  // namespace checkout
