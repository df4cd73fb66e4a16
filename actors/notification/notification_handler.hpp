// The consumer of checkout.notifications (CONTRACT §16): one
// `notification.requested` becomes one confirmation email. It runs on the
// consumer's own thread (messaging::consumer's blocking handler) and keeps
// its own database connection, so a slow mail server holds no actor and no
// pooled connection.
//
// Exactly once as far as a mark can make it: an enrollment already in
// notifications_sent is acknowledged without a mail; the mark is written
// after the SMTP server accepted the mail. A crash (or a database that fails)
// between the two sends that one mail again on redelivery; nothing is lost,
// because the message is acknowledged only after the mark. A mail server
// that refuses or is away makes a retry (NACK, back-off): it delays mails.
#pragma once

#include <memory>
#include <pqxx/connection>
#include <string>

#include "actors/notification/smtp_client.hpp"
#include "messaging/consumer.hpp"

namespace checkout {

struct notification_options {
  std::string database_url;
  smtp_target smtp;  // smtp.from: the envelope sender, a bare address
  std::string from;  // the From header, MAIL_FROM as given
  std::string public_base_url;
  std::string invoice_link_secret;  // JWT_SECRET: keys the mail's invoice link
};

class notification_handler {
 public:
  explicit notification_handler(notification_options opts);
  ~notification_handler();
  notification_handler(const notification_handler&) = delete;
  notification_handler& operator=(const notification_handler&) = delete;

  messaging::outcome handle(const messaging::delivery& d);

 private:
  pqxx::connection& db();
  notification_options opts_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace checkout
