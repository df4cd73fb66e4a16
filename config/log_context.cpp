#include "config/log_context.hpp"

namespace checkout::logging {
namespace {

// Deeper nesting than this is a bug elsewhere; extra fields are dropped, not
// written past the end.
constexpr std::size_t max_fields = 16;

struct field_stack {
  field items[max_fields];
  std::size_t size = 0;
};

thread_local field_stack stack;

}  // namespace

field_scope::field_scope(std::string_view key, std::string_view value) noexcept {
  if (value.empty() || stack.size == max_fields) return;
  stack.items[stack.size++] = field{key, value};
  pushed_ = true;
}

field_scope::~field_scope() {
  if (pushed_) --stack.size;
}

field_list current_fields() noexcept {
  return {stack.items, stack.items + stack.size};
}

}  // namespace checkout::logging
