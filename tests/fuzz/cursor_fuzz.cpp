// The paging cursors and `limit`: catalog_cursor (page_cursor) decode /
// encode / parse_limit (GET /internships), order_queries::decode_cursor /
// encode_cursor (GET /orders) and audit::decode_cursor / encode_cursor
// (GET /admin/audit). Input: a cursor or limit as a client sends it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/audit/audit_log.hpp"
#include "actors/catalog/catalog_cursor.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/text.hpp"
#include "actors/order/order_queries.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::as_view(data, size);
  const std::string text(in);

  // A cursor this service accepts is one it wrote: decoding then encoding
  // gives the same text back (one cursor per id).
  if (auto id = catalog_cursor::decode(in)) {
    FUZZ_CHECK(!id->empty());
    FUZZ_CHECK(valid_text(*id));
    FUZZ_CHECK(catalog_cursor::encode(*id) == text);
  }
  // And every id (text PostgreSQL can hold) makes a cursor that decodes to it.
  if (!in.empty() && valid_text(in)) {
    auto cursor = catalog_cursor::encode(text);
    if (cursor.size() <= catalog_cursor::max_cursor_length)
      FUZZ_CHECK(catalog_cursor::decode(cursor) == text);
  }

  if (auto limit = catalog_cursor::parse_limit(in))
    FUZZ_CHECK(*limit >= 1 && *limit <= catalog_cursor::max_limit);

  // GET /orders: the same envelope around "<created_at micros>/<order token>".
  if (auto p = order_queries::decode_cursor(text)) {
    FUZZ_CHECK(p->created_at >= 0);
    FUZZ_CHECK(is_uuid(p->token));
    // Leading zeros make other texts for the same position; encoding is canonical.
    auto again = order_queries::decode_cursor(order_queries::encode_cursor(*p));
    FUZZ_CHECK(again && again->created_at == p->created_at && again->token == p->token);
  }
  // GET /admin/audit: a positive id, one canonical cursor each.
  if (auto id = audit::decode_cursor(in)) {
    FUZZ_CHECK(*id > 0);
    FUZZ_CHECK(audit::encode_cursor(*id) == text);
  }
  return 0;
}
