#include "messaging/outbox_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "messaging/amqp_connection.hpp"
#include "messaging/confirm_publisher.hpp"
#include "messaging/outbox_store.hpp"
#include "messaging/stop_signal.hpp"
#include "messaging/topology.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;

constexpr amqp_channel_t publish_channel = 1;
constexpr auto confirm_timeout = 10s;
// Waits are cut into slices this long so that stop() is prompt and the idle
// AMQP connection gets its heartbeats.
constexpr auto wait_slice = 100ms;

outgoing_message to_message(const outbox_row& row) {
  outgoing_message m;
  m.routing_key = row.event_type;
  m.message_id = row.event_id;
  m.body = row.body;
  m.headers = {{"correlation_id", row.correlation_id}, {"event_type", row.event_type}};
  return m;
}

struct broker_link {
  std::unique_ptr<amqp_connection> conn;
  std::optional<confirm_publisher> publisher;
  bool topology_due = true;
};

}  // namespace

struct outbox_relay::impl {
  explicit impl(outbox_relay_options o) : opts(std::move(o)) {}

  void run();
  bool connect(std::unique_ptr<outbox_store>& store, broker_link& broker);
  void declare_topology_if_due(broker_link& broker);
  // Publishes batches until none is left; false if something failed.
  bool drain(outbox_store& store, broker_link& broker);
  void wait_for_work(outbox_store& store, broker_link& broker);
  void refresh_pending(outbox_store& store);

  outbox_relay_options opts;
  stop_signal stop;
  std::atomic<std::int64_t> pending{0};
  std::size_t next_node = 0;  // the entry of AMQP_URL the next connection tries first
  std::mutex lifecycle;       // start() and stop() may come from different threads
  std::thread thread;
};

outbox_relay::outbox_relay(outbox_relay_options opts)
    : impl_(std::make_unique<impl>(std::move(opts))) {}

outbox_relay::~outbox_relay() {
  stop();
}

void outbox_relay::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->thread.joinable()) return;
  impl_->stop.reset();
  impl_->thread = std::thread([this] { impl_->run(); });
}

void outbox_relay::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  impl_->stop.request();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::int64_t outbox_relay::pending() const {
  return impl_->pending.load();
}

void outbox_relay::impl::run() {
  spdlog::info("outbox relay started (broker {})", redact_amqp_url(opts.amqp_url));
  backoff retry(200ms, 5s);
  std::unique_ptr<outbox_store> store;
  broker_link broker;
  while (!stop.requested()) {
    bool connected = connect(store, broker);
    if (connected && drain(*store, broker)) {
      retry.reset();
      wait_for_work(*store, broker);
      continue;
    }
    // The backlog is worth reporting most while the broker is away.
    if (!connected && store && store->healthy()) refresh_pending(*store);
    if (stop.sleep_for(retry.next())) break;
  }
  spdlog::info("outbox relay stopped");
}

bool outbox_relay::impl::connect(std::unique_ptr<outbox_store>& store, broker_link& broker) {
  if (store && !store->healthy()) store.reset();
  if (broker.conn && !broker.conn->healthy()) {
    broker.publisher.reset();
    broker.conn.reset();
  }
  std::string error;
  if (!store) {
    store = outbox_store::connect(opts.database_url, &error);
    if (!store) {
      spdlog::warn("outbox relay: {}", error);
      return false;
    }
    spdlog::info("outbox relay: connected to PostgreSQL");
  }
  if (!broker.conn) {
    auto conn =
        amqp_connection::open(opts.amqp_url, "checkout outbox relay", &error, {}, next_node);
    if (!conn) {
      spdlog::warn("outbox relay: {}", error);
      return false;
    }
    // The relay reconnects only after this connection failed: then it starts
    // with the next node of the cluster, not with the one that just failed.
    next_node = conn->node() + 1;
    confirm_publisher publisher(*conn, publish_channel);
    if (!publisher.open(&error)) {
      spdlog::warn("outbox relay: {}", error);
      return false;
    }
    broker.conn = std::move(conn);
    broker.publisher = publisher;
    broker.topology_due = true;
    spdlog::info("outbox relay: connected to {}", broker.conn->node_name());
  }
  declare_topology_if_due(broker);
  return true;
}

void outbox_relay::impl::declare_topology_if_due(broker_link& broker) {
  if (!broker.topology_due) return;
  // A new connection may mean a restarted or reset broker: durable
  // definitions survive a restart, but not a reset or a new node, and a
  // missing exchange or queue would make every publish fail or come back.
  // Declaring is idempotent, and it runs on a connection of its own so that
  // a refusal (other queue arguments) cannot break the publishing one.
  // One attempt per new connection or returned batch, so a refusal costs
  // one extra connection per back-off, not one per poll.
  broker.topology_due = false;
  std::string error;
  if (!declare_topology(opts.amqp_url, opts.topology, opts.names, &error, broker.conn->node())) {
    // Publishing goes on: the definitions that exist may well be enough, and
    // a missing one shows up as unconfirmed events that are retried.
    spdlog::warn("outbox relay: declaring the topology failed, publishing anyway: {}", error);
  }
}

bool outbox_relay::impl::drain(outbox_store& store, broker_link& broker) {
  const int limit = std::max(1, opts.batch_size);
  std::string error;
  bool ok = true;
  while (ok && !stop.requested()) {
    error.clear();
    auto publish = [&](const std::vector<outbox_row>& rows) {
      std::vector<outgoing_message> messages;
      messages.reserve(rows.size());
      for (const auto& row : rows) messages.push_back(to_message(row));
      return broker.publisher->publish(opts.names.events_exchange, messages, confirm_timeout, &stop,
                                       &error);
    };
    auto batch = store.run_batch(limit, publish, &error);
    if (!batch) {
      spdlog::warn("outbox relay: {}", error);
      ok = false;
      break;
    }
    if (batch->published > 0) {
      spdlog::debug("outbox relay: published {} events", batch->published);
      if (opts.on_published) {
        try {
          opts.on_published(batch->published);
        } catch (const std::exception& e) {
          spdlog::warn("outbox relay: on_published threw: {}", e.what());
        }
      }
    }
    // An unroutable event means a binding is missing (the audit queue takes
    // every routing key); declaring again before the retry may bring it back.
    if (broker.publisher->last_returned() > 0) broker.topology_due = true;
    if (batch->published < batch->claimed && stop.requested()) break;  // no retry at shutdown
    if (batch->published < batch->claimed) {
      // Unconfirmed rows stay pending; retrying at once would hammer a broker
      // that is refusing them, so the caller backs off first.
      spdlog::warn("outbox relay: {} of {} events not confirmed, will retry: {}",
                   batch->claimed - batch->published, batch->claimed,
                   error.empty() ? "nacked by broker" : error);
      ok = false;
      break;
    }
    if (batch->claimed < static_cast<std::size_t>(limit)) break;
  }
  // A drain ends clean only on a batch that found fewer rows than it asked
  // for, every one confirmed: nothing is left that this relay could take (a
  // row another relay holds is being published), so the gauge is 0 without
  // counting the table again, a statement per drain (issue 16).
  if (ok && !stop.requested()) {
    pending.store(0);
  } else if (store.healthy()) {
    refresh_pending(store);
  }
  return ok;
}

void outbox_relay::impl::refresh_pending(outbox_store& store) {
  std::string error;
  if (auto n = store.count_pending(&error)) {
    pending.store(*n);
  } else {
    spdlog::warn("outbox relay: {}", error);
  }
}

void outbox_relay::impl::wait_for_work(outbox_store& store, broker_link& broker) {
  const auto deadline = std::chrono::steady_clock::now() + opts.poll_interval;
  std::string error;
  while (!stop.requested()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return;
    auto notified =
        store.wait_for_notification(std::min<std::chrono::milliseconds>(left, wait_slice), &error);
    if (!notified) {
      spdlog::warn("outbox relay: {}", error);
      return;
    }
    if (*notified) return;
    if (!broker.conn->poll_idle(&error)) {
      spdlog::warn("outbox relay: broker connection lost: {}", error);
      return;
    }
  }
}

}  // namespace checkout::messaging
