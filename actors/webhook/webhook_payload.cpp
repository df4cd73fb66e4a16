#include "actors/webhook/webhook_payload.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace checkout::webhook_payload {

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 0x0f]);
  }
  return out;
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const rapidjson::Value* member(const rapidjson::Value* v, const char* name) {
  if (!v || !v->IsObject()) return nullptr;
  auto it = v->FindMember(name);
  return it == v->MemberEnd() ? nullptr : &it->value;
}

const rapidjson::Value* object_member(const rapidjson::Value* v, const char* name) {
  auto m = member(v, name);
  return m && m->IsObject() ? m : nullptr;
}

std::string str(const rapidjson::Value* v, const char* name) {
  auto m = member(v, name);
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}

std::optional<std::int64_t> money(const rapidjson::Value* v, const char* name) {
  auto m = member(v, name);
  if (!m || !m->IsInt64() || m->GetInt64() < 0) return std::nullopt;
  return m->GetInt64();
}

micros seconds_to_micros(const rapidjson::Value* v) {
  constexpr std::int64_t per_second = 1000000;
  if (!v || !v->IsInt64()) return 0;
  auto s = v->GetInt64();
  if (s < 0 || s > std::numeric_limits<std::int64_t>::max() / per_second) return 0;
  return s * per_second;
}

}  // namespace checkout::webhook_payload
