// The response envelope of CONTRACT §1, for successes and errors.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <caf/error.hpp>
#include <functional>

#include "actors/errors.hpp"
#include "http/request.hpp"

namespace checkout::http {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;
// Writes the members of the `data` object (the braces are written around it).
using data_writer = std::function<void(json_writer&)>;

std::string success_body(int status, const data_writer& data, const std::string& correlation_id);
std::string error_body(const error_view& err, const std::string& correlation_id);

response ok(const request& req, int status, const data_writer& data);
response fail(const request& req, const caf::error& err);
response fail(const request& req, errc code, std::string detail = {});

}  // namespace checkout::http
