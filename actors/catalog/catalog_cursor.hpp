// Pure pieces of the catalog listing (GET /api/v1/internships): the opaque
// paging cursor, the `limit` parameter, and cutting a keyset page. The cursor
// and `limit` are the shared ones of actors/common/page_cursor.hpp, with an
// internship id as the position. No I/O, so they are unit-tested on their own
// (tests/unit/actors_catalog_cursor_test.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/common/page_cursor.hpp"
#include "actors/common/text.hpp"

namespace checkout::catalog_cursor {

using page_cursor::default_limit;
using page_cursor::max_cursor_length;
using page_cursor::max_limit;

// encode(last_id): the cursor after the internship `last_id`; decode: the id
// a cursor continues after, or nullopt when this service did not write it.
using page_cursor::decode;
using page_cursor::encode;
using page_cursor::parse_limit;

using checkout::valid_text;

// `rows` were read in id order with LIMIT limit + 1. Drops the extra row, if
// any, and answers the id the next page starts after: the last id kept when a
// further row exists, nullopt on the last page.
std::optional<std::string> cut_page(std::vector<internship>& rows, std::size_t limit);

}  // namespace checkout::catalog_cursor
