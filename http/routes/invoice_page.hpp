// An invoice as JSON (CONTRACT §16) and as a printable page.
#pragma once

#include <string>

#include "actors/common/json_write.hpp"
#include "actors/invoice/invoice_document.hpp"
#include "http/request.hpp"

namespace checkout::http {

// The members of {"invoice": {...}}.
void write_invoice(json_writer& w, const invoice::document& d);

// The page's body (escaped HTML), and the whole page with its CSP.
std::string invoice_page_body(const invoice::document& d);
response invoice_page(const invoice::document& d);

}  // namespace checkout::http
