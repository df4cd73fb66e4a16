// The Stripe endpoints the adapter calls, in Stripe's format (form-encoded
// requests, JSON answers), with Stripe's Idempotency-Key rules.
#include <cctype>
#include <set>

#include "actors/payment/form_encoding.hpp"
#include "support/fake_gateway.hpp"
#include "support/fake_gateway_store.hpp"

namespace checkout::testing {
namespace {

fake_response stripe_error(int status, const std::string& type, const std::string& message,
                           const std::string& param = {}) {
  rapidjson::StringBuffer buf;
  json_out w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("type");
  w.String(type.c_str());
  w.Key("message");
  w.String(message.c_str());
  if (!param.empty()) {
    w.Key("param");
    w.String(param.c_str());
  }
  w.EndObject();
  w.EndObject();
  return json_answer(status, buf.GetString());
}

fake_response invalid(const std::string& message, const std::string& param = {}) {
  return stripe_error(400, "invalid_request_error", message, param);
}

std::string session_json(const order_record& o) {
  const auto& v = o.view;
  rapidjson::StringBuffer buf;
  json_out w(buf);
  w.StartObject();
  w.Key("id");
  w.String(v.id.c_str());
  w.Key("object");
  w.String("checkout.session");
  w.Key("amount_total");
  w.Int64(v.amount);
  w.Key("currency");
  w.String(v.currency.c_str());
  w.Key("client_reference_id");
  w.String(v.reference.c_str());
  w.Key("expires_at");
  w.Int64(v.expires_at);
  w.Key("metadata");
  write_kv(w, o.notes);
  w.Key("mode");
  w.String("payment");
  w.Key("payment_intent");
  if (v.payment_id.empty())
    w.Null();
  else
    w.String(v.payment_id.c_str());
  w.Key("payment_status");
  w.String(v.status == "complete" ? "paid" : "unpaid");
  w.Key("status");
  w.String(v.status.c_str());
  w.Key("url");
  if (v.status == "open")
    w.String(o.url.c_str());
  else
    w.Null();
  w.EndObject();
  return buf.GetString();
}

std::string refund_json(const refund_record& r) {
  rapidjson::StringBuffer buf;
  json_out w(buf);
  w.StartObject();
  w.Key("id");
  w.String(r.view.id.c_str());
  w.Key("object");
  w.String("refund");
  w.Key("amount");
  w.Int64(r.view.amount);
  w.Key("currency");
  w.String(r.currency.c_str());
  w.Key("payment_intent");
  w.String(r.view.payment_id.c_str());
  w.Key("metadata");
  write_kv(w, r.notes);
  w.Key("status");
  w.String(r.view.status.c_str());
  w.EndObject();
  return buf.GetString();
}

bool whole_number(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "metadata[order_token]" -> "order_token" when `key` starts with `prefix[`.
std::string inner_key(const std::string& key, const std::string& prefix) {
  if (key.size() < prefix.size() + 2 || key.compare(0, prefix.size() + 1, prefix + "[") != 0 ||
      key.back() != ']')
    return {};
  auto inner = key.substr(prefix.size() + 1, key.size() - prefix.size() - 2);
  return inner.find_first_of("[]") == std::string::npos ? inner : std::string();
}

}  // namespace

fake_response fake_gateway::stripe_route(const fake_request& req) {
  auto& st = *store_;
  const std::string sessions = "/v1/checkout/sessions";
  auto form = payment::form_decode(req.body);
  if (!form) return invalid("Invalid request body encoding");
  std::map<std::string, std::string> f;
  for (auto& [k, v] : *form) f[k] = v;
  auto field = [&](const std::string& k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };

  // Stripe's idempotency: a POST with a key seen before is answered from the
  // store (or refused if its parameters differ); validation errors store nothing.
  auto key = req.header("idempotency-key");
  auto scope = req.method + " " + req.path;
  if (req.method == "POST" && !key.empty()) {
    if (auto it = st.idempotent.find(key); it != st.idempotent.end()) {
      if (it->second.scope != scope || it->second.request_body != req.body)
        return stripe_error(400, "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.");
      auto replay = json_answer(it->second.status, it->second.body);
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      if (req.path == sessions) ++st.create_calls;
      return replay;
    }
  }
  auto remember = [&](fake_response r) {
    if (req.method == "POST" && !key.empty())
      st.idempotent[key] = stored_answer{scope, req.body, r.status, r.body};
    return r;
  };

  if (req.path == sessions && req.method == "POST") {
    ++st.create_calls;
    const std::string item = "line_items[0]";
    static const std::set<std::string> known = {"mode",
                                                "client_reference_id",
                                                "success_url",
                                                "cancel_url",
                                                "expires_at",
                                                item + "[price_data][currency]",
                                                item + "[price_data][unit_amount]",
                                                item + "[price_data][product_data][name]",
                                                item + "[quantity]"};
    order_record o;
    for (auto& [k, v] : f) {
      if (known.count(k)) continue;
      if (auto m = inner_key(k, "metadata"); !m.empty()) {
        o.notes.emplace_back(m, v);
        continue;
      }
      if (k.rfind("payment_intent_data[metadata][", 0) == 0 && k.back() == ']') continue;
      return invalid("Received unknown parameter: " + k, k);
    }
    if (field("mode") != "payment") return invalid("Missing required param: mode.", "mode");
    auto currency = field(item + "[price_data][currency]");
    if (currency.size() != 3) return invalid("Invalid currency", item + "[price_data][currency]");
    for (char c : currency)
      if (!std::islower(static_cast<unsigned char>(c)))
        return invalid("Invalid currency: " + currency, item + "[price_data][currency]");
    auto unit_amount = field(item + "[price_data][unit_amount]");
    if (!whole_number(unit_amount) || std::stoll(unit_amount) <= 0)
      return invalid("Invalid integer: " + unit_amount, item + "[price_data][unit_amount]");
    if (field(item + "[price_data][product_data][name]").empty())
      return invalid("Missing required param: name.", item + "[price_data][product_data][name]");
    if (field(item + "[quantity]") != "1")
      return invalid("This fake only sells one of each", item + "[quantity]");
    if (field("success_url").empty())
      return invalid("Missing required param: success_url.", "success_url");
    if (field("cancel_url").empty())
      return invalid("Missing required param: cancel_url.", "cancel_url");
    auto now = unix_now();
    if (f.count("expires_at")) {
      auto at = field("expires_at");
      if (!whole_number(at)) return invalid("Invalid integer: " + at, "expires_at");
      o.view.expires_at = std::stoll(at);
      if (o.view.expires_at < now + 1800 || o.view.expires_at > now + 86400)
        return invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
            "Checkout Session creation.",
            "expires_at");
    } else {
      o.view.expires_at = now + 86400;
    }
    o.view.id = st.random_id("cs_test_", 24);
    o.view.reference = field("client_reference_id");
    o.view.order_token = find_kv(o.notes, "order_token");
    o.view.payment_token = find_kv(o.notes, "payment_token");
    o.view.amount = std::stoll(unit_amount);
    o.view.currency = currency;
    o.view.status = "open";
    o.view.success_url = field("success_url");
    o.view.cancel_url = field("cancel_url");
    o.created_at = now;
    o.url = "https://checkout.stripe.com/c/pay/" + o.view.id;
    st.orders.push_back(o);
    auto answer = remember(json_answer(200, session_json(o)));
    if (st.drop_creates > 0) {
      --st.drop_creates;
      answer.drop = true;
    }
    return answer;
  }

  if (req.path.rfind(sessions + "/", 0) == 0) {
    auto rest = req.path.substr(sessions.size() + 1);
    bool expire = false;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      if (rest.substr(slash) != "/expire" || req.method != "POST")
        return stripe_error(404, "invalid_request_error", "Unrecognized request URL");
      rest = rest.substr(0, slash);
      expire = true;
    }
    auto* o = st.order(rest);
    if (!o)
      return stripe_error(404, "invalid_request_error", "No such checkout.session: " + rest,
                          "session");
    if (!expire) {
      if (req.method != "GET")
        return stripe_error(404, "invalid_request_error", "Unrecognized request URL");
      return json_answer(200, session_json(*o));
    }
    ++st.expire_calls;
    if (o->view.status != "open")
      return invalid(
          "Only Checkout Sessions with a status in [\"open\"] can be expired. This "
          "Checkout Session has a status of \"" +
          o->view.status + "\".");
    o->view.status = "expired";
    return remember(json_answer(200, session_json(*o)));
  }

  if (req.path == "/v1/refunds" && req.method == "POST") {
    auto pi = field("payment_intent");
    auto* p = st.payment(pi);
    if (!p) return invalid("No such payment_intent: '" + pi + "'", "payment_intent");
    auto amount = p->amount - p->refunded;
    if (f.count("amount")) {
      if (!whole_number(field("amount"))) return invalid("Invalid integer", "amount");
      amount = std::stoll(field("amount"));
    }
    if (amount <= 0 || amount > p->amount - p->refunded)
      return invalid("Refund amount is greater than unrefunded amount on charge", "amount");
    refund_record r;
    for (auto& [k, v] : f) {
      if (k == "payment_intent" || k == "amount") continue;
      if (auto m = inner_key(k, "metadata"); !m.empty()) {
        r.notes.emplace_back(m, v);
        continue;
      }
      return invalid("Received unknown parameter: " + k, k);
    }
    r.view.id = st.random_id("re_", 24);
    r.view.payment_id = p->id;
    r.view.amount = amount;
    r.view.idempotency_key = find_kv(r.notes, "idempotency_key");
    r.view.order_token = find_kv(r.notes, "order_token");
    r.view.status = "succeeded";
    r.currency = p->currency;
    p->refunded += amount;
    st.refunds.push_back(r);
    return remember(json_answer(200, refund_json(r)));
  }
  return stripe_error(404, "invalid_request_error", "Unrecognized request URL");
}

}  // namespace checkout::testing
