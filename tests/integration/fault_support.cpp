#include "fault_support.hpp"

#include <amqp.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"
#include "messaging/topology.hpp"
#include "persistence/sql.hpp"
#include "support/service_url.hpp"
#include "support/test_services.hpp"

namespace fault {
namespace {

using clock = std::chrono::steady_clock;
using ::checkout::messaging::amqp_connection;
using ::checkout::messaging::as_bytes;
using ::checkout::messaging::to_string;
using test_services::amqp_url;
using test_services::database_url;

ms left_until(clock::time_point until) {
  auto d = std::chrono::duration_cast<ms>(until - clock::now());
  return d.count() > 0 ? d : ms(0);
}

int error_code(const e2e::reply& r) {
  auto d = r.json();
  if (!d.IsObject() || !d.HasMember("error") || !d["error"].IsObject() ||
      !d["error"].HasMember("code") || !d["error"]["code"].IsInt())
    return 0;
  return d["error"]["code"].GetInt();
}

std::string brief(const e2e::reply& r) {
  return std::to_string(r.status) + " " + r.body.substr(0, 300);
}

bool paid_answer(const std::string& result) {
  return result == "applied" || result == "duplicate" || result == "already_applied" ||
         result == "accepted";
}

std::unique_ptr<amqp_connection> tap_connection() {
  std::string error;
  auto conn = amqp_connection::open(amqp_url(), "fault test tap", &error);
  if (!conn || !conn->open_channel(1, &error)) throw std::runtime_error("tap: " + error);
  return conn;
}

}  // namespace

pqxx::result query(const std::string& sql) {
  pqxx::connection c(database_url());
  pqxx::nontransaction t(c);
  return t.exec(sql);
}

pqxx::result query(const std::string& sql, const std::string& p1) {
  pqxx::connection c(database_url());
  pqxx::nontransaction t(c);
  return t.exec_params(sql, p1);
}

pqxx::result query(const std::string& sql, const std::string& p1, const std::string& p2) {
  pqxx::connection c(database_url());
  pqxx::nontransaction t(c);
  return t.exec_params(sql, p1, p2);
}

void execute(const std::string& sql) {
  pqxx::connection c(database_url());
  pqxx::work t(c);
  t.exec(sql);
  t.commit();
}

std::string db_now() {
  return query("SELECT now()::text")[0][0].as<std::string>();
}

std::string text(const e2e::reply& r, std::initializer_list<const char*> path) {
  auto doc = r.json();
  const rapidjson::Value* v = &doc;
  for (auto* key : path) {
    if (!v->IsObject() || !v->HasMember(key)) return {};
    v = &(*v)[key];
  }
  return v->IsString() ? v->GetString() : std::string();
}

attempt until_definite(const std::function<e2e::reply()>& send, ms deadline) {
  attempt a;
  auto until = clock::now() + deadline;
  ms backoff(50);
  for (;;) {
    try {
      a.reply = send();
      bool again = a.reply.status >= 500 || (a.reply.status == 409 && error_code(a.reply) == 6002);
      if (!again) {
        a.definite = true;
        return a;
      }
      a.last_error = brief(a.reply);
      ++(a.reply.status >= 500 ? a.server_errors : a.key_busy);
    } catch (const std::exception& e) {
      a.last_error = e.what();
      ++a.dropped;
    }
    if (left_until(until) < backoff) return a;
    ++a.retries;
    // The client's own back-off between tries (what a real client does), not
    // a wait for anything in the service.
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, ms(1000));
  }
}

e2e::reply pay(unsigned short port, const checkout& c) {
  return e2e::razorpay_post(
      port, e2e::razorpay_payment_body("payment.captured", c.gateway_order_id, c.total),
      "evt-" + c.user);
}

void add_retries(checkout& c, const attempt& a) {
  c.retries += a.retries;
  c.dropped += a.dropped;
  c.server_errors += a.server_errors;
  c.key_busy += a.key_busy;
}

bool place_only(unsigned short port, checkout& c, ms deadline, const cart_step& step) {
  auto until = clock::now() + deadline;
  auto bearer = "Bearer " + e2e::token_for(c.user);
  std::string products;
  for (auto& id : c.internships) {
    if (!products.empty()) products += ',';
    products += R"({"internship_id":")" + id + R"(","quantity":1})";
  }
  auto cart = until_definite(
      [&] {
        return e2e::call(port, "POST", "/api/v1/cart", R"({"products":[)" + products + "]}",
                         {{"Authorization", bearer}, {"Idempotency-Key", "cart-" + c.user}});
      },
      left_until(until));
  add_retries(c, cart);
  if (!cart.definite || (cart.reply.status != 201 && cart.reply.status != 200)) {
    c.error = "cart: " + (cart.definite ? brief(cart.reply) : cart.last_error);
    return false;
  }
  auto cart_token = text(cart.reply, {"data", "cart", "token"});
  if (step && !step(port, c, cart_token, left_until(until))) return false;

  auto placed = until_definite(
      [&] {
        return e2e::call(port, "POST", "/api/v1/orders",
                         R"({"cart_token":")" + cart_token + R"("})",
                         {{"Authorization", bearer}, {"Idempotency-Key", "order-" + c.user}});
      },
      left_until(until));
  add_retries(c, placed);
  if (!placed.definite || placed.reply.status != 201) {
    c.error = "order: " + (placed.definite ? brief(placed.reply) : placed.last_error);
    return false;
  }
  c.order_token = text(placed.reply, {"data", "order", "order_token"});
  c.gateway_order_id = text(placed.reply, {"data", "order", "payment", "gateway_order_id"});
  auto doc = placed.reply.json();
  if (!c.order_token.empty() && doc["data"]["order"].HasMember("total") &&
      doc["data"]["order"]["total"].IsInt64())
    c.total = doc["data"]["order"]["total"].GetInt64();
  if (c.order_token.empty() || c.gateway_order_id.rfind("order_", 0) != 0) {
    c.error = "order: no token or gateway order in " + brief(placed.reply);
    return false;
  }
  c.placed = true;
  return true;
}

void run_checkout(unsigned short port, checkout& c, ms deadline, const cart_step& step) {
  auto until = clock::now() + deadline;
  if (!place_only(port, c, deadline, step)) return;
  c.event_id = "evt-" + c.user;
  c.paid_sent = std::chrono::system_clock::now();
  auto paid = until_definite([&] { return pay(port, c); }, left_until(until));
  add_retries(c, paid);
  if (!paid.definite || paid.reply.status != 200) {
    c.error = "payment: " + (paid.definite ? brief(paid.reply) : paid.last_error);
    return;
  }
  c.webhook_result = text(paid.reply, {"data", "result"});
  if (!paid_answer(c.webhook_result)) {
    c.error = "payment: result " + brief(paid.reply);
    return;
  }
  c.finished = true;
}

std::map<std::string, std::string> fast_recovery() {
  return {{"REQUEST_TIMEOUT", "2s"},         {"GATEWAY_TIMEOUT", "1s"},
          {"GATEWAY_RETRIES", "0"},          {"GATEWAY_RETRY_BASE", "50ms"},
          {"ENROLLMENT_RETRY_BASE", "50ms"}, {"ENROLLMENT_RETRY_MAX", "500ms"}};
}

std::vector<std::string> make_internships(unsigned short port, int count, long long base_price) {
  e2e::shop shop{port};
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back(shop.internship(base_price + 100 * i, "1000000"));
  return ids;
}

stream_result run_stream(unsigned short port, const stream_options& opts,
                         const std::function<void(const std::atomic<int>& done)>& faults) {
  stream_result out;
  out.checkouts.resize(static_cast<size_t>(opts.checkouts));
  auto run_id = ::checkout::random_hex(4);
  for (int i = 0; i < opts.checkouts; ++i) {
    auto& c = out.checkouts[static_cast<size_t>(i)];
    c.user = opts.user_prefix + "-" + run_id + "-" + std::to_string(i);
    for (int k = 0; k < opts.lines; ++k)
      c.internships.push_back(
          opts.internships[(static_cast<size_t>(i + k)) % opts.internships.size()]);
  }
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  auto started = clock::now();
  // An exception must not end the process with a fault still in place (say,
  // the broker stopped): it is carried over and rethrown after the joins.
  // Checkouts not yet begun are then left out (a service that did not come
  // back would otherwise hold each of them for its whole deadline).
  std::exception_ptr injector_failed;
  std::atomic<bool> given_up{false};
  std::thread injector([&] {
    try {
      if (faults) faults(done);
    } catch (...) {
      injector_failed = std::current_exception();
      given_up = true;
    }
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < opts.threads; ++t) {
    clients.emplace_back([&] {
      for (int i = next++; i < opts.checkouts && !given_up; i = next++) {
        // The arrival rate of the load (opts.pace), not a wait for the service.
        std::this_thread::sleep_until(started + opts.pace * i);
        run_checkout(port, out.checkouts[static_cast<size_t>(i)], opts.deadline, opts.before_order);
        ++done;
      }
    });
  }
  for (auto& t : clients) t.join();
  injector.join();
  if (injector_failed) std::rethrow_exception(injector_failed);
  out.seconds = std::chrono::duration<double>(clock::now() - started).count();
  return out;
}

void reached(const std::atomic<int>& done, int n, ms limit) {
  if (!test_services::eventually([&] { return done.load() >= n; }, limit))
    throw std::runtime_error("the stream did not reach " + std::to_string(n) +
                             " finished checkouts (" + std::to_string(done.load()) + " after " +
                             std::to_string(limit.count()) + " ms)");
}

bus_tap::bus_tap() : queue_("fault.tap." + ::checkout::random_hex(6)) {
  auto conn = tap_connection();
  std::string error;
  // Should the test process die before its destructor, the broker removes
  // the queue once it has been unused for ten minutes.
  ::checkout::messaging::table_builder args;
  args.add_int("x-expires", 10 * 60 * 1000);
  amqp_queue_declare(conn->state(), 1, as_bytes(queue_), 0, /*durable=*/1, /*exclusive=*/0,
                     /*auto_delete=*/0, args.table());
  if (!conn->check_last(1, "queue.declare", &error)) throw std::runtime_error(error);
  // The tap comes before the server, in a vhost of the test's own where the
  // service has not declared its topology yet: the exchange is declared here
  // as the service declares it (a no-op when it exists), nothing else of it.
  std::string exchange = ::checkout::messaging::events_exchange;
  amqp_exchange_declare(conn->state(), 1, as_bytes(exchange), amqp_cstring_bytes("topic"),
                        /*passive=*/0, /*durable=*/1, /*auto_delete=*/0, /*internal=*/0,
                        amqp_empty_table);
  if (!conn->check_last(1, "exchange.declare", &error)) throw std::runtime_error(error);
  std::string key = "#";
  amqp_queue_bind(conn->state(), 1, as_bytes(queue_), as_bytes(exchange), as_bytes(key),
                  amqp_empty_table);
  if (!conn->check_last(1, "queue.bind", &error)) throw std::runtime_error(error);
}

bus_tap::~bus_tap() {
  try {
    auto conn = tap_connection();
    amqp_queue_delete(conn->state(), 1, as_bytes(queue_), 0, 0);
    std::string error;
    conn->check_last(1, "queue.delete", &error);
  } catch (const std::exception& e) {
    std::cerr << "bus tap " << queue_ << " not deleted: " << e.what() << "\n";
  }
}

bool bus_tap::drain(ms limit) {
  auto until = clock::now() + limit;
  auto conn = tap_connection();
  std::string error;
  // Straight into the tap's own queue (default exchange), behind everything
  // the broker has taken so far; no consumer of the service ever sees it.
  auto marker = "fault-tap-marker-" + ::checkout::random_hex(6);
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_MESSAGE_ID_FLAG;
  props.message_id = as_bytes(marker);
  if (amqp_basic_publish(conn->state(), 1, amqp_empty_bytes, as_bytes(queue_), /*mandatory=*/0, 0,
                         &props, amqp_cstring_bytes("marker")) != AMQP_STATUS_OK)
    throw std::runtime_error("tap: publishing the marker failed");
  amqp_basic_qos(conn->state(), 1, 0, 500, 0);
  if (!conn->check_last(1, "basic.qos", &error)) throw std::runtime_error(error);
  amqp_basic_consume(conn->state(), 1, as_bytes(queue_), amqp_empty_bytes, 0, /*no_ack=*/0, 0,
                     amqp_empty_table);
  if (!conn->check_last(1, "basic.consume", &error)) throw std::runtime_error(error);
  for (;;) {
    amqp_maybe_release_buffers(conn->state());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(left_until(until)).count();
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    amqp_envelope_t env;
    auto reply = amqp_consume_message(conn->state(), &env, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT)
      return false;
    if (reply.reply_type != AMQP_RESPONSE_NORMAL)
      throw std::runtime_error("tap: " + ::checkout::messaging::describe_reply(reply));
    auto& p = env.message.properties;
    std::string id = (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) ? to_string(p.message_id) : "";
    amqp_basic_ack(conn->state(), 1, env.delivery_tag, 0);
    amqp_destroy_envelope(&env);
    if (id == marker) return true;
    if (!id.empty()) ++seen_[id];
  }
}

long long queue_depth(const std::string& queue) {
  auto conn = tap_connection();
  std::string error;
  auto* ok = amqp_queue_declare(conn->state(), 1, as_bytes(queue), /*passive=*/1, 0, 0, 0,
                                amqp_empty_table);
  if (!conn->check_last(1, "queue.declare passive", &error) || ok == nullptr)
    throw std::runtime_error(queue + ": " + error);
  return ok->message_count;
}

long long purge_queue(const std::string& queue) {
  auto conn = tap_connection();
  std::string error;
  auto* ok = amqp_queue_purge(conn->state(), 1, as_bytes(queue));
  if (!conn->check_last(1, "queue.purge", &error) || ok == nullptr)
    throw std::runtime_error(queue + ": " + error);
  return ok->message_count;
}

std::string figures::line() const {
  std::ostringstream s;
  s << "lost=" << lost << " duplicated=" << duplicated << " recovered=" << recovered
    << " bus_duplicates=" << bus_duplicates << " checkouts=" << checkouts
    << " finished=" << finished << " paid=" << paid << " unfinished=" << unfinished
    << " | retried requests: dropped=" << dropped << " 5xx=" << server_errors
    << " 6002=" << key_busy << " | webhook answers:";
  for (auto& [result, n] : answers) s << " " << result << "=" << n;
  return s.str();
}

namespace {

struct order_facts {
  std::string user;
  std::string status;
  int orders_for_user = 0;
  long long lines = 0;
  long long quantity = 0;
  long long enrollments = 0;
  long long enrolled_lines = 0;
  long long attempts = 0;
  long long inbox_rows = 0;
  std::map<std::string, long long> history;  // status -> entries
  std::map<std::string, long long> events;   // event type -> outbox rows
  std::vector<std::string> paid_event_ids;
  std::vector<std::string> all_event_ids;
  long long unpublished = 0;
};

std::map<std::string, long long> count_by_token(const std::string& sql, const std::string& tokens) {
  std::map<std::string, long long> out;
  for (const auto& row : query(sql, tokens)) out[row[0].as<std::string>()] = row[1].as<long long>();
  return out;
}

// Whether every paid order is completed and every outbox row of ours published.
std::pair<long long, long long> unsettled(const std::vector<std::string>& paid_tokens,
                                          const std::string& all_tokens) {
  auto open =
      query("SELECT count(*) FROM orders WHERE token = ANY($1::uuid[]) AND status <> 'completed'",
            ::checkout::persistence::text_array(paid_tokens))[0][0]
          .as<long long>();
  auto pending = query(
                     "SELECT count(*) FROM outbox WHERE order_token = ANY($1::uuid[]) AND "
                     "published_at IS NULL",
                     all_tokens)[0][0]
                     .as<long long>();
  return {open, pending};
}

}  // namespace

figures audit(const std::vector<checkout>& checkouts, bus_tap& tap, ms settle) {
  figures f;
  f.checkouts = static_cast<int>(checkouts.size());
  std::vector<std::string> users, placed_tokens, paid_tokens;
  for (auto& c : checkouts) {
    users.push_back(c.user);
    if (c.retries > 0) ++f.recovered;
    f.dropped += c.dropped;
    f.server_errors += c.server_errors;
    f.key_busy += c.key_busy;
    if (c.finished) ++f.answers[c.webhook_result];
    if (c.finished) {
      ++f.finished;
      ++f.paid;
      paid_tokens.push_back(c.order_token);
    } else {
      ++f.unfinished;
      if (f.problems.size() < 10) f.problems.push_back(c.user + " unfinished: " + c.error);
    }
    if (c.placed) placed_tokens.push_back(c.order_token);
  }
  auto tokens = ::checkout::persistence::text_array(placed_tokens);

  // Settle: enrollment and publishing catch up on their own.
  std::pair<long long, long long> left{0, 0};
  test_services::eventually(
      [&] {
        left = unsettled(paid_tokens, tokens);
        return left.first == 0 && left.second == 0;
      },
      settle);
  if (left.first || left.second)
    f.problems.push_back("after settling: " + std::to_string(left.first) +
                         " paid orders not completed, " + std::to_string(left.second) +
                         " outbox rows unpublished");
  // Every row published by now was confirmed by the broker, so it is in the
  // tap ahead of drain's marker.
  if (!tap.drain(ms(60000))) f.problems.push_back("the tap's marker did not come back in 60 s");

  std::map<std::string, order_facts> facts;
  std::map<std::string, int> orders_per_user;
  for (const auto& row :
       query("SELECT token::text, user_id, status FROM orders WHERE user_id = ANY($1::text[])",
             ::checkout::persistence::text_array(users))) {
    auto& o = facts[row[0].as<std::string>()];
    o.user = row[1].as<std::string>();
    o.status = row[2].as<std::string>();
    ++orders_per_user[o.user];
  }
  for (const auto& row : query("SELECT order_token::text, count(*), sum(quantity) FROM order_items "
                               "WHERE order_token = ANY($1::uuid[]) GROUP BY 1",
                               tokens)) {
    auto& o = facts[row[0].as<std::string>()];
    o.lines = row[1].as<long long>();
    o.quantity = row[2].as<long long>();
  }
  for (const auto& row :
       query("SELECT order_token::text, count(*), count(DISTINCT line_no) FROM enrollments "
             "WHERE order_token = ANY($1::uuid[]) GROUP BY 1",
             tokens)) {
    auto& o = facts[row[0].as<std::string>()];
    o.enrollments = row[1].as<long long>();
    o.enrolled_lines = row[2].as<long long>();
  }
  for (auto& [t, n] : count_by_token("SELECT order_token::text, count(*) FROM payment_attempts "
                                     "WHERE order_token = ANY($1::uuid[]) GROUP BY 1",
                                     tokens))
    facts[t].attempts = n;
  for (auto& [t, n] : count_by_token("SELECT order_token::text, count(*) FROM webhook_events "
                                     "WHERE order_token = ANY($1::uuid[]) GROUP BY 1",
                                     tokens))
    facts[t].inbox_rows = n;
  for (const auto& row : query("SELECT order_token::text, status, count(*) FROM order_history "
                               "WHERE order_token = ANY($1::uuid[]) GROUP BY 1, 2",
                               tokens))
    facts[row[0].as<std::string>()].history[row[1].as<std::string>()] = row[2].as<long long>();
  std::set<std::string> mine(placed_tokens.begin(), placed_tokens.end());
  for (const auto& row :
       query("SELECT order_token::text, event_type, event_id::text, "
             "published_at IS NULL FROM outbox WHERE order_token = ANY($1::uuid[])",
             tokens)) {
    if (row[0].is_null() || !mine.count(row[0].as<std::string>())) continue;
    auto& o = facts[row[0].as<std::string>()];
    auto type = row[1].as<std::string>();
    ++o.events[type];
    o.all_event_ids.push_back(row[2].as<std::string>());
    if (type == "order.paid") o.paid_event_ids.push_back(row[2].as<std::string>());
    if (row[3].as<bool>()) ++o.unpublished;
  }

  auto problem = [&](const std::string& what) {
    if (f.problems.size() < 30) f.problems.push_back(what);
  };
  auto beyond_one = [&](long long n) { return n > 1 ? static_cast<int>(n - 1) : 0; };
  for (auto& [user, n] : orders_per_user) {
    if (n > 1) problem(user + ": " + std::to_string(n) + " orders");
    f.duplicated += beyond_one(n);
  }
  int unseen_events = 0;
  for (auto& c : checkouts) {
    if (!c.placed) continue;
    auto it = facts.find(c.order_token);
    if (it == facts.end() || it->second.user != c.user) {
      ++f.lost;
      problem(c.order_token + ": the client's order is not in the database");
      continue;
    }
    auto& o = it->second;
    auto dup = [&](long long n, const std::string& what) {
      if (n > 1) problem(c.order_token + ": " + std::to_string(n) + " " + what);
      f.duplicated += beyond_one(n);
    };
    dup(o.attempts, "payment attempts");
    dup(o.inbox_rows, "inbox rows");
    for (auto& [status, n] : o.history) dup(n, "history entries '" + status + "'");
    for (auto& [type, n] : o.events)
      if (type != "enrollment.created" && type != "notification.requested")
        dup(n, "outbox rows " + type);
    for (auto type : {"enrollment.created", "notification.requested"}) {
      auto n = o.events.count(type) ? o.events.at(type) : 0;
      if (n > o.lines) {
        problem(c.order_token + ": " + std::to_string(n) + " " + type + " for " +
                std::to_string(o.lines) + " lines");
        f.duplicated += static_cast<int>(n - o.lines);
      }
    }
    if (o.quantity > o.lines) {
      problem(c.order_token + ": quantity " + std::to_string(o.quantity) + " over " +
              std::to_string(o.lines) + " lines (a cart line added twice)");
      f.duplicated += static_cast<int>(o.quantity - o.lines);
    }
    if (o.enrollments > o.enrolled_lines) {
      problem(c.order_token + ": " + std::to_string(o.enrollments) + " enrollments for " +
              std::to_string(o.enrolled_lines) + " lines");
      f.duplicated += static_cast<int>(o.enrollments - o.enrolled_lines);
    }
    if (o.unpublished > 0) {
      problem(c.order_token + ": " + std::to_string(o.unpublished) + " outbox rows unpublished");
      f.lost += static_cast<int>(o.unpublished);
    }
    for (auto& id : o.all_event_ids)
      if (!tap.seen().count(id)) ++unseen_events;
    if (!c.finished) continue;
    if (o.status != "completed" || o.enrolled_lines != o.lines ||
        static_cast<size_t>(o.lines) != c.internships.size()) {
      ++f.lost;
      problem(c.order_token + ": status " + o.status + ", " + std::to_string(o.enrolled_lines) +
              " of " + std::to_string(o.lines) + " lines enrolled");
    }
    if (o.paid_event_ids.empty()) {
      ++f.lost;
      problem(c.order_token + ": paid without an order.paid event");
    }
    for (auto& id : o.paid_event_ids) {
      auto seen = tap.seen().count(id) ? tap.seen().at(id) : 0;
      if (seen == 0) problem(c.order_token + ": order.paid " + id + " never seen on the bus");
      if (seen > 1) f.bus_duplicates += seen - 1;
    }
  }
  // Published means confirmed by the broker, so every published row of ours
  // must have reached the tap too, whatever its type.
  if (unseen_events > 0) {
    problem(std::to_string(unseen_events) + " published events never seen on the bus");
    f.lost += unseen_events;
  }
  return f;
}

namespace {

command_result run_command(const std::string& cmd) {
  command_result r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) r.output += buf;
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// Empty when the node the CLI tools address serves AMQP on the port of this
// process's AMQP_URL (the test broker); otherwise why not. Asked while the
// node's application runs, so once per process, before anything is stopped.
std::string not_the_test_broker() {
  const char* node = std::getenv("RABBITMQ_NODENAME");
  if (node == nullptr || *node == '\0')
    return "RABBITMQ_NODENAME is not set: prepare_test_services exports the test node's name";
  auto port = std::to_string(test_services::address_of(amqp_url()).port);
  auto listeners = run_command("rabbitmq-diagnostics -q listeners");
  if (listeners.status != 0) return "rabbitmq-diagnostics listeners: " + listeners.output;
  if (listeners.output.find("port: " + port + ", protocol: amqp") == std::string::npos)
    return std::string("node ") + node + " does not serve AMQP on " + port +
           " (the port of AMQP_URL): " + listeners.output;
  return {};
}

}  // namespace

command_result rabbitmqctl(const std::string& args) {
  static const std::string refused = not_the_test_broker();
  if (!refused.empty()) return {-1, "rabbitmqctl " + args + " refused: " + refused};
  return run_command("rabbitmqctl " + args);
}

bool broker_up(ms limit) {
  return test_services::eventually(
      [] {
        std::string error;
        return amqp_connection::open(amqp_url(), "fault test probe", &error) != nullptr;
      },
      limit);
}

namespace {

// The vhost of AMQP_URL (the path after the host, %2f decoded).
std::string vhost() {
  auto url = amqp_url();
  auto path = url.substr(url.find('/', url.find('@')) + 1);
  for (auto at = path.find("%2f"); at != std::string::npos; at = path.find("%2f"))
    path.replace(at, 3, "/");
  for (auto at = path.find("%2F"); at != std::string::npos; at = path.find("%2F"))
    path.replace(at, 3, "/");
  return path;
}

// The vhost's connections: name -> client properties (as rabbitmqctl prints them).
std::map<std::string, std::string> connections(std::string* error) {
  auto r = rabbitmqctl("-s list_connections -p '" + vhost() + "' name client_properties");
  std::map<std::string, std::string> out;
  if (r.status != 0) {
    *error = "list_connections: " + r.output;
    return out;
  }
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

// The names of the connections whose client is one of `clients`, one per client.
std::set<std::string> of_clients(const std::map<std::string, std::string>& open,
                                 const std::vector<std::string>& clients) {
  std::set<std::string> names;
  for (auto& client : clients)
    for (auto& [name, props] : open)
      if (props.find("\"" + client + "\"") != std::string::npos) {
        names.insert(name);
        break;
      }
  return names;
}

}  // namespace

int close_connections(const std::string& why, const std::vector<std::string>& clients,
                      std::string* error) {
  // The service connects again by itself (after a restart or an earlier
  // close): wait for that rather than close nothing.
  std::set<std::string> targets;
  test_services::eventually(
      [&] {
        std::string listing_error;
        targets = of_clients(connections(&listing_error), clients);
        return listing_error.empty() && targets.size() == clients.size();
      },
      ms(60000));
  if (targets.size() != clients.size()) {
    *error = "only " + std::to_string(targets.size()) + " of " + std::to_string(clients.size()) +
             " clients connected within 60 s";
    return 0;
  }
  auto r = rabbitmqctl("close_all_connections -p '" + vhost() + "' \"" + why + "\"");
  if (r.status != 0) {
    *error = "close_all_connections: " + r.output;
    return 0;
  }
  std::set<std::string> left;
  bool gone = test_services::eventually(
      [&] {
        std::string listing_error;
        auto now = connections(&listing_error);
        if (!listing_error.empty()) return false;
        left.clear();
        for (auto& name : targets)
          if (now.count(name)) left.insert(name);
        return left.empty();
      },
      ms(30000));
  if (!gone) *error = std::to_string(left.size()) + " connections still open after the close";
  return static_cast<int>(targets.size() - left.size());
}

void report(const std::string& name, const std::string& value) {
  std::cout << "[fault] " << name << " = " << value << std::endl;
  ::testing::Test::RecordProperty(name, value);
}

}  // namespace fault
