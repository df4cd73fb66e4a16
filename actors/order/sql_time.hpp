// A TIMESTAMPTZ column read as microseconds since the epoch, the unit every
// value type of the service keeps time in.
#pragma once

#include <string>

namespace checkout {

inline std::string epoch_micros(const std::string& column) {
  return "(EXTRACT(EPOCH FROM " + column + ") * 1e6)::bigint";
}

}  // namespace checkout
