#include "actors/catalog/catalog_cursor.hpp"

namespace checkout::catalog_cursor {

std::optional<std::string> cut_page(std::vector<internship>& rows, std::size_t limit) {
  return page_cursor::cut_page(rows, limit, [](const internship& i) { return i.id; });
}

}  // namespace checkout::catalog_cursor
