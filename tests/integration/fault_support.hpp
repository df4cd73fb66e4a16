// Fault-injection support: clients that behave like real ones while the
// service, the broker or the database fail under them, a tap on the event
// bus, and the audit that counts what was lost or duplicated afterwards.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace fault {

using ms = std::chrono::milliseconds;

// Where PostgreSQL and RabbitMQ are: test_services::database_url() and
// amqp_url(), this process's own database and vhost (never the demo's).

// A fresh connection per call: the database faults kill long-lived ones.
pqxx::result query(const std::string& sql);
pqxx::result query(const std::string& sql, const std::string& p1);
pqxx::result query(const std::string& sql, const std::string& p1, const std::string& p2);
void execute(const std::string& sql);
// PostgreSQL's own clock, so "since" comparisons need no clock agreement.
std::string db_now();

// The string at a path of object members in a reply's JSON ("" when any step
// is missing), e.g. text(r, {"data", "order", "order_token"}).
std::string text(const e2e::reply& r, std::initializer_list<const char*> path);

// One request repeated the way a client does it: after a connection error,
// a 5xx or a 409 6002 (key still taken) the same request goes out again,
// until a definite answer or the deadline.
struct attempt {
  e2e::reply reply;
  bool definite = false;
  int retries = 0;
  // Why tries were repeated: no connection or no answer, 5xx, 409 6002.
  int dropped = 0, server_errors = 0, key_busy = 0;
  std::string last_error;  // of the last failed try
};
attempt until_definite(const std::function<e2e::reply()>& send, ms deadline);

struct checkout;
// What a shopper does with its cart before placing the order (apply a
// coupon, ask for an estimate...); false, with checkout::error set, ends the
// checkout there. `left` is what remains of the checkout's deadline.
using cart_step =
    std::function<bool(unsigned short port, checkout& c, const std::string& cart_token, ms left)>;

// One paid checkout by one user: cart (Idempotency-Key), the cart step if
// any, order (Idempotency-Key), signed payment.captured (one event id,
// however often it is sent).
struct checkout {
  std::string user;
  std::vector<std::string> internships;  // one cart line each
  std::string order_token;
  std::string gateway_order_id;
  std::string event_id;
  std::string webhook_result;
  long long total = 0;
  long long estimate = 0;  // the cart estimate's total a cart step read (0: none read)
  // When the payment event was first sent (wall clock, comparable with
  // PostgreSQL's timestamps on this machine).
  std::chrono::system_clock::time_point paid_sent;
  int retries = 0;                                   // requests repeated for this checkout
  int dropped = 0, server_errors = 0, key_busy = 0;  // the reasons, summed
  bool placed = false;                               // the client holds a 201 for its order
  bool finished = false;                             // ... and a definite 200 for its payment
  std::string error;                                 // why it did not finish
};
void run_checkout(unsigned short port, checkout& c, ms deadline, const cart_step& step = {});
// Counts an attempt's repeats into its checkout (for cart steps).
void add_retries(checkout& c, const attempt& a);

// Places the order without paying (for suites that pay on their own).
bool place_only(unsigned short port, checkout& c, ms deadline, const cart_step& step = {});
// Sends the signed payment.captured of a placed order once (event id
// "evt-<user>", the id run_checkout uses) and answers the reply.
e2e::reply pay(unsigned short port, const checkout& c);

// Settings with short waits, so that an Idempotency-Key whose request died
// with its process is free again within seconds (the lease follows
// REQUEST_TIMEOUT and GATEWAY_*), and enrollment retries come quickly.
std::map<std::string, std::string> fast_recovery();

// Internships with plenty of seats, made by an admin.
std::vector<std::string> make_internships(unsigned short port, int count, long long base_price);

// Runs `count` checkouts on `threads` client threads while `faults` runs on
// a thread of its own, watching how many checkouts are done (see reached()).
struct stream_options {
  int checkouts = 100;
  int threads = 8;
  int lines = 2;  // internships per cart
  std::vector<std::string> internships;
  ms deadline{std::chrono::seconds(120)};  // per checkout
  // Checkout i starts no earlier than i * pace after the first: a steady
  // arrival rate, so that slow fault commands still land mid-stream.
  ms pace{0};
  std::string user_prefix = "fault";
  cart_step before_order;  // empty: straight from cart to order
};
struct stream_result {
  std::vector<checkout> checkouts;
  double seconds = 0;
};
stream_result run_stream(unsigned short port, const stream_options& opts,
                         const std::function<void(const std::atomic<int>& done)>& faults);
// For a fault injector: waits until `done` reaches `n`; throws when it does
// not within `limit` (run_stream carries the exception over to the test).
void reached(const std::atomic<int>& done, int n, ms limit = ms(300000));

// A durable queue of the test's own bound to checkout.events with "#": it
// keeps every event published while it exists, across broker restarts, until
// drain() reads them. Deleted by the destructor.
class bus_tap {
 public:
  bus_tap();
  ~bus_tap();
  bus_tap(const bus_tap&) = delete;
  bus_tap& operator=(const bus_tap&) = delete;
  // Reads everything that is in the queue now, counting by message_id: puts a
  // marker of its own at the back and reads until the marker comes (so an
  // event the broker confirmed before the call is counted, without waiting
  // for a quiet spell). False when the marker did not come within `limit`.
  bool drain(ms limit);
  const std::map<std::string, int>& seen() const { return seen_; }

 private:
  std::string queue_;
  std::map<std::string, int> seen_;
};

// The ready messages of a queue in this process's vhost (a passive declare),
// and purging them (answers how many went).
long long queue_depth(const std::string& queue);
long long purge_queue(const std::string& queue);

// What the audit found. Every count is over the checkouts given to it.
struct figures {
  int checkouts = 0;
  int finished = 0;
  int paid = 0;        // orders whose payment was answered 200
  int lost = 0;        // paid orders not enrolled, events never published or seen, orders missing
  int duplicated = 0;  // database rows beyond "exactly one"
  int recovered = 0;   // checkouts that needed a retry
  int bus_duplicates = 0;  // extra copies of order.paid events on the bus (allowed)
  int unfinished = 0;      // checkouts the client could not finish
  int dropped = 0, server_errors = 0, key_busy = 0;  // why requests were repeated
  std::map<std::string, int> answers;                // webhook results
  std::vector<std::string> problems;  // the first few findings, for the failure message
  std::string line() const;
};

// Waits (at most `settle`) until every finished checkout's order is completed
// and every outbox row of those orders is published, then counts.
figures audit(const std::vector<checkout>& checkouts, bus_tap& tap, ms settle);

// rabbitmqctl with arguments; the exit status and what it printed. It runs
// only once the node rabbitmqctl addresses (RABBITMQ_NODENAME, exported by
// prepare_test_services) is seen to serve AMQP on the port of
// test_services::amqp_url(): stop_app must never stop the demo's broker.
struct command_result {
  int status = -1;
  std::string output;
};
command_result rabbitmqctl(const std::string& args);
// Waits until the broker accepts AMQP connections again.
bool broker_up(ms limit);
// Closes every AMQP connection in this process's vhost (only there: other
// suites' vhosts on the node are not ours), once a connection of each client
// named in `clients` (its connection_name, e.g. "checkout outbox relay") is
// open, and waits until those are gone. Answers how many of them it closed;
// what went wrong in *error.
int close_connections(const std::string& why, const std::vector<std::string>& clients,
                      std::string* error);

// Prints a figure and records it in the test's XML properties.
void report(const std::string& name, const std::string& value);

}  // namespace fault
