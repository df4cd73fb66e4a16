// What the order suites do again and again against a running checkoutd:
// create internships and coupons as an admin, fill a cart for a user, place
// an order, send a signed Razorpay event, read orders back.
#pragma once

#include <string>

#include "e2e_support.hpp"

namespace e2e {

// The body of a Razorpay payment event (`payment.captured`, `payment.failed`)
// for a gateway order, as Razorpay sends it; the payment id defaults to one
// derived from the order id. `currency` is there to be got wrong on purpose.
inline std::string razorpay_payment_body(const std::string& event,
                                         const std::string& gateway_order_id, long long amount,
                                         const std::string& payment_id = {},
                                         const std::string& currency = "INR") {
  auto pay = payment_id.empty() ? "pay_" + gateway_order_id.substr(6) : payment_id;
  return R"({"entity":"event","event":")" + event + R"(","payload":{"payment":{"entity":{"id":")" +
         pay + R"(","order_id":")" + gateway_order_id + R"(","amount":)" + std::to_string(amount) +
         R"(,"currency":")" + currency + R"(","status":")" +
         (event == "payment.captured" ? "captured" : "failed") + "\"}}}}";
}

// POSTs a Razorpay webhook body signed with the test servers' secret (or with
// `signature` when given), under a fresh event id unless `event_id` is given.
inline reply razorpay_post(unsigned short port, const std::string& body,
                           const std::string& event_id = {}, const std::string& signature = {},
                           std::vector<std::pair<std::string, std::string>> more_headers = {}) {
  more_headers.emplace_back("X-Razorpay-Signature",
                            signature.empty() ? razorpay_signature(body) : signature);
  more_headers.emplace_back("X-Razorpay-Event-Id", event_id.empty() ? unique("evt") : event_id);
  return call(port, "POST", "/api/v1/webhooks/razorpay", body, more_headers);
}

struct shop {
  unsigned short port;
  std::string admin = token_for("e2e-admin", true);

  static std::string bearer(const std::string& user_id) { return "Bearer " + token_for(user_id); }

  // An internship at `price` paise (INR) with `seats` ("null": unlimited) in
  // `category`; `more` is further JSON members, each with a leading comma
  // (`,"plans":[...]`). Its id starts with `id_prefix`.
  std::string internship(long long price, const std::string& seats = "10",
                         const std::string& category = "data", const std::string& more = {},
                         const std::string& id_prefix = "intern") {
    auto id = unique(id_prefix);
    auto r = call(port, "POST", "/api/v1/admin/internships",
                  R"({"id":")" + id + R"(","title":"Order internship","category":")" + category +
                      R"(","price":)" + std::to_string(price) + R"(,"currency":"INR","seats":)" +
                      seats + more + "}",
                  {{"Authorization", "Bearer " + admin}});
    if (r.status != 201) throw std::runtime_error("internship: " + r.body);
    return id;
  }

  // A coupon from a JSON body without its code; answers the code.
  std::string coupon(const std::string& fields) {
    auto code = unique("C");
    for (auto& ch : code)
      if (ch == '-' || ch == '.') ch = '_';
    auto r = call(port, "POST", "/api/v1/admin/coupons", R"({"code":")" + code + R"(",)" + fields,
                  {{"Authorization", "Bearer " + admin}});
    if (r.status != 201) throw std::runtime_error("coupon: " + r.body);
    return code;
  }

  std::string cart(const std::string& user_id, const std::string& internship_id, int quantity = 1) {
    auto r = call(port, "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + internship_id + R"(","quantity":)" +
                      std::to_string(quantity) + "}]}",
                  {{"Authorization", bearer(user_id)}});
    if (r.status != 201 && r.status != 200) throw std::runtime_error("cart: " + r.body);
    return str(r.json()["data"]["cart"], "token");
  }

  reply apply_coupon(const std::string& cart_token, const std::string& user_id,
                     const std::string& code) {
    return call(port, "POST", "/api/v1/cart/" + cart_token + "/coupon",
                R"({"coupon":")" + code + R"("})", {{"Authorization", bearer(user_id)}});
  }

  reply place(const std::string& user_id, const std::string& cart_token, const std::string& key,
              const std::string& extra = {}) {
    return call(port, "POST", "/api/v1/orders",
                R"({"cart_token":")" + cart_token + "\"" + extra + "}",
                {{"Authorization", bearer(user_id)}, {"Idempotency-Key", key}});
  }

  reply order(const std::string& user_id, const std::string& token) {
    return call(port, "GET", "/api/v1/orders/" + token, {}, {{"Authorization", bearer(user_id)}});
  }

  std::string status_of(const std::string& user_id, const std::string& token) {
    auto r = order(user_id, token);
    return r.status == 200 ? str(r.json()["data"]["order"], "status") : std::string();
  }

  int seats_available(const std::string& internship_id) {
    auto r = call(port, "GET", "/api/v1/internships/" + internship_id);
    return r.json()["data"]["internship"]["seats_available"].GetInt();
  }

  // A Razorpay payment event for a gateway order, signed as Razorpay signs.
  reply razorpay_event(const std::string& event, const std::string& gateway_order_id,
                       long long amount, const std::string& payment_id = {}) {
    return razorpay_post(port, razorpay_payment_body(event, gateway_order_id, amount, payment_id));
  }
};

}  // namespace e2e
