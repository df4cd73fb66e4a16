// Hand-made JWTs for the suites that try what libjwt would never emit: other
// algorithms, no signature, tampered payloads, arbitrary headers and claims.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <string>

namespace e2e {

inline std::string base64url(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned val = 0;
  int bits = 0;
  for (unsigned char c : in) {
    val = ((val << 8) | c) & 0xFFFFFu;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(table[(val >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(table[(val << (6 - bits)) & 0x3F]);
  return out;
}

inline std::string hmac(const EVP_MD* md, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// header.payload.signature; no `md`: an unsigned token ("alg":"none").
inline std::string jwt(const std::string& header, const std::string& payload, const EVP_MD* md,
                       const std::string& secret) {
  auto signing = base64url(header) + "." + base64url(payload);
  return signing + "." + (md ? base64url(hmac(md, secret, signing)) : std::string());
}

inline long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace e2e
