// JSON assertions that check presence and type before value. With RapidJSON a
// missing member reads as false, 0 or "", so `EXPECT_FALSE(d["x"].GetBool())`
// passes when "x" (or the whole "data") is absent; these helpers fail instead,
// naming the path and what was there.
//
// Paths are dotted, with [n] for array elements: "data.cart.items[0].price".
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace json_expect {

// The value at `path`, or nullptr when any step of it is missing.
const rapidjson::Value* find(const rapidjson::Value& root, std::string_view path);

// Present, of the type of `expected`, and equal to it.
::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path, bool expected);
::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              std::int64_t expected);
::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path, int expected);
::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              std::string_view expected);
::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              const char* expected);

enum class kind { null, boolean, integer, number, string, array, object };
// Present and of that kind.
::testing::AssertionResult is(const rapidjson::Value& root, std::string_view path, kind k);
// Present (any kind, null included).
::testing::AssertionResult has(const rapidjson::Value& root, std::string_view path);
// Not present.
::testing::AssertionResult absent(const rapidjson::Value& root, std::string_view path);
// An array of exactly `n` elements.
::testing::AssertionResult has_size(const rapidjson::Value& root, std::string_view path,
                                    std::size_t n);

// The string or integer at `path`; records a test failure (naming the path) and
// answers "" or INT64_MIN when it is missing or of another type.
std::string string_at(const rapidjson::Value& root, std::string_view path);
std::int64_t int_at(const rapidjson::Value& root, std::string_view path);

// The contract's error envelope (§1): the HTTP status, `status` equal to it,
// `success:false`, and `error` with the integer `code` (unless 0 is passed), a
// non-empty `message`, `validation_messages` (an array), `correlation_id`,
// `retryable` (a boolean) and `suggested_action`.
::testing::AssertionResult error_envelope(int http_status, const std::string& body, int status,
                                          int code);

}  // namespace json_expect
