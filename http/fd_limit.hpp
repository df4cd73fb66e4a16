// Every connection is a descriptor: the soft RLIMIT_NOFILE (often 1024) would
// refuse connections long before MAX_CONNECTIONS.
#pragma once

#include <cstdint>

namespace checkout::http {

// Raises the soft descriptor limit to the hard one; returns the soft limit in
// force afterwards.
std::uint64_t raise_open_files_limit();

}  // namespace checkout::http
