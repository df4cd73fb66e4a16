#include "actors/common/base64.hpp"

#include <openssl/evp.h>

#include <vector>

namespace checkout {

std::string base64(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes and a terminator.
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), n > 0 ? n : 0);
}

}  // namespace checkout
