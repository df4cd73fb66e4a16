// Keyset paging shared by every list route (GET /internships, /orders,
// /admin/audit): the opaque cursor, the `limit` parameter, and cutting a page
// read with one row too many. A listing only decides what its position is (an
// id, a time and a token, ...) and how to write it as text. Pure, so it is
// unit-tested on its own (tests/unit/actors_catalog_cursor_test.cpp,
// tests/unit/actors_audit_log_test.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace checkout::page_cursor {

constexpr int default_limit = 20;
constexpr int max_limit = 100;
// Longest cursor accepted; far above any position the service writes.
constexpr std::size_t max_cursor_length = 512;

// The cursor after `position`: base64url (no padding) of "v1:" + position.
// Clients must treat it as opaque; the version tag lets the format change
// later without misreading old cursors.
std::string encode(const std::string& position);

// The position a cursor continues after, or nullopt when it is not one this
// service wrote: bad alphabet or length, non-canonical base64url, wrong
// version tag, an empty position, or one that is not UTF-8 text without NUL
// (PostgreSQL refuses those).
std::optional<std::string> decode(std::string_view cursor);

// `limit` as sent: 1 to 3 ASCII digits with a value from 1 to max_limit; no
// sign, spaces or fraction. nullopt otherwise.
std::optional<int> parse_limit(std::string_view text);

// `rows` were read in page order with LIMIT limit + 1. Drops the extra row, if
// any, and answers the position of the last row kept when a further row
// exists (`position_of(row)`), nullopt on the last page.
template <class Row, class PositionOf>
auto cut_page(std::vector<Row>& rows, std::size_t limit, PositionOf position_of)
    -> std::optional<std::decay_t<decltype(position_of(rows.back()))>> {
  if (rows.size() <= limit) return std::nullopt;
  rows.resize(limit);
  if (rows.empty()) return std::nullopt;  // limit 0: nothing to continue after
  return position_of(rows.back());
}

}  // namespace checkout::page_cursor
