#include "actors/webhook/razorpay_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>

#include "actors/errors.hpp"

namespace checkout::razorpay_webhook {
namespace {

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

const rapidjson::Value* path(const rapidjson::Value& root,
                             std::initializer_list<const char*> keys) {
  const rapidjson::Value* cur = &root;
  for (auto k : keys) {
    cur = member(*cur, k);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string str_at(const rapidjson::Value& root, std::initializer_list<const char*> keys) {
  auto v = path(root, keys);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

}  // namespace

std::string sign(const std::string& secret, const std::string& raw_body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(raw_body.data()), raw_body.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 0x0f]);
  }
  return out;
}

bool verify_signature(const std::string& secret, const std::string& raw_body,
                      const std::string& signature_hex) {
  auto expected = sign(secret, raw_body);
  if (signature_hex.size() != expected.size()) return false;
  std::string given = signature_hex;
  for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

caf::expected<event> parse(const std::string& raw_body) {
  rapidjson::Document d;
  d.Parse(raw_body.c_str(), raw_body.size());
  if (d.HasParseError() || !d.IsObject()) return make_error(errc::bad_webhook, "body is not JSON");
  event ev;
  ev.type = str_at(d, {"event"});
  if (ev.type.empty()) return make_error(errc::bad_webhook, "event is missing");
  ev.payment_id = str_at(d, {"payload", "payment", "entity", "id"});
  ev.gateway_order_id = str_at(d, {"payload", "payment", "entity", "order_id"});
  if (ev.gateway_order_id.empty())
    ev.gateway_order_id = str_at(d, {"payload", "order", "entity", "id"});
  auto amount = path(d, {"payload", "payment", "entity", "amount"});
  if (!amount) amount = path(d, {"payload", "order", "entity", "amount_paid"});
  if (amount && amount->IsInt64()) ev.amount = amount->GetInt64();
  ev.currency = str_at(d, {"payload", "payment", "entity", "currency"});
  if (ev.currency.empty()) ev.currency = str_at(d, {"payload", "order", "entity", "currency"});
  ev.error_reason = str_at(d, {"payload", "payment", "entity", "error_description"});
  return ev;
}

std::string event_id(const std::string& header_value, const event& ev) {
  if (!header_value.empty()) return header_value;
  return ev.type + ":" + (ev.payment_id.empty() ? ev.gateway_order_id : ev.payment_id);
}

}  // namespace checkout::razorpay_webhook
