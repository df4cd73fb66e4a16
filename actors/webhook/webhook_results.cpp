#include "actors/webhook/webhook_results.hpp"

namespace checkout::webhook_results {

const char* counted(std::string_view result) {
  for (const char* r : all)
    if (result == r) return r;
  return "other";
}

}  // namespace checkout::webhook_results
