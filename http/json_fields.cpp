#include "http/json_fields.hpp"

#include <rapidjson/error/en.h>

#include <cstring>
#include <limits>
#include <optional>

#include "actors/errors.hpp"

namespace checkout::http {
namespace {

// Deeper documents are refused before parsing: code that later walks a value
// recursively (writers, copies) must not be able to exhaust a thread's stack.
constexpr int max_depth = 64;

bool too_deep(const std::string& body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

std::size_t utf8_length(const char* s, std::size_t bytes) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string range_text(std::int64_t lo, std::int64_t hi) {
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (lo == min && hi == max) return "an integer";
  if (hi == max) return "an integer of at least " + std::to_string(lo);
  if (lo == min) return "an integer of at most " + std::to_string(hi);
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

// The first string (member name or value) holding a NUL character, as a path
// like "products[0].internship_id"; PostgreSQL cannot store such text.
std::optional<std::string> find_nul(const rapidjson::Value& v, const std::string& path) {
  auto has_nul = [](const rapidjson::Value& s) {
    return std::memchr(s.GetString(), 0, s.GetStringLength()) != nullptr;
  };
  if (v.IsString()) return has_nul(v) ? std::optional<std::string>(path) : std::nullopt;
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      if (auto p = find_nul(v[i], path + "[" + std::to_string(i) + "]")) return p;
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      auto sub = path.empty() ? name : path + "." + name;
      if (has_nul(m.name)) return path.empty() ? std::string("a member name") : path;
      if (auto p = find_nul(m.value, sub)) return p;
    }
  }
  return std::nullopt;
}

parsed_body parse_object(const std::string& body) {
  parsed_body out;
  if (body.empty()) {
    out.error = make_error(errc::malformed_json, "the body must be a JSON object");
    return out;
  }
  if (too_deep(body)) {
    out.error = make_error(errc::malformed_json,
                           "JSON nesting deeper than " + std::to_string(max_depth) + " levels");
    return out;
  }
  auto doc = std::make_shared<rapidjson::Document>();
  doc->Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                     body.size());
  if (doc->HasParseError()) {
    out.error = make_error(errc::malformed_json,
                           std::string(rapidjson::GetParseError_En(doc->GetParseError())) +
                               " (at offset " + std::to_string(doc->GetErrorOffset()) + ")");
    return out;
  }
  if (!doc->IsObject()) {
    out.error = make_error(errc::malformed_json, "the body must be a JSON object");
    return out;
  }
  if (auto where = find_nul(*doc, "")) {
    out.error = make_error(errc::invalid_field,
                           std::vector<std::string>{*where + " must not contain NUL characters"});
    return out;
  }
  out.doc = std::move(doc);
  return out;
}

fields::fields(const rapidjson::Value& obj, std::string prefix)
    : fields(obj, std::move(prefix), std::make_shared<std::vector<std::string>>()) {}

fields::fields(const rapidjson::Value& obj, std::string prefix,
               std::shared_ptr<std::vector<std::string>> problems)
    : obj_(obj), prefix_(std::move(prefix)), problems_(std::move(problems)) {
  if (!obj_.IsObject()) add_problem((prefix_.empty() ? "body" : prefix_) + " must be an object");
}

std::string fields::qualified(const char* name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + name;
}

void fields::add_problem(std::string message) {
  problems_->push_back(std::move(message));
}

// A value that is not an object was reported once already; its fields are not
// listed as missing on top of that.
void fields::note_missing(const char* name) {
  if (obj_.IsObject()) add_problem(qualified(name) + " is required");
}

caf::error fields::error() const {
  if (problems_->empty()) return {};
  return make_error(errc::invalid_field, *problems_);
}

bool fields::has(const char* name) const {
  return member(obj_, name) != nullptr;
}

bool fields::is_null(const char* name) const {
  auto v = member(obj_, name);
  return v != nullptr && v->IsNull();
}

const rapidjson::Value* fields::any(const char* name) const {
  return member(obj_, name);
}

std::optional<std::string> fields::opt_str(const char* name, size_t max_len) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsString()) {
    add_problem(qualified(name) + " must be a string");
    return std::nullopt;
  }
  if (utf8_length(v->GetString(), v->GetStringLength()) > max_len) {
    add_problem(qualified(name) + " must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::string fields::str(const char* name, size_t max_len) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) {
    note_missing(name);
    return {};
  }
  auto before = problems_->size();
  auto s = opt_str(name, max_len);
  if (problems_->size() != before) return {};
  if (!s || s->empty()) {
    add_problem(qualified(name) + " must not be empty");
    return {};
  }
  return *s;
}

std::optional<std::int64_t> fields::opt_integer(const char* name, std::int64_t lo,
                                                std::int64_t hi) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  // IsInt64 is false for 1.5, 1.0, "1" and true: only JSON integers count.
  if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi) {
    add_problem(qualified(name) + " must be " + range_text(lo, hi));
    return std::nullopt;
  }
  return v->GetInt64();
}

std::int64_t fields::integer(const char* name, std::int64_t lo, std::int64_t hi) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) {
    note_missing(name);
    return 0;
  }
  return opt_integer(name, lo, hi).value_or(0);
}

std::optional<bool> fields::opt_bool(const char* name) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsBool()) {
    add_problem(qualified(name) + " must be a boolean");
    return std::nullopt;
  }
  return v->GetBool();
}

const rapidjson::Value* fields::array(const char* name, bool required) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) {
    if (required) note_missing(name);
    return nullptr;
  }
  if (!v->IsArray()) {
    add_problem(qualified(name) + " must be an array");
    return nullptr;
  }
  return v;
}

const rapidjson::Value* fields::object(const char* name, bool required) {
  auto v = member(obj_, name);
  if (v == nullptr || v->IsNull()) {
    if (required) note_missing(name);
    return nullptr;
  }
  if (!v->IsObject()) {
    add_problem(qualified(name) + " must be an object");
    return nullptr;
  }
  return v;
}

fields fields::nested(const rapidjson::Value& obj, const std::string& prefix) const {
  return fields(obj, prefix_.empty() ? prefix : prefix_ + "." + prefix, problems_);
}

}  // namespace checkout::http
