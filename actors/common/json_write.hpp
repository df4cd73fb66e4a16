// JSON pieces written the same way wherever they appear: in stored state, in
// event bodies and in HTTP responses.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/cart/pricing.hpp"
#include "actors/catalog/internship.hpp"

namespace checkout {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// "key": value members of an open object.
void key_string(json_writer& w, const char* key, const std::string& value);
// null for an empty value (an absent optional text).
void key_string_or_null(json_writer& w, const char* key, const std::string& value);
void key_int64(json_writer& w, const char* key, std::int64_t value);

// {"value":3,"unit":"month"}
void write_period(json_writer& w, const period& p);
// [{"name":"IGST","rate":18,"amount":3020}, ...]
void write_tax_parts(json_writer& w, const std::vector<pricing::tax_part>& parts);

}  // namespace checkout
