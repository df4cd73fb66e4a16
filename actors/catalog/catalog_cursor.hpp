// Pure pieces of the catalog listing (GET /api/v1/internships): the opaque
// paging cursor, the `limit` parameter, and cutting a keyset page. No I/O, so
// they are unit-tested on their own (tests/unit/actors_catalog_cursor_test.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/common/text.hpp"

namespace checkout::catalog_cursor {

constexpr int default_limit = 20;
constexpr int max_limit = 100;
// Longest cursor accepted; far above any id the service writes (64 characters).
constexpr std::size_t max_cursor_length = 512;

// The cursor after the internship `last_id`: base64url (no padding) of
// "v1:" + last_id. Clients must treat it as opaque; the version tag lets the
// format change later without misreading old cursors.
std::string encode(const std::string& last_id);

// The id a cursor continues after, or nullopt when it is not one this service
// wrote: bad alphabet or length, non-canonical base64url, wrong version tag, an
// empty id, or an id that is not UTF-8 text without NUL (PostgreSQL refuses those).
std::optional<std::string> decode(std::string_view cursor);

// `limit` as sent: 1 to 3 ASCII digits with a value from 1 to max_limit; no
// sign, spaces or fraction. nullopt otherwise.
std::optional<int> parse_limit(std::string_view text);

using checkout::valid_text;

// `rows` were read in id order with LIMIT limit + 1. Drops the extra row, if
// any, and answers the id the next page starts after: the last id kept when a
// further row exists, nullopt on the last page.
std::optional<std::string> cut_page(std::vector<internship>& rows, std::size_t limit);

}  // namespace checkout::catalog_cursor
