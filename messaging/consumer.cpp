#include "messaging/consumer.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "config/log_context.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"
#include "messaging/stop_signal.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr amqp_channel_t consume_channel = 1;
// Longest wait for a delivery before looking at stop() and due NACKs again.
constexpr auto poll_slice = 200ms;

delivery to_delivery(const amqp_envelope_t& env) {
  const amqp_basic_properties_t& props = env.message.properties;
  delivery d;
  d.routing_key = to_string(env.routing_key);
  d.redelivered = env.redelivered != 0;
  d.body = to_string(env.message.body);
  if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) d.message_id = to_string(props.message_id);
  if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
    if (auto c = string_field(props.headers, "correlation_id")) d.correlation_id = *c;
    // Quorum queues count earlier deliveries here; the first has no header.
    if (auto n = int_field(props.headers, "x-delivery-count")) d.delivery_count = *n;
  }
  if (d.correlation_id.empty() && (props._flags & AMQP_BASIC_CORRELATION_ID_FLAG)) {
    d.correlation_id = to_string(props.correlation_id);
  }
  return d;
}

// Metrics hooks must not take the consumer down.
void notify(const std::function<void()>& hook) {
  if (!hook) return;
  try {
    hook();
  } catch (...) {
  }
}

// A delivery whose handler asked for a retry; it stays unacknowledged (so
// the broker does not hand it to anyone else) until its back-off is over.
struct deferred_nack {
  clock_type::time_point due;
  std::uint64_t tag;
};

// A handler's answer, on its way back to the consumer's thread. `connection`
// tells answers for a closed connection (whose tags mean nothing on the next
// one; the broker requeued those deliveries) from current ones.
struct answer {
  std::uint64_t connection;
  std::uint64_t tag;
  std::int64_t delivery_count;
  std::string message_id;
  outcome result;
};

// Shared with the replies, which may outlive the consumer. An answer wakes
// the consumer's thread through `wake` (an eventfd it polls beside the
// broker's socket), so it is acknowledged at once and without a busy loop.
struct answers {
  std::mutex mutex;
  std::vector<answer> items;
  int wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  answers() = default;
  answers(const answers&) = delete;
  answers& operator=(const answers&) = delete;
  ~answers() {
    if (wake >= 0) ::close(wake);
  }
  void push(answer a) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      items.push_back(std::move(a));
    }
    std::uint64_t one = 1;
    // A failed write only leaves the answer to the next poll slice.
    if (wake >= 0 && ::write(wake, &one, sizeof one) < 0) return;
  }
  std::vector<answer> take() {
    std::uint64_t count;
    // Resets the counter; EAGAIN (nothing written since) is fine.
    if (wake >= 0 && ::read(wake, &count, sizeof count) < 0) count = 0;
    std::lock_guard<std::mutex> lock(mutex);
    return std::exchange(items, {});
  }
};

// Waits until the broker's socket has data, an answer came, or `wait` is
// over; true unless only the time ran out. Data rabbitmq-c has buffered
// already is not on the socket: then there is no wait at all.
bool wait_for_input(amqp_connection_state_t state, int wake, std::chrono::microseconds wait) {
  if (amqp_frames_enqueued(state) || amqp_data_in_buffer(state)) return true;
  pollfd fds[2] = {{amqp_get_sockfd(state), POLLIN, 0}, {wake, POLLIN, 0}};
  auto ms = static_cast<int>((wait.count() + 999) / 1000);
  return ::poll(fds, wake >= 0 ? 2 : 1, ms) > 0;
}

// Pushes its answer once: at the first call, or as retry when dropped uncalled.
class pending_answer {
 public:
  pending_answer(std::shared_ptr<answers> to, answer a)
      : to_(std::move(to)), answer_(std::move(a)) {}
  pending_answer(const pending_answer&) = delete;
  pending_answer& operator=(const pending_answer&) = delete;
  ~pending_answer() { give(outcome::retry); }
  void give(outcome result) {
    if (given_.exchange(true)) return;
    answer_.result = result;
    to_->push(std::move(answer_));
  }

 private:
  std::shared_ptr<answers> to_;
  answer answer_;
  std::atomic<bool> given_{false};
};

}  // namespace

struct consumer::impl {
  explicit impl(consumer_options o) : opts(std::move(o)) {}

  void run();
  // Consumes until stop() or a connection failure; false (with *error) on failure.
  bool consume(amqp_connection& conn, backoff& retry, std::string* error);
  // Hands the delivery to the handler; its answer comes through `replies`.
  void handle(const amqp_envelope_t& env);
  // Acts on the answers given so far: ack, dead-letter, or wait to NACK.
  bool settle(amqp_connection& conn, std::vector<deferred_nack>& waiting, std::string* error);
  bool nack_due(amqp_connection& conn, std::vector<deferred_nack>& waiting, std::string* error);
  std::chrono::milliseconds retry_delay(std::int64_t delivery_count) const;

  consumer_options opts;
  std::shared_ptr<answers> replies = std::make_shared<answers>();
  std::uint64_t connection = 0;  // counts consume() calls
  std::size_t outstanding = 0;   // handed out on this connection, not answered yet
  stop_signal stop;
  std::mutex lifecycle;
  std::thread thread;
};

consumer::consumer(consumer_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

consumer::~consumer() {
  stop();
}

void consumer::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->thread.joinable()) return;
  impl_->stop.reset();
  impl_->thread = std::thread([this] { impl_->run(); });
}

void consumer::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  impl_->stop.request();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void consumer::impl::run() {
  backoff retry(200ms, 5s);
  std::size_t next_node = 0;  // the entry of AMQP_URL the next connection tries first
  while (!stop.requested()) {
    std::string error;
    auto conn = amqp_connection::open(opts.amqp_url, "checkout consumer " + opts.queue, &error, {},
                                      next_node);
    // A reconnect follows a failure of this node: the next one starts after it.
    if (conn) next_node = conn->node() + 1;
    if (conn && consume(*conn, retry, &error)) break;
    spdlog::warn("consumer of {} on {}: {}; reconnecting", opts.queue,
                 conn ? conn->node_name() : redact_amqp_url(opts.amqp_url), error);
    conn.reset();
    if (stop.sleep_for(retry.next())) break;
  }
  spdlog::info("consumer of {} stopped", opts.queue);
}

std::chrono::milliseconds consumer::impl::retry_delay(std::int64_t delivery_count) const {
  // initial * 2^count, computed without overflowing for large counts.
  auto delay = opts.initial_backoff;
  for (std::int64_t i = 0; i < delivery_count && delay < opts.max_backoff; ++i) delay *= 2;
  return std::min(delay, opts.max_backoff);
}

bool consumer::impl::consume(amqp_connection& conn, backoff& retry, std::string* error) {
  amqp_connection_state_t state = conn.state();
  if (!conn.open_channel(consume_channel, error)) return false;
  amqp_basic_qos(state, consume_channel, 0,
                 static_cast<std::uint16_t>(std::clamp(opts.prefetch, 1, 65535)), 0);
  if (!conn.check_last(consume_channel, "basic.qos", error)) return false;
  amqp_basic_consume(state, consume_channel, as_bytes(opts.queue), amqp_empty_bytes,
                     /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
  if (!conn.check_last(consume_channel, ("basic.consume " + opts.queue).c_str(), error)) {
    return false;
  }
  spdlog::info("consuming {} on {}", opts.queue, conn.node_name());
  retry.reset();
  ++connection;
  outstanding = 0;

  std::vector<deferred_nack> waiting;
  while (!stop.requested()) {
    if (!settle(conn, waiting, error)) return false;
    if (!nack_due(conn, waiting, error)) return false;
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(poll_slice);
    for (const auto& w : waiting) {
      wait = std::min(
          wait, std::chrono::duration_cast<std::chrono::microseconds>(w.due - clock_type::now()));
    }
    wait = std::max(wait, std::chrono::microseconds(0));
    wait_for_input(state, replies->wake, wait);

    // Only reads what has arrived: the wait above was the blocking part.
    // (rabbitmq-c spins through a timeout's last millisecond, which a busy
    // consumer would spend all its time in.)
    timeval tv{0, 0};
    amqp_maybe_release_buffers(state);
    amqp_envelope_t env;
    amqp_rpc_reply_t reply = amqp_consume_message(state, &env, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
      handle(env);
      amqp_destroy_envelope(&env);
      // A blocking handler has answered already: acknowledged before the next wait.
      if (!settle(conn, waiting, error)) return false;
      continue;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      continue;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame other than a delivery; rabbitmq-c put it back for us to read.
      amqp_frame_t frame;
      timeval zero{0, 0};
      int status = amqp_simple_wait_frame_noblock(state, &frame, &zero);
      if (status == AMQP_STATUS_TIMEOUT) continue;
      if (!conn.check_status(status, "reading frame", error)) return false;
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      switch (frame.payload.method.id) {
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
          *error = conn.on_close_frame(frame);
          return false;
        case AMQP_BASIC_CANCEL_METHOD:
          // The broker cancels consumers of a deleted queue (or on failover);
          // consuming again after a reconnect is the way back.
          *error = "consumer cancelled by broker";
          conn.check_status(AMQP_STATUS_CONNECTION_CLOSED, "consumer cancelled", nullptr);
          return false;
        default:
          continue;
      }
    }
    conn.check(reply, consume_channel, "basic.consume", error);
    return false;
  }
  // What was answered before the stop is acknowledged; deliveries still
  // waiting for their back-off or an answer go back to the queue when the
  // connection closes, and are redelivered without the delay.
  return settle(conn, waiting, error);
}

void consumer::impl::handle(const amqp_envelope_t& env) {
  delivery d = to_delivery(env);
  // The handler's lines (and ours about its outcome) carry the event's ids.
  logging::field_scope cid("correlation_id", d.correlation_id);
  logging::field_scope mid("message_id", d.message_id);
  ++outstanding;
  auto pending = std::make_shared<pending_answer>(
      replies,
      answer{connection, env.delivery_tag, d.delivery_count, d.message_id, outcome::retry});
  try {
    if (opts.start_handler) {
      opts.start_handler(d, [pending](outcome result) { pending->give(result); });
    } else if (opts.handler) {
      pending->give(opts.handler(d));
    } else {
      spdlog::error("consumer of {} has no handler; message {} will be retried", opts.queue,
                    d.message_id);
    }
  } catch (const std::exception& e) {
    spdlog::warn("handler for message {} from {} threw: {}", d.message_id, opts.queue, e.what());
  } catch (...) {
    spdlog::warn("handler for message {} from {} threw", d.message_id, opts.queue);
  }
  // A handler that threw never answers: the dropped reply says retry.
}

bool consumer::impl::settle(amqp_connection& conn, std::vector<deferred_nack>& waiting,
                            std::string* error) {
  for (auto& a : replies->take()) {
    if (a.connection != connection) continue;  // the broker requeued it when that one closed
    --outstanding;
    logging::field_scope mid("message_id", a.message_id);
    if (a.result == outcome::ack) {
      if (!conn.check_status(amqp_basic_ack(conn.state(), consume_channel, a.tag, 0), "basic.ack",
                             error)) {
        return false;
      }
      continue;
    }
    if (a.result == outcome::reject) {
      // requeue=0: the queue dead-letters it through its x-dead-letter-exchange
      // instead of dropping it; retrying would only spend the delivery limit
      // and the back-off on a message that cannot succeed.
      spdlog::warn("message {} from {} rejected: dead-lettering it", a.message_id, opts.queue);
      int status =
          amqp_basic_nack(conn.state(), consume_channel, a.tag, /*multiple=*/0, /*requeue=*/0);
      if (!conn.check_status(status, "basic.nack", error)) return false;
      notify(opts.on_rejected);
      continue;
    }
    auto delay = retry_delay(a.delivery_count);
    spdlog::debug("message {} from {} will be retried in {} ms (delivery count {})", a.message_id,
                  opts.queue, delay.count(), a.delivery_count);
    waiting.push_back({clock_type::now() + delay, a.tag});
  }
  return true;
}

bool consumer::impl::nack_due(amqp_connection& conn, std::vector<deferred_nack>& waiting,
                              std::string* error) {
  const auto now = clock_type::now();
  auto due = std::stable_partition(waiting.begin(), waiting.end(),
                                   [&](const deferred_nack& w) { return w.due > now; });
  for (auto it = due; it != waiting.end(); ++it) {
    // requeue=1: the quorum queue counts the return and dead-letters the
    // message once its delivery limit is reached.
    int status = amqp_basic_nack(conn.state(), consume_channel, it->tag, /*multiple=*/0,
                                 /*requeue=*/1);
    if (!conn.check_status(status, "basic.nack", error)) return false;
    notify(opts.on_redelivered);
  }
  waiting.erase(due, waiting.end());
  return true;
}

}  // namespace checkout::messaging
