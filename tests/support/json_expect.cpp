#include "support/json_expect.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <climits>

namespace json_expect {
namespace {

std::string render(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  std::string s = buf.GetString();
  return s.size() > 300 ? s.substr(0, 300) + "..." : s;
}

const char* kind_name(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsInt64()) return "an integer";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

const char* kind_name(kind k) {
  switch (k) {
    case kind::null:
      return "null";
    case kind::boolean:
      return "a boolean";
    case kind::integer:
      return "an integer";
    case kind::number:
      return "a number";
    case kind::string:
      return "a string";
    case kind::array:
      return "an array";
    case kind::object:
      return "an object";
  }
  return "?";
}

bool of_kind(const rapidjson::Value& v, kind k) {
  switch (k) {
    case kind::null:
      return v.IsNull();
    case kind::boolean:
      return v.IsBool();
    case kind::integer:
      return v.IsInt64();
    case kind::number:
      return v.IsNumber();
    case kind::string:
      return v.IsString();
    case kind::array:
      return v.IsArray();
    case kind::object:
      return v.IsObject();
  }
  return false;
}

::testing::AssertionResult missing(const rapidjson::Value& root, std::string_view path) {
  return ::testing::AssertionFailure() << path << " is missing in " << render(root);
}

template <class Check>
::testing::AssertionResult typed(const rapidjson::Value& root, std::string_view path, kind k,
                                 Check check) {
  auto v = find(root, path);
  if (!v) return missing(root, path);
  if (!of_kind(*v, k))
    return ::testing::AssertionFailure() << path << " is " << kind_name(*v) << " (" << render(*v)
                                         << "), expected " << kind_name(k);
  return check(*v);
}

}  // namespace

const rapidjson::Value* find(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* v = &root;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      auto close = path.find(']', i);
      if (close == std::string_view::npos || !v->IsArray()) return nullptr;
      std::size_t n = 0;
      for (auto j = i + 1; j < close; ++j) {
        if (path[j] < '0' || path[j] > '9') return nullptr;
        n = n * 10 + static_cast<std::size_t>(path[j] - '0');
      }
      if (n >= v->Size()) return nullptr;
      v = &(*v)[static_cast<rapidjson::SizeType>(n)];
      i = close + 1;
      continue;
    }
    auto end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (!v->IsObject()) return nullptr;
    auto key = path.substr(i, end - i);
    auto m = v->FindMember(rapidjson::Value(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    if (m == v->MemberEnd()) return nullptr;
    v = &m->value;
    i = end;
  }
  return v;
}

::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path, bool expected) {
  return typed(root, path, kind::boolean, [&](const rapidjson::Value& v) {
    if (v.GetBool() == expected) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << path << " is " << std::boolalpha << v.GetBool() << ", expected " << expected;
  });
}

::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              std::int64_t expected) {
  return typed(root, path, kind::integer, [&](const rapidjson::Value& v) {
    if (v.GetInt64() == expected) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << path << " is " << v.GetInt64() << ", expected " << expected;
  });
}

::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path, int expected) {
  return at(root, path, static_cast<std::int64_t>(expected));
}

::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              std::string_view expected) {
  return typed(root, path, kind::string, [&](const rapidjson::Value& v) {
    std::string_view got(v.GetString(), v.GetStringLength());
    if (got == expected) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << path << " is \"" << got << "\", expected \"" << expected << "\"";
  });
}

::testing::AssertionResult at(const rapidjson::Value& root, std::string_view path,
                              const char* expected) {
  return at(root, path, std::string_view(expected));
}

::testing::AssertionResult is(const rapidjson::Value& root, std::string_view path, kind k) {
  return typed(root, path, k,
               [](const rapidjson::Value&) { return ::testing::AssertionSuccess(); });
}

::testing::AssertionResult has(const rapidjson::Value& root, std::string_view path) {
  if (find(root, path)) return ::testing::AssertionSuccess();
  return missing(root, path);
}

::testing::AssertionResult absent(const rapidjson::Value& root, std::string_view path) {
  auto v = find(root, path);
  if (!v) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << path << " is present: " << render(*v);
}

::testing::AssertionResult has_size(const rapidjson::Value& root, std::string_view path,
                                    std::size_t n) {
  return typed(root, path, kind::array, [&](const rapidjson::Value& v) {
    if (v.Size() == n) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << path << " has " << v.Size() << " elements, expected " << n << ": " << render(v);
  });
}

std::string string_at(const rapidjson::Value& root, std::string_view path) {
  auto r = is(root, path, kind::string);
  if (!r) {
    ADD_FAILURE() << r.message();
    return {};
  }
  auto v = find(root, path);
  return std::string(v->GetString(), v->GetStringLength());
}

std::int64_t int_at(const rapidjson::Value& root, std::string_view path) {
  auto r = is(root, path, kind::integer);
  if (!r) {
    ADD_FAILURE() << r.message();
    return INT64_MIN;
  }
  return find(root, path)->GetInt64();
}

::testing::AssertionResult error_envelope(int http_status, const std::string& body, int status,
                                          int code) {
  if (http_status != status)
    return ::testing::AssertionFailure()
           << "HTTP status " << http_status << ", expected " << status << ": " << body;
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject())
    return ::testing::AssertionFailure() << "not a JSON object: " << body;
  for (auto r :
       {at(d, "status", status), at(d, "success", false), is(d, "error", kind::object),
        is(d, "error.message", kind::string), is(d, "error.validation_messages", kind::array),
        is(d, "error.correlation_id", kind::string), is(d, "error.retryable", kind::boolean),
        is(d, "error.suggested_action", kind::string)}) {
    if (!r) return r;
  }
  if (code != 0) {
    auto r = at(d, "error.code", code);
    if (!r) return r;
  } else if (auto r = is(d, "error.code", kind::integer); !r) {
    return r;
  }
  if (d["error"]["message"].GetStringLength() == 0)
    return ::testing::AssertionFailure() << "error.message is empty: " << body;
  return ::testing::AssertionSuccess();
}

}  // namespace json_expect
