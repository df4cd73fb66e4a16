// The confirmation email (CONTRACT §16): each new enrollment becomes one mail,
// sent over SMTP to a real server (aiosmtpd on loopback) and read back from
// its maildir. A mail server that is away delays mails and loses none; a
// crash between the send and its mark repeats that one mail only.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "e2e_shop.hpp"
#include "e2e_smtp_sink.hpp"
#include "support/json_expect.hpp"
#include "support/prometheus_text.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;

// A paid checkout of `internship` by a user whose token carries `email`
// (none when empty), up to the order being completed; answers the order token.
std::string paid_checkout(unsigned short port, const std::string& internship,
                          const std::string& email) {
  auto user = e2e::unique("mail");
  auto bearer =
      "Bearer " + (email.empty() ? e2e::token_for(user) : e2e::token_with_email(user, email));
  auto cart = call(port, "POST", "/api/v1/cart",
                   R"({"products":[{"internship_id":")" + internship + R"("}]})",
                   {{"Authorization", bearer}});
  if (cart.status != 201) throw std::runtime_error("cart: " + cart.body);
  auto cart_token = e2e::str(cart.json()["data"]["cart"], "token");
  auto placed = call(port, "POST", "/api/v1/orders", R"({"cart_token":")" + cart_token + "\"}",
                     {{"Authorization", bearer}, {"Idempotency-Key", e2e::unique("k")}});
  if (placed.status != 201) throw std::runtime_error("order: " + placed.body);
  auto d = placed.json();
  auto order = json_expect::string_at(d, "data.order.order_token");
  auto captured = e2e::razorpay_post(
      port,
      e2e::razorpay_payment_body("payment.captured",
                                 json_expect::string_at(d, "data.order.payment.gateway_order_id"),
                                 json_expect::int_at(d, "data.order.total")));
  if (captured.status != 200) throw std::runtime_error("capture: " + captured.body);
  return order;
}

class notifications : public e2e::shared_server<notifications> {
 public:
  static void SetUpTestSuite() {
    sink = new e2e::smtp_sink();
    e2e::shared_server<notifications>::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    e2e::shared_server<notifications>::TearDownTestSuite();
    delete sink;
    sink = nullptr;
  }
  static std::map<std::string, std::string> env() {
    return {{"SMTP_URL", sink->url()},
            {"MAIL_FROM", "Checkout Tests <tests@checkout.localhost>"},
            {"NOTIFICATION_RETRY_MAX", "1s"}};
  }

 protected:
  static e2e::smtp_sink* sink;
  e2e::shop shop{srv->port()};

  double sent_metric() {
    auto m = call(shop.port, "GET", "/metrics");
    return prom::parse(m.body).value("checkout_notifications_total", {{"result", "sent"}});
  }
};

e2e::smtp_sink* notifications::sink = nullptr;

TEST_F(notifications, a_paid_checkout_ends_with_one_email_naming_the_internship_and_amount) {
  auto sent_before = sent_metric();
  auto internship = shop.internship(10000);
  auto order = paid_checkout(shop.port, internship, "asha@example.com");
  ASSERT_TRUE(e2e::eventually([&] { return sink->containing(order).size() == 1; }, 15s))
      << sink->messages().size() << " messages in the sink";
  auto mail = sink->containing(order).front();
  EXPECT_NE(mail.find("To: asha@example.com"), std::string::npos) << mail;
  EXPECT_NE(mail.find("From: Checkout Tests <tests@checkout.localhost>"), std::string::npos);
  EXPECT_NE(mail.find("Subject: You are enrolled: Order internship"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Internship: Order internship"), std::string::npos) << mail;
  // 10000 paise plus 18% GST.
  EXPECT_NE(mail.find("Amount: INR 118.00"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Content-Type: text/html"), std::string::npos);
  EXPECT_NE(mail.find("/orders/" + order), std::string::npos);
  // The mail's invoice link opens the printable invoice without a token.
  std::smatch link;
  ASSERT_TRUE(std::regex_search(
      mail, link,
      std::regex(R"(Tax invoice: \S*(/api/v1/orders/[0-9a-f-]+/invoice\?key=[0-9a-f]+))")))
      << mail;
  EXPECT_NE(link[1].str().find(order), std::string::npos);
  auto page = e2e::call(shop.port, "GET", link[1].str(), {}, {{"Accept", "text/html"}});
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("INR 118.00"), std::string::npos) << page.body;
  EXPECT_EQ(
      e2e::db_value("SELECT outcome FROM notifications_sent WHERE order_token = $1::uuid", order),
      "sent");
  // Still one a while later: the acknowledged message is not sent again.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sink->containing(order).size(), 1u);
  EXPECT_GE(sent_metric(), sent_before + 1);
}

TEST_F(notifications, a_token_without_email_sends_nothing_and_is_counted) {
  auto order = paid_checkout(shop.port, shop.internship(5000), "");
  ASSERT_TRUE(e2e::eventually(
      [&] {
        return e2e::db_value("SELECT outcome FROM notifications_sent WHERE order_token = $1::uuid",
                             order) == "no_address";
      },
      15s));
  EXPECT_TRUE(sink->containing(order).empty());
  auto m = call(shop.port, "GET", "/metrics");
  EXPECT_GE(prom::parse(m.body).value("checkout_notifications_total", {{"result", "no_address"}}),
            1);
}

TEST_F(notifications, the_mail_server_away_delays_mails_and_loses_none) {
  auto internship = shop.internship(2000, "null");
  sink->stop();
  std::vector<std::string> orders;
  for (int i = 0; i < 50; ++i)
    orders.push_back(
        paid_checkout(shop.port, internship, "student" + std::to_string(i) + "@ex.com"));
  // Every order completes; the mails' tries fail and are retried.
  for (auto& o : orders)
    ASSERT_TRUE(e2e::eventually(
        [&] {
          return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", o) ==
                 "completed";
        },
        15s))
        << o;
  std::this_thread::sleep_for(2s);
  for (auto& o : orders) EXPECT_TRUE(sink->containing(o).empty()) << o;
  auto m = call(shop.port, "GET", "/metrics");
  EXPECT_GE(prom::parse(m.body).value("checkout_notifications_total", {{"result", "smtp_failed"}}),
            1);

  sink->start();
  ASSERT_TRUE(e2e::eventually(
      [&] {
        for (auto& o : orders)
          if (sink->containing(o).size() != 1) return false;
        return true;
      },
      60s));
  for (auto& o : orders) {
    EXPECT_EQ(sink->containing(o).size(), 1u) << o;
    EXPECT_EQ(e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", o), "completed");
  }
}

// A suite (and so a process, database and vhost) of its own: it kills its server.
class notification_crash : public ::testing::Test {};

TEST_F(notification_crash, a_kill_between_send_and_mark_repeats_only_that_mail) {
  e2e::smtp_sink sink;
  e2e::server srv({{"SMTP_URL", sink.url()}, {"NOTIFICATION_RETRY_MAX", "1s"}});
  e2e::shop shop{srv.port()};
  auto internship = shop.internship(3000, "null");
  auto earlier = paid_checkout(srv.port(), internship, "first@example.com");
  ASSERT_TRUE(e2e::eventually(
      [&] {
        return e2e::db_value("SELECT outcome FROM notifications_sent WHERE order_token = $1::uuid",
                             earlier) == "sent";
      },
      15s));

  // The next mark takes its time and then fails, as if the process died
  // between handing the mail over and writing the mark.
  e2e::db_exec(
      "CREATE FUNCTION slow_failing_mark() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
      "PERFORM pg_sleep(2); RAISE EXCEPTION 'mark lost'; END $f$");
  e2e::db_exec(
      "CREATE TRIGGER slow_failing_mark BEFORE INSERT ON notifications_sent FOR EACH ROW "
      "EXECUTE FUNCTION slow_failing_mark()");
  auto order = paid_checkout(srv.port(), internship, "second@example.com");
  ASSERT_TRUE(e2e::eventually([&] { return sink.containing(order).size() == 1; }, 15s));
  srv.kill_hard();
  // Waits for the failing mark to end, then lets marks through again.
  e2e::db_exec("DROP TRIGGER slow_failing_mark ON notifications_sent");
  srv.start();

  ASSERT_TRUE(e2e::eventually([&] { return sink.containing(order).size() == 2; }, 30s))
      << sink.containing(order).size() << " mails for the order";
  ASSERT_TRUE(e2e::eventually(
      [&] {
        return e2e::db_value("SELECT outcome FROM notifications_sent WHERE order_token = $1::uuid",
                             order) == "sent";
      },
      15s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sink.containing(order).size(), 2u) << "one repeat, no more";
  EXPECT_EQ(sink.containing(earlier).size(), 1u) << "a marked mail is never sent again";
}

}  // namespace
