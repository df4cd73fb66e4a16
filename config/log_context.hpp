// Fields that structured log lines carry besides their message: the
// correlation id of the request being handled, the cart or order token of the
// actor handling a message, the actor's kind. A scope pushes one field for the
// current thread and pops it when it ends, so whatever logs inside it (an HTTP
// handler, an actor's message handler, a consumer's delivery) is tagged
// without passing the fields along. Views only: the caller keeps the strings
// alive for the scope's lifetime; pushing and popping never allocates.
#pragma once

#include <cstddef>
#include <string_view>

namespace checkout::logging {

struct field {
  std::string_view key;
  std::string_view value;
};

class field_scope {
 public:
  // An empty value pushes nothing.
  field_scope(std::string_view key, std::string_view value) noexcept;
  ~field_scope();
  field_scope(const field_scope&) = delete;
  field_scope& operator=(const field_scope&) = delete;

 private:
  bool pushed_ = false;
};

// The current thread's fields, innermost last; a key pushed twice keeps both
// (the formatter writes the innermost).
struct field_list {
  const field* begin;
  const field* end;
};
field_list current_fields() noexcept;

}  // namespace checkout::logging
