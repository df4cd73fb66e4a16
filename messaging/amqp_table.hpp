// Building and reading AMQP field tables (queue arguments, message headers)
// without hand-assembling rabbitmq-c's C structs at every call site.
#pragma once

#include <amqp.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace checkout::messaging {

// Owns the keys and values that the returned amqp_table_t points into, so the
// builder must outlive every use of table().
class table_builder {
 public:
  table_builder& add_string(std::string key, std::string value);
  table_builder& add_int(std::string key, std::int64_t value);
  amqp_table_t table();

 private:
  std::deque<std::string> storage_;  // deque: growth never moves the strings
  std::vector<amqp_table_entry_t> entries_;
};

const amqp_field_value_t* find_field(const amqp_table_t& table, std::string_view key);
// Strings are accepted as longstr or bytes; integers in any integral width.
std::optional<std::string> string_field(const amqp_table_t& table, std::string_view key);
std::optional<std::int64_t> int_field(const amqp_table_t& table, std::string_view key);
std::optional<std::int64_t> as_int(const amqp_field_value_t& value);
std::optional<std::string> as_string(const amqp_field_value_t& value);

}  // namespace checkout::messaging
