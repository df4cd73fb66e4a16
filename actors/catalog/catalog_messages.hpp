// Catalog listing messages (GET /api/v1/internships), sent only inside one
// process, hence CAF_ALLOW_UNSAFE_MESSAGE_TYPE.
//   (list_atom, catalog_list_request) -> catalog_page
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/messages.hpp"  // list_atom

namespace checkout {

// One page of internships in id order, already validated by the HTTP layer.
struct catalog_list_request {
  std::string category;  // empty: every category
  std::string after;     // empty: from the first id (ids are never empty)
  int limit = 20;        // 1..100
  bool include_inactive = false;
};

struct catalog_page {
  std::vector<internship> items;
  // The id the next page starts after; nullopt on the last page.
  std::optional<std::string> next_after;
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::catalog_list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::catalog_page)
