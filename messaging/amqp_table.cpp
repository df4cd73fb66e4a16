#include "messaging/amqp_table.hpp"

namespace checkout::messaging {
namespace {

amqp_bytes_t view(const std::string& s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

}  // namespace

table_builder& table_builder::add_string(std::string key, std::string value) {
  const std::string& k = storage_.emplace_back(std::move(key));
  const std::string& v = storage_.emplace_back(std::move(value));
  amqp_table_entry_t entry{};
  entry.key = view(k);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = view(v);
  entries_.push_back(entry);
  return *this;
}

table_builder& table_builder::add_int(std::string key, std::int64_t value) {
  const std::string& k = storage_.emplace_back(std::move(key));
  amqp_table_entry_t entry{};
  entry.key = view(k);
  entry.value.kind = AMQP_FIELD_KIND_I64;
  entry.value.value.i64 = value;
  entries_.push_back(entry);
  return *this;
}

amqp_table_t table_builder::table() {
  return amqp_table_t{static_cast<int>(entries_.size()),
                      entries_.empty() ? nullptr : entries_.data()};
}

const amqp_field_value_t* find_field(const amqp_table_t& table, std::string_view key) {
  for (int i = 0; i < table.num_entries; ++i) {
    const amqp_table_entry_t& entry = table.entries[i];
    if (std::string_view(static_cast<const char*>(entry.key.bytes), entry.key.len) == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

std::optional<std::int64_t> as_int(const amqp_field_value_t& value) {
  switch (value.kind) {
    case AMQP_FIELD_KIND_I8:
      return value.value.i8;
    case AMQP_FIELD_KIND_U8:
      return value.value.u8;
    case AMQP_FIELD_KIND_I16:
      return value.value.i16;
    case AMQP_FIELD_KIND_U16:
      return value.value.u16;
    case AMQP_FIELD_KIND_I32:
      return value.value.i32;
    case AMQP_FIELD_KIND_U32:
      return value.value.u32;
    case AMQP_FIELD_KIND_I64:
      return value.value.i64;
    case AMQP_FIELD_KIND_U64:
      return static_cast<std::int64_t>(value.value.u64);
    case AMQP_FIELD_KIND_TIMESTAMP:
      return static_cast<std::int64_t>(value.value.u64);
    default:
      return std::nullopt;
  }
}

std::optional<std::string> as_string(const amqp_field_value_t& value) {
  if (value.kind != AMQP_FIELD_KIND_UTF8 && value.kind != AMQP_FIELD_KIND_BYTES) {
    return std::nullopt;
  }
  const amqp_bytes_t& b = value.value.bytes;
  return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len);
}

std::optional<std::string> string_field(const amqp_table_t& table, std::string_view key) {
  const amqp_field_value_t* value = find_field(table, key);
  return value == nullptr ? std::nullopt : as_string(*value);
}

std::optional<std::int64_t> int_field(const amqp_table_t& table, std::string_view key) {
  const amqp_field_value_t* value = find_field(table, key);
  return value == nullptr ? std::nullopt : as_int(*value);
}

}  // namespace checkout::messaging
