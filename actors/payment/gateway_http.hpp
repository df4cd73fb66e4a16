// What the HTTP gateway adapters share: turning one exchange into the adapter
// contract's errors, reading JSON answers, Basic auth.
//   no answer (refused, reset, dropped, timeout)  -> errc::gateway_unavailable
//   429 or 5xx                                    -> errc::gateway_unavailable
//   any other non-2xx                             -> errc::gateway_rejected
// Details name the gateway, the step and the gateway's own message, never a
// credential.
#pragma once

#include <rapidjson/document.h>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <string>
#include <string_view>

#include "actors/errors.hpp"
#include "actors/payment/http_client.hpp"

namespace checkout::payment {

// The 2xx answer's body, or the error the adapter returns.
caf::expected<std::string> answer_body(std::string_view gateway, std::string_view step,
                                       const http_result& result);

// The parsed JSON object of a 2xx body; a body that is not a JSON object is
// treated like no answer (a proxy's error page, a truncated body).
caf::expected<rapidjson::Document> parse_object(std::string_view gateway, std::string_view step,
                                                const std::string& body);

// The gateway's message in an error body: error.description (Razorpay) or
// error.message (Stripe); "" when there is none. At most 200 characters.
std::string gateway_message(const std::string& body);
// error.param and error.type of a Stripe-style error body ("" when absent).
std::string gateway_error_field(const std::string& body, const char* field);

// "Basic " + base64(user ":" password).
std::string basic_auth(std::string_view user, std::string_view password);

// A string member, "" when absent or not a string.
std::string json_string(const rapidjson::Value& obj, const char* key);
// An integer member, `fallback` when absent or not an integer.
std::int64_t json_int(const rapidjson::Value& obj, const char* key, std::int64_t fallback = 0);

// `base` without a trailing '/' followed by `path`.
std::string join_url(std::string_view base, std::string_view path);

}  // namespace checkout::payment
