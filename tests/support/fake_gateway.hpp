// Fake Razorpay and Stripe for tests: real HTTP servers on 127.0.0.1 speaking
// each gateway's format for exactly the endpoints the adapters call, checking
// credentials, keeping orders/sessions/refunds in memory.
//   Razorpay: POST /v1/orders, GET /v1/orders?receipt=, GET /v1/orders/{id},
//             GET /v1/orders/{id}/payments, POST /v1/payments/{id}/refund,
//             GET /v1/payments/{id}/refunds                 (JSON, Basic auth)
//   Stripe:   POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id},
//             POST /v1/checkout/sessions/{id}/expire, POST /v1/refunds
//             (form-encoded, Bearer auth; Idempotency-Key honoured as Stripe
//             does: same key and parameters -> the stored answer again, same
//             key with other parameters -> 400 idempotency_error, a request
//             refused by validation stores nothing)
// Every control and inspector is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_http_server.hpp"

namespace checkout::testing {

struct fake_order {
  std::string id;             // Razorpay order_…, Stripe cs_…
  std::string reference;      // Razorpay receipt, Stripe client_reference_id
  std::string order_token;    // notes / metadata
  std::string payment_token;  // notes / metadata
  std::int64_t amount = 0;
  std::string currency;         // as the gateway keeps it (Stripe: lower case)
  std::string status;           // Razorpay created|paid; Stripe open|complete|expired
  std::string payment_id;       // once captured: pay_… / pi_…
  std::int64_t expires_at = 0;  // Stripe, Unix seconds
  std::string success_url;      // Stripe: where the buyer returns, as sent
  std::string cancel_url;
};

struct fake_refund {
  std::string id;
  std::string payment_id;  // pay_… / pi_…
  std::int64_t amount = 0;
  std::string idempotency_key;  // from notes / metadata
  std::string order_token;
  std::string status;
};

class fake_gateway {
 public:
  enum class kind { razorpay, stripe };

  static std::unique_ptr<fake_gateway> razorpay(std::string key_id, std::string key_secret);
  static std::unique_ptr<fake_gateway> stripe(std::string secret_key);
  ~fake_gateway();

  kind flavour() const { return kind_; }
  std::string base_url() const { return server_->base_url(); }

  // --- faults ---
  void delay(std::chrono::milliseconds d) { server_->set_delay(d); }
  // Requests wait unanswered until release() (fake_http_server::hold).
  void hold() { server_->hold(); }
  void release() { server_->release(); }
  int held() const { return server_->held(); }
  void fail_next(int n, int status = 500) { server_->fail_next(n, status); }
  void fail_all(bool on, int status = 500) { server_->fail_all(on, status); }
  void drop_next(int n) { server_->drop_next(n); }
  // The next `n` creates are made and stored, then the connection is closed
  // without the answer (the gateway made the order; we never heard).
  void create_then_drop(int n = 1);

  // --- the customer ---
  // Pays the order/session as if on the gateway's page, with no webhook. The
  // payment id (pay_… / pi_…), or "" for an unknown or unpayable one.
  std::string capture(const std::string& gateway_order_id);
  // Razorpay: a failed payment attempt on the order (the order stays payable).
  void fail_payment(const std::string& gateway_order_id);

  // --- inspectors ---
  int create_calls() const;  // create requests that reached the gateway's logic
  int expire_calls() const;  // Stripe …/expire requests
  int requests() const { return server_->requests(); }
  std::vector<fake_order> orders() const;
  std::vector<fake_refund> refunds() const;

 private:
  struct store;
  fake_gateway(kind k, std::string credential);
  fake_response handle(const fake_request& req);
  fake_response razorpay_route(const fake_request& req);
  fake_response stripe_route(const fake_request& req);

  kind kind_;
  std::string auth_;  // the exact Authorization header expected
  std::unique_ptr<store> store_;
  std::unique_ptr<fake_http_server> server_;  // last: stopped first
};

}  // namespace checkout::testing
