// The fakes' shared in-memory state (private to fake_*.cpp).
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/fake_gateway.hpp"

namespace checkout::testing {

using kv_list = std::vector<std::pair<std::string, std::string>>;
using json_out = rapidjson::Writer<rapidjson::StringBuffer>;

struct fake_payment {
  std::string id;
  std::string order_id;
  std::int64_t amount = 0;
  std::int64_t refunded = 0;
  std::string currency;
  std::string status;  // Razorpay captured|failed|refunded; Stripe succeeded
  bool captured = false;
};

struct order_record {
  fake_order view;
  kv_list notes;  // Razorpay notes / Stripe metadata, in order
  std::int64_t created_at = 0;
  int attempts = 0;
  std::string url;  // Stripe's hosted page
};

struct refund_record {
  fake_refund view;
  kv_list notes;
  std::string currency;
};

// What Stripe keeps per Idempotency-Key.
struct stored_answer {
  std::string scope;  // method and path
  std::string request_body;
  int status = 0;
  std::string body;
};

struct fake_gateway::store {
  mutable std::mutex mu;
  std::vector<order_record> orders;
  std::vector<fake_payment> payments;
  std::vector<refund_record> refunds;
  std::map<std::string, stored_answer> idempotent;
  int create_calls = 0;
  int expire_calls = 0;
  int drop_creates = 0;
  std::mt19937_64 rng{std::random_device{}()};

  std::string random_id(const std::string& prefix, int n) {
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string id = prefix;
    for (int i = 0; i < n; ++i) id.push_back(alnum[rng() % 62]);
    return id;
  }
  order_record* order(const std::string& id) {
    for (auto& o : orders)
      if (o.view.id == id) return &o;
    return nullptr;
  }
  fake_payment* payment(const std::string& id) {
    for (auto& p : payments)
      if (p.id == id) return &p;
    return nullptr;
  }
};

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline fake_response json_answer(int status, const std::string& body) {
  fake_response r;
  r.status = status;
  r.body = body;
  return r;
}

inline void write_kv(json_out& w, const kv_list& kv) {
  w.StartObject();
  for (const auto& [k, v] : kv) {
    w.Key(k.c_str());
    w.String(v.c_str());
  }
  w.EndObject();
}

inline std::string find_kv(const kv_list& kv, const std::string& key) {
  for (const auto& [k, v] : kv)
    if (k == key) return v;
  return {};
}

}  // namespace checkout::testing
