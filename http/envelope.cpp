#include "http/envelope.hpp"

namespace checkout::http {
namespace {

void write_string(json_writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string success_body(int status, const data_writer& data, const std::string& correlation_id) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  w.Key("status");
  w.Int(status);
  w.Key("success");
  w.Bool(true);
  w.Key("data");
  w.StartObject();
  if (data) data(w);
  w.EndObject();
  w.Key("correlation_id");
  write_string(w, correlation_id);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string error_body(const error_view& err, const std::string& correlation_id) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  w.Key("status");
  w.Int(err.status);
  w.Key("success");
  w.Bool(false);
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(err.code);
  w.Key("message");
  write_string(w, err.message);
  w.Key("validation_messages");
  w.StartArray();
  for (const auto& m : err.validation_messages) write_string(w, m);
  w.EndArray();
  w.Key("correlation_id");
  write_string(w, correlation_id);
  w.Key("retryable");
  w.Bool(err.retryable);
  w.Key("suggested_action");
  write_string(w, err.suggested_action);
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

response ok(const request& req, int status, const data_writer& data) {
  response r;
  r.status = status;
  r.body = success_body(status, data, req.correlation_id);
  return r;
}

response fail(const request& req, const caf::error& err) {
  auto view = describe(err);
  response r;
  r.status = view.status;
  r.body = error_body(view, req.correlation_id);
  return r;
}

response fail(const request& req, errc code, std::string detail) {
  return fail(req, make_error(code, std::move(detail)));
}

}  // namespace checkout::http
