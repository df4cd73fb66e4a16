#include "support/fake_gateway.hpp"

#include <openssl/evp.h>

#include "support/fake_gateway_store.hpp"

namespace checkout::testing {
namespace {

std::string base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(n > 0 ? n : 0);
  return out;
}

}  // namespace

fake_gateway::fake_gateway(kind k, std::string credential)
    : kind_(k), auth_(std::move(credential)), store_(std::make_unique<store>()) {
  server_ = std::make_unique<fake_http_server>([this](const fake_request& r) { return handle(r); });
}

fake_gateway::~fake_gateway() = default;

std::unique_ptr<fake_gateway> fake_gateway::razorpay(std::string key_id, std::string key_secret) {
  return std::unique_ptr<fake_gateway>(
      new fake_gateway(kind::razorpay, "Basic " + base64(key_id + ":" + key_secret)));
}

std::unique_ptr<fake_gateway> fake_gateway::stripe(std::string secret_key) {
  return std::unique_ptr<fake_gateway>(new fake_gateway(kind::stripe, "Bearer " + secret_key));
}

fake_response fake_gateway::handle(const fake_request& req) {
  if (req.header("authorization") != auth_) {
    return json_answer(
        401,
        kind_ == kind::razorpay
            ? R"({"error":{"code":"BAD_REQUEST_ERROR","description":"Authentication failed"}})"
            : R"({"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}})");
  }
  std::lock_guard<std::mutex> guard(store_->mu);
  return kind_ == kind::razorpay ? razorpay_route(req) : stripe_route(req);
}

void fake_gateway::create_then_drop(int n) {
  std::lock_guard<std::mutex> guard(store_->mu);
  store_->drop_creates = n;
}

std::string fake_gateway::capture(const std::string& gateway_order_id) {
  std::lock_guard<std::mutex> guard(store_->mu);
  auto* o = store_->order(gateway_order_id);
  if (!o) return {};
  auto& v = o->view;
  fake_payment p;
  p.order_id = v.id;
  p.amount = v.amount;
  p.currency = v.currency;
  p.captured = true;
  if (kind_ == kind::razorpay) {
    if (v.status == "paid") return v.payment_id;
    p.id = store_->random_id("pay_", 14);
    p.status = "captured";
    v.status = "paid";
    ++o->attempts;
  } else {
    if (v.status != "open") return v.status == "complete" ? v.payment_id : std::string();
    p.id = store_->random_id("pi_", 24);
    p.status = "succeeded";
    v.status = "complete";
  }
  v.payment_id = p.id;
  store_->payments.push_back(p);
  return p.id;
}

void fake_gateway::fail_payment(const std::string& gateway_order_id) {
  std::lock_guard<std::mutex> guard(store_->mu);
  auto* o = store_->order(gateway_order_id);
  if (!o || kind_ != kind::razorpay) return;
  fake_payment p;
  p.id = store_->random_id("pay_", 14);
  p.order_id = o->view.id;
  p.amount = o->view.amount;
  p.currency = o->view.currency;
  p.status = "failed";
  ++o->attempts;
  store_->payments.push_back(p);
}

int fake_gateway::create_calls() const {
  std::lock_guard<std::mutex> guard(store_->mu);
  return store_->create_calls;
}

int fake_gateway::expire_calls() const {
  std::lock_guard<std::mutex> guard(store_->mu);
  return store_->expire_calls;
}

std::vector<fake_order> fake_gateway::orders() const {
  std::lock_guard<std::mutex> guard(store_->mu);
  std::vector<fake_order> out;
  for (const auto& o : store_->orders) out.push_back(o.view);
  return out;
}

std::vector<fake_refund> fake_gateway::refunds() const {
  std::lock_guard<std::mutex> guard(store_->mu);
  std::vector<fake_refund> out;
  for (const auto& r : store_->refunds) out.push_back(r.view);
  return out;
}

}  // namespace checkout::testing
