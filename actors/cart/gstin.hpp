// India's GST identification number (GSTIN), as a buyer gives it at checkout
// for a tax invoice in their business's name (CONTRACT §16).
#pragma once

#include <optional>
#include <string>

namespace checkout {

// Why `gstin` is not a valid GSTIN, or nothing when it is: 15 characters,
// a state code (01-38, or 97 for other territory), a PAN (5 letters, 4
// digits, 1 letter), an entity number, 'Z', and the check character that
// GSTN computes over the first 14 (base 36, weights 1 and 2 alternating).
std::optional<std::string> gstin_problem(const std::string& gstin);

// The check character for the first 14 characters of a GSTIN (upper-case
// letters and digits only).
char gstin_check_char(const std::string& first14);

}  // namespace checkout
