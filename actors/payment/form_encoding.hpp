// application/x-www-form-urlencoded as Stripe reads it: nested parameters are
// written as bracketed keys (line_items[0][price_data][currency]=inr), and
// keys and values are escaped per the WHATWG URL standard's form serializer
// (alphanumerics and *-._ kept, space as '+', every other byte as %XX).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkout::payment {

using form_fields = std::vector<std::pair<std::string, std::string>>;

// {"line_items", "0", "quantity"} -> "line_items[0][quantity]".
std::string form_key(std::initializer_list<std::string_view> path);

// Fields in order, joined with '&'.
std::string form_encode(const form_fields& fields);

// The inverse; nothing for a malformed escape (such as "%G1" or a lone "%").
std::optional<form_fields> form_decode(std::string_view body);

// One URL path segment or query value (RFC 3986: unreserved kept, the rest %XX).
std::string url_encode_component(std::string_view text);

}  // namespace checkout::payment
