#include "actors/notification/notification_handler.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <pqxx/pqxx>

#include "actors/common/metrics.hpp"
#include "actors/invoice/invoice_link.hpp"
#include "actors/notification/confirmation_mail.hpp"

namespace checkout {
namespace {

std::string member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string rfc5322_now() {
  std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return buf;
}

struct facts_row {
  bool found = false;
  std::string email;
  enrollment_mail_facts facts;
};

facts_row facts_of(pqxx::transaction_base& txn, const std::string& enrollment_id) {
  auto r = txn.exec_params(
      "SELECT o.token::text, COALESCE(o.buyer_email, ''), o.currency, o.total, oi.total, "
      "COALESCE(oi.period, ''), oi.quantity, e.internship_id, COALESCE(i.title, '') "
      "FROM enrollments e JOIN orders o ON o.token = e.order_token "
      "JOIN order_items oi ON oi.order_token = e.order_token AND oi.line_no = e.line_no "
      "LEFT JOIN internships i ON i.id = e.internship_id WHERE e.enrollment_id = $1::uuid",
      enrollment_id);
  facts_row out;
  if (r.empty()) return out;
  out.found = true;
  auto row = r[0];
  out.email = row[1].as<std::string>();
  auto& f = out.facts;
  f.enrollment_id = enrollment_id;
  f.order_token = row[0].as<std::string>();
  f.currency = row[2].as<std::string>();
  f.order_total = row[3].as<std::int64_t>();
  f.line_total = row[4].as<std::int64_t>();
  f.period = row[5].as<std::string>();
  f.seats = row[6].as<int>();
  f.internship_id = row[7].as<std::string>();
  f.internship_title = row[8].as<std::string>();
  return out;
}

// Whether this call wrote the mark (false: it was there already).
bool mark(pqxx::transaction_base& txn, const enrollment_mail_facts& f, const std::string& to,
          const char* outcome) {
  auto r = txn.exec_params(
      "INSERT INTO notifications_sent (enrollment_id, order_token, recipient, outcome) "
      "VALUES ($1::uuid, $2::uuid, NULLIF($3, ''), $4) ON CONFLICT (enrollment_id) DO NOTHING",
      f.enrollment_id, f.order_token, to, std::string(outcome));
  return r.affected_rows() == 1;
}

}  // namespace

notification_handler::notification_handler(notification_options opts) : opts_(std::move(opts)) {}

notification_handler::~notification_handler() = default;

pqxx::connection& notification_handler::db() {
  if (!conn_ || !conn_->is_open()) conn_ = std::make_unique<pqxx::connection>(opts_.database_url);
  return *conn_;
}

messaging::outcome notification_handler::handle(const messaging::delivery& d) {
  rapidjson::Document doc;
  doc.Parse(d.body.c_str(), d.body.size());
  auto data = doc.IsObject() ? doc.FindMember("data") : rapidjson::Value::MemberIterator();
  if (!doc.IsObject() || member(doc, "type") != "notification.requested" ||
      data == doc.MemberEnd() || !data->value.IsObject())
    return messaging::outcome::reject;
  auto enrollment_id = member(data->value, "enrollment_id");
  if (enrollment_id.empty()) return messaging::outcome::reject;
  auto& counters = metrics::registry::instance().delivery();

  facts_row found;
  try {
    pqxx::nontransaction txn(db());
    if (!txn.exec_params("SELECT 1 FROM notifications_sent WHERE enrollment_id = $1::uuid",
                         enrollment_id)
             .empty())
      return messaging::outcome::ack;
    found = facts_of(txn, enrollment_id);
    if (!found.found) return messaging::outcome::reject;
    if (found.email.empty()) {
      if (mark(txn, found.facts, "", "no_address")) counters.notifications_no_address++;
      return messaging::outcome::ack;
    }
  } catch (const pqxx::data_exception&) {
    return messaging::outcome::reject;  // not a UUID: no enrollment can match
  } catch (const std::exception& e) {
    spdlog::warn("confirmation for enrollment {}: the database failed ({}); retrying",
                 enrollment_id, e.what());
    conn_.reset();
    return messaging::outcome::retry;
  }

  auto& f = found.facts;
  f.order_url = opts_.public_base_url + "/orders/" + f.order_token;
  f.learning_url = opts_.public_base_url + "/learning";
  f.invoice_url = invoice::link(opts_.public_base_url, opts_.invoice_link_secret, f.order_token);
  auto message = mime_message(confirmation_mail(f), opts_.from, found.email, rfc5322_now(),
                              f.enrollment_id + "@checkout");
  if (auto err = smtp_send(opts_.smtp, found.email, message); !err.empty()) {
    counters.notifications_failed++;
    spdlog::warn("confirmation for enrollment {}: the mail server did not take it ({}); retrying",
                 enrollment_id, err);
    return messaging::outcome::retry;
  }
  try {
    pqxx::nontransaction txn(db());
    mark(txn, f, found.email, "sent");
  } catch (const std::exception& e) {
    // Sent but not marked: the redelivery finds no mark and sends it once more.
    spdlog::warn("confirmation for enrollment {} was sent but not marked ({}); retrying",
                 enrollment_id, e.what());
    conn_.reset();
    return messaging::outcome::retry;
  }
  counters.notifications_sent++;
  spdlog::info("confirmation sent for enrollment {} (order {})", enrollment_id, f.order_token);
  return messaging::outcome::ack;
}

}  // namespace checkout
