// Random (version 4) UUIDs from OpenSSL's CSPRNG.
#pragma once

#include <optional>
#include <string>

namespace checkout::http {

// Lower-case canonical form "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"; nullopt when
// the random generator fails, so callers decide how to degrade.
std::optional<std::string> uuid_v4();

}  // namespace checkout::http
