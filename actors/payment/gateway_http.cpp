#include "actors/payment/gateway_http.hpp"

#include <vector>

#include "actors/common/base64.hpp"
#include "actors/errors.hpp"
#include "actors/payment/retry_policy.hpp"

namespace checkout::payment {
namespace {

std::string prefix(std::string_view gateway, std::string_view step) {
  return std::string(gateway) + " " + std::string(step) + ": ";
}

std::string error_member(const std::string& body, const char* field) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error") || !doc["error"].IsObject())
    return {};
  auto text = json_string(doc["error"], field);
  if (text.size() > 200) text.resize(200);
  return text;
}

}  // namespace

caf::expected<std::string> answer_body(std::string_view gateway, std::string_view step,
                                       const http_result& result) {
  if (!result.answered())
    return make_error(
        errc::gateway_unavailable,
        prefix(gateway, step) + to_string(result.error.code) + " (" + result.error.detail + ")");
  const auto& r = *result.response;
  if (r.status >= 200 && r.status <= 299) return r.body;
  auto detail = prefix(gateway, step) + "HTTP " + std::to_string(r.status);
  if (auto msg = gateway_message(r.body); !msg.empty()) detail += ": " + msg;
  return make_error(retryable_status(r.status) ? errc::gateway_unavailable : errc::gateway_rejected,
                    detail);
}

caf::expected<rapidjson::Document> parse_object(std::string_view gateway, std::string_view step,
                                                const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return make_error(errc::gateway_unavailable,
                      prefix(gateway, step) + "the answer is not a JSON object");
  return doc;
}

std::string gateway_message(const std::string& body) {
  auto text = error_member(body, "description");
  return text.empty() ? error_member(body, "message") : text;
}

std::string gateway_error_field(const std::string& body, const char* field) {
  return error_member(body, field);
}

std::string basic_auth(std::string_view user, std::string_view password) {
  std::string plain;
  plain.reserve(user.size() + 1 + password.size());
  plain.append(user).append(":").append(password);
  return "Basic " + base64(plain);
}

std::string json_string(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::int64_t json_int(const rapidjson::Value& obj, const char* key, std::int64_t fallback) {
  if (!obj.IsObject()) return fallback;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return fallback;
  return it->value.GetInt64();
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

}  // namespace checkout::payment
