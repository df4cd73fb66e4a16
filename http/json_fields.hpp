// Reading request bodies with RapidJSON: malformed JSON is 400 (1000), a field
// of the wrong type or out of range is 422 (1000) naming the field. Unknown
// fields are ignored.
#pragma once

#include <rapidjson/document.h>

#include <caf/error.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace checkout::http {

// Parses a body that must be a JSON object; an empty body counts as malformed.
// On failure `error` is set (errc::malformed_json) and the document is null.
struct parsed_body {
  std::shared_ptr<rapidjson::Document> doc;
  caf::error error;
};
parsed_body parse_object(const std::string& body);

// Collects every problem with the fields of one object, so the client gets them
// all at once. After reading, check ok(); error() is errc::invalid_field with one
// validation message per bad field ("quantity must be an integer from 1 to 100").
class fields {
 public:
  explicit fields(const rapidjson::Value& obj, std::string prefix = {});

  std::string str(const char* name, size_t max_len = 1024);  // required, non-empty
  std::optional<std::string> opt_str(const char* name, size_t max_len = 1024);
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi);  // required
  std::optional<std::int64_t> opt_integer(const char* name, std::int64_t lo, std::int64_t hi);
  std::optional<bool> opt_bool(const char* name);
  // Present and null (for "seats": null = unlimited).
  bool is_null(const char* name) const;
  bool has(const char* name) const;
  // Arrays and objects: nullptr when absent (and, if required, an error noted).
  const rapidjson::Value* array(const char* name, bool required);
  const rapidjson::Value* object(const char* name, bool required);
  // Any JSON value (for opaque fields like analytics_data); nullptr when absent.
  const rapidjson::Value* any(const char* name) const;

  void add_problem(std::string message);
  bool ok() const { return problems_->empty(); }
  caf::error error() const;

  // A reader for a nested object that reports into the same problem list,
  // naming fields "products[0].quantity".
  fields nested(const rapidjson::Value& obj, const std::string& prefix) const;

 private:
  fields(const rapidjson::Value& obj, std::string prefix,
         std::shared_ptr<std::vector<std::string>> problems);
  std::string qualified(const char* name) const;
  void note_missing(const char* name);
  const rapidjson::Value& obj_;
  std::string prefix_;
  std::shared_ptr<std::vector<std::string>> problems_;
};

}  // namespace checkout::http
