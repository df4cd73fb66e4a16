// Text PostgreSQL accepts in a TEXT column: valid UTF-8 (no overlong forms,
// surrogates or code points above U+10FFFF) and no NUL byte. Checked at the
// edge, so bad input is a 4xx naming the field rather than a database error.
#pragma once

#include <string_view>

namespace checkout {

bool valid_text(std::string_view text);

}  // namespace checkout
