#include "messaging/dlq.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"
#include "messaging/confirm_publisher.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;

constexpr amqp_channel_t get_channel = 1;
constexpr amqp_channel_t publish_channel = 2;

// One message fetched with basic.get; owns rabbitmq-c's copy until destroyed.
struct fetched {
  std::uint64_t tag = 0;
  std::string routing_key;
  amqp_message_t message{};
  ~fetched() {
    if (tag != 0) amqp_destroy_message(&message);
  }
};

// false with *error on failure; true with f.tag == 0 when the queue is empty.
bool fetch(amqp_connection& conn, const std::string& queue, fetched& f, std::string* error) {
  amqp_rpc_reply_t reply = amqp_basic_get(conn.state(), get_channel, as_bytes(queue), /*no_ack=*/0);
  if (!conn.check(reply, get_channel, ("basic.get " + queue).c_str(), error)) return false;
  if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return true;
  auto* ok = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded);
  std::uint64_t tag = ok->delivery_tag;
  f.routing_key = to_string(ok->routing_key);
  reply = amqp_read_message(conn.state(), get_channel, &f.message, 0);
  if (!conn.check(reply, get_channel, "reading message", error)) return false;
  f.tag = tag;
  return true;
}

dead_letter describe(const fetched& f) {
  const amqp_basic_properties_t& props = f.message.properties;
  dead_letter d;
  d.routing_key = f.routing_key;
  d.body = to_string(f.message.body);
  if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) d.message_id = to_string(props.message_id);
  if (!(props._flags & AMQP_BASIC_HEADERS_FLAG)) return d;
  const amqp_table_t& headers = props.headers;
  d.correlation_id = string_field(headers, "correlation_id").value_or("");
  d.event_type = string_field(headers, "event_type").value_or("");
  // x-death lists one entry per (queue, reason), most recent first.
  const amqp_field_value_t* deaths = find_field(headers, "x-death");
  if (deaths != nullptr && deaths->kind == AMQP_FIELD_KIND_ARRAY &&
      deaths->value.array.num_entries > 0 &&
      deaths->value.array.entries[0].kind == AMQP_FIELD_KIND_TABLE) {
    const amqp_table_t& latest = deaths->value.array.entries[0].value.table;
    d.reason = string_field(latest, "reason").value_or("");
    d.source_queue = string_field(latest, "queue").value_or("");
    d.death_count = int_field(latest, "count").value_or(0);
    const amqp_field_value_t* keys = find_field(latest, "routing-keys");
    if (keys != nullptr && keys->kind == AMQP_FIELD_KIND_ARRAY &&
        keys->value.array.num_entries > 0) {
      if (auto key = as_string(keys->value.array.entries[0])) d.routing_key = *key;
    }
  }
  return d;
}

outgoing_message to_outgoing(const fetched& f, const dead_letter& d) {
  outgoing_message m;
  m.routing_key = d.routing_key;
  m.message_id = d.message_id;
  m.body = d.body;
  const amqp_basic_properties_t& props = f.message.properties;
  if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < props.headers.num_entries; ++i) {
      const amqp_table_entry_t& entry = props.headers.entries[i];
      std::string key = to_string(entry.key);
      if (key.rfind("x-", 0) == 0) continue;  // broker bookkeeping (x-death, x-delivery-count)
      if (auto value = as_string(entry.value)) m.headers.emplace_back(key, *value);
    }
  }
  return m;
}

// Republishes `f` and, once the broker confirmed the copy, removes `f` from
// the queue. False (with *error) if either failed; `f` is then still queued
// (handed back, or requeued by the broker when the connection closes).
bool republish(amqp_connection& conn, confirm_publisher& publisher, const std::string& exchange,
               const fetched& f, const dead_letter& d, std::string* error) {
  std::string publish_error;
  auto confirmed = publisher.publish(exchange, {to_outgoing(f, d)}, 10s, nullptr, &publish_error);
  if (confirmed.empty() || !confirmed[0]) {
    *error = "republishing " + d.message_id + " was not confirmed" +
             (publish_error.empty() ? std::string() : ": " + publish_error);
    if (conn.healthy()) amqp_basic_nack(conn.state(), get_channel, f.tag, 0, /*requeue=*/1);
    return false;
  }
  return conn.check_status(amqp_basic_ack(conn.state(), get_channel, f.tag, 0), "basic.ack", error);
}

replay_result replay_one(amqp_connection& conn, confirm_publisher& publisher,
                         const std::string& queue, const std::string& exchange,
                         const std::string& message_id, std::size_t max_scan) {
  replay_result result;
  // The messages looked at before the wanted one: held unacknowledged, so
  // that basic.get moves on to the next, and handed back together at the end.
  std::uint64_t last_held = 0;
  bool found = false;
  for (std::size_t scanned = 0; scanned < max_scan; ++scanned) {
    fetched f;
    if (!fetch(conn, queue, f, &result.error)) return result;  // closing requeues them all
    if (f.tag == 0) break;
    dead_letter d = describe(f);
    if (d.message_id != message_id) {
      last_held = f.tag;
      continue;
    }
    found = true;
    if (republish(conn, publisher, exchange, f, d, &result.error)) {
      result.replayed = 1;
      result.message_ids.push_back(d.message_id);
      spdlog::info("replayed {} from {} to {} with routing key {}", d.message_id, queue, exchange,
                   d.routing_key);
    }
    break;
  }
  result.not_found = !found && result.error.empty();
  if (last_held != 0 && conn.healthy()) {
    // One multiple nack requeues every held message at its old place in the
    // queue (the replayed one was acked already and is not among them).
    int status = amqp_basic_nack(conn.state(), get_channel, last_held, /*multiple=*/1,
                                 /*requeue=*/1);
    std::string nack_error;
    if (!conn.check_status(status, "basic.nack", &nack_error) && result.error.empty()) {
      result.error = nack_error;
    }
  }
  return result;
}

}  // namespace

std::optional<std::vector<dead_letter>> list_dlq(const std::string& amqp_url,
                                                 const std::string& queue, std::size_t max,
                                                 std::string* error) {
  auto conn = amqp_connection::open(amqp_url, "checkout dlq list", error);
  if (!conn || !conn->open_channel(get_channel, error)) return std::nullopt;
  std::vector<dead_letter> out;
  std::uint64_t last_tag = 0;
  while (out.size() < max) {
    fetched f;
    if (!fetch(*conn, queue, f, error)) return std::nullopt;  // closing the connection requeues
    if (f.tag == 0) break;
    out.push_back(describe(f));
    last_tag = f.tag;
  }
  if (last_tag != 0) {
    // Handing everything back at once restores the original order.
    int status = amqp_basic_nack(conn->state(), get_channel, last_tag, /*multiple=*/1,
                                 /*requeue=*/1);
    if (!conn->check_status(status, "basic.nack", error)) return std::nullopt;
  }
  return out;
}

std::optional<std::int64_t> queue_depth(const std::string& amqp_url, const std::string& queue,
                                        std::string* error) {
  auto conn = amqp_connection::open(amqp_url, "checkout queue depth", error);
  if (!conn || !conn->open_channel(get_channel, error)) return std::nullopt;
  auto* ok =
      amqp_queue_declare(conn->state(), get_channel, as_bytes(queue), /*passive=*/1,
                         /*durable=*/0, /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
  if (!conn->check_last(get_channel, "queue.declare", error) || !ok) return std::nullopt;
  return static_cast<std::int64_t>(ok->message_count);
}

replay_result replay_dlq(const std::string& amqp_url, const std::string& queue,
                         const std::string& exchange, std::size_t max,
                         const std::string& message_id, std::size_t max_scan) {
  replay_result result;
  auto conn = amqp_connection::open(amqp_url, "checkout dlq replay", &result.error);
  if (!conn || !conn->open_channel(get_channel, &result.error)) return result;
  confirm_publisher publisher(*conn, publish_channel);
  if (!publisher.open(&result.error)) return result;
  if (!message_id.empty()) {
    return replay_one(*conn, publisher, queue, exchange, message_id, max_scan);
  }

  std::set<std::string> replayed_ids;
  while (result.replayed < max) {
    fetched f;
    if (!fetch(*conn, queue, f, &result.error)) break;
    if (f.tag == 0) break;
    dead_letter d = describe(f);
    if (!d.message_id.empty() && !replayed_ids.insert(d.message_id).second) {
      // It failed again already; replaying it once more would only loop.
      amqp_basic_nack(conn->state(), get_channel, f.tag, 0, /*requeue=*/1);
      break;
    }
    if (!republish(*conn, publisher, exchange, f, d, &result.error)) break;
    ++result.replayed;
    result.message_ids.push_back(d.message_id);
    spdlog::info("replayed {} from {} to {} with routing key {}", d.message_id, queue, exchange,
                 d.routing_key);
  }
  return result;
}

}  // namespace checkout::messaging
