// Reading a gateway's webhook payload: the primitives both parsers
// (razorpay_webhook, stripe_webhook) share, for its HMAC signature and for
// its JSON fields. Pure.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "actors/common/time.hpp"

namespace checkout::webhook_payload {

// ---- signature -------------------------------------------------------------------

// Lower-case hex HMAC-SHA256, the form both gateways send.
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

// Equality in time independent of where the strings differ, so a forger learns
// nothing from timing; only the (public) length may leak.
bool equal_constant_time(const std::string& a, const std::string& b);

// ---- JSON fields -----------------------------------------------------------------
// Each takes a possibly null object and treats a field of the wrong JSON type as
// absent, so a parser can walk an untrusted body without checks at every step.

// The field `name` of v, when v is an object that has it.
const rapidjson::Value* member(const rapidjson::Value* v, const char* name);

// The field `name` of v, when it is an object.
const rapidjson::Value* object_member(const rapidjson::Value* v, const char* name);

// The string field `name`, or "".
std::string str(const rapidjson::Value* v, const char* name);

// Minor units: a non-negative integer, anything else counts as absent.
std::optional<std::int64_t> money(const rapidjson::Value* v, const char* name);

// Unix seconds to micros; 0 (unknown) for anything but a non-negative integer
// that fits.
micros seconds_to_micros(const rapidjson::Value* v);

}  // namespace checkout::webhook_payload
