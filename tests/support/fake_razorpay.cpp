// The Razorpay endpoints the adapter calls, in Razorpay's JSON format.
#include <rapidjson/document.h>

#include <cctype>
#include <set>

#include "support/fake_gateway.hpp"
#include "support/fake_gateway_store.hpp"

namespace checkout::testing {
namespace {

fake_response bad_request(const std::string& description) {
  rapidjson::StringBuffer buf;
  json_out w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String("BAD_REQUEST_ERROR");
  w.Key("description");
  w.String(description.c_str());
  w.EndObject();
  w.EndObject();
  return json_answer(400, buf.GetString());
}

void write_notes(json_out& w, const kv_list& notes) {
  if (notes.empty()) {  // Razorpay's quirk: no notes is an empty array
    w.StartArray();
    w.EndArray();
  } else {
    write_kv(w, notes);
  }
}

void write_order(json_out& w, const order_record& o) {
  const auto& v = o.view;
  bool paid = v.status == "paid";
  w.StartObject();
  w.Key("id");
  w.String(v.id.c_str());
  w.Key("entity");
  w.String("order");
  w.Key("amount");
  w.Int64(v.amount);
  w.Key("amount_paid");
  w.Int64(paid ? v.amount : 0);
  w.Key("amount_due");
  w.Int64(paid ? 0 : v.amount);
  w.Key("currency");
  w.String(v.currency.c_str());
  w.Key("receipt");
  w.String(v.reference.c_str());
  w.Key("offer_id");
  w.Null();
  w.Key("status");
  w.String(v.status.c_str());
  w.Key("attempts");
  w.Int(o.attempts);
  w.Key("notes");
  write_notes(w, o.notes);
  w.Key("created_at");
  w.Int64(o.created_at);
  w.EndObject();
}

void write_payment(json_out& w, const fake_payment& p) {
  w.StartObject();
  w.Key("id");
  w.String(p.id.c_str());
  w.Key("entity");
  w.String("payment");
  w.Key("amount");
  w.Int64(p.amount);
  w.Key("currency");
  w.String(p.currency.c_str());
  w.Key("status");
  w.String(p.status.c_str());
  w.Key("order_id");
  w.String(p.order_id.c_str());
  w.Key("captured");
  w.Bool(p.captured);
  w.Key("amount_refunded");
  w.Int64(p.refunded);
  w.EndObject();
}

void write_refund(json_out& w, const refund_record& r) {
  w.StartObject();
  w.Key("id");
  w.String(r.view.id.c_str());
  w.Key("entity");
  w.String("refund");
  w.Key("amount");
  w.Int64(r.view.amount);
  w.Key("currency");
  w.String(r.currency.c_str());
  w.Key("payment_id");
  w.String(r.view.payment_id.c_str());
  w.Key("notes");
  write_notes(w, r.notes);
  w.Key("status");
  w.String(r.view.status.c_str());
  w.EndObject();
}

template <class Items, class Write>
std::string collection(const Items& items, Write write) {
  rapidjson::StringBuffer buf;
  json_out w(buf);
  w.StartObject();
  w.Key("entity");
  w.String("collection");
  w.Key("count");
  w.Uint64(items.size());
  w.Key("items");
  w.StartArray();
  for (const auto* item : items) write(w, *item);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

// Notes: an object of at most 15 string or number values.
bool read_notes(const rapidjson::Value& v, kv_list& out) {
  if (!v.IsObject() || v.MemberCount() > 15) return false;
  for (const auto& m : v.GetObject()) {
    if (m.value.IsString())
      out.emplace_back(m.name.GetString(), m.value.GetString());
    else if (m.value.IsInt64())
      out.emplace_back(m.name.GetString(), std::to_string(m.value.GetInt64()));
    else
      return false;
  }
  return true;
}

// "/v1/orders/ID/payments" -> {"v1", "orders", "ID", "payments"}
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

fake_response fake_gateway::razorpay_route(const fake_request& req) {
  auto& st = *store_;
  auto seg = segments(req.path);
  if (seg.size() < 2 || seg[0] != "v1") return bad_request("The requested URL was not found");

  if (seg[1] == "orders" && seg.size() == 2 && req.method == "POST") {
    ++st.create_calls;
    rapidjson::Document doc;
    doc.Parse(req.body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) return bad_request("The request body is not JSON");
    static const std::set<std::string> allowed = {"amount", "currency", "receipt", "notes",
                                                  "partial_payment"};
    for (const auto& m : doc.GetObject())
      if (!allowed.count(m.name.GetString()))
        return bad_request(std::string(m.name.GetString()) +
                           " is/are not required and should not be sent");
    if (!doc.HasMember("amount") || !doc["amount"].IsInt64() || doc["amount"].GetInt64() < 100)
      return bad_request("The amount must be atleast INR 1.00");
    if (!doc.HasMember("currency") || !doc["currency"].IsString() ||
        std::string(doc["currency"].GetString()).size() != 3)
      return bad_request("The currency field is required.");
    std::string currency = doc["currency"].GetString();
    for (char c : currency)
      if (!std::isupper(static_cast<unsigned char>(c)))
        return bad_request("Currency is not supported");
    order_record o;
    if (doc.HasMember("receipt")) {
      if (!doc["receipt"].IsString() || doc["receipt"].GetStringLength() > 40)
        return bad_request("The receipt may not be greater than 40 characters.");
      o.view.reference = doc["receipt"].GetString();
    }
    if (doc.HasMember("notes") && !read_notes(doc["notes"], o.notes))
      return bad_request("notes must be an object of at most 15 string values");
    o.view.id = st.random_id("order_", 14);
    o.view.amount = doc["amount"].GetInt64();
    o.view.currency = currency;
    o.view.status = "created";
    o.view.order_token = find_kv(o.notes, "order_token");
    o.view.payment_token = find_kv(o.notes, "payment_token");
    o.created_at = unix_now();
    st.orders.push_back(o);
    rapidjson::StringBuffer buf;
    json_out w(buf);
    write_order(w, o);
    auto answer = json_answer(200, buf.GetString());
    if (st.drop_creates > 0) {
      --st.drop_creates;
      answer.drop = true;
    }
    return answer;
  }

  if (seg[1] == "orders" && seg.size() == 2 && req.method == "GET") {
    std::vector<const order_record*> found;
    auto receipt = req.query.find("receipt");
    std::size_t count = 10;
    if (auto c = req.query.find("count"); c != req.query.end()) count = std::stoul(c->second);
    if (count > 100) return bad_request("count may not be greater than 100");
    for (auto it = st.orders.rbegin(); it != st.orders.rend() && found.size() < count; ++it)
      if (receipt == req.query.end() || it->view.reference == receipt->second)
        found.push_back(&*it);
    return json_answer(200, collection(found, write_order));
  }

  if (seg[1] == "orders" && seg.size() >= 3 && req.method == "GET") {
    auto* o = st.order(seg[2]);
    if (!o) return bad_request("The id provided does not exist");
    if (seg.size() == 3) {
      rapidjson::StringBuffer buf;
      json_out w(buf);
      write_order(w, *o);
      return json_answer(200, buf.GetString());
    }
    if (seg.size() == 4 && seg[3] == "payments") {
      std::vector<const fake_payment*> found;
      for (const auto& p : st.payments)
        if (p.order_id == o->view.id) found.push_back(&p);
      return json_answer(200, collection(found, write_payment));
    }
  }

  if (seg[1] == "payments" && seg.size() == 4) {
    auto* p = st.payment(seg[2]);
    if (!p) return bad_request("The id provided does not exist");
    if (seg[3] == "refunds" && req.method == "GET") {
      std::vector<const refund_record*> found;
      for (const auto& r : st.refunds)
        if (r.view.payment_id == p->id) found.push_back(&r);
      return json_answer(200, collection(found, write_refund));
    }
    if (seg[3] == "refund" && req.method == "POST") {
      rapidjson::Document doc;
      doc.Parse(req.body.c_str());
      if (doc.HasParseError() || !doc.IsObject())
        return bad_request("The request body is not JSON");
      if (!p->captured) return bad_request("The payment has not been captured");
      auto amount = doc.HasMember("amount") && doc["amount"].IsInt64() ? doc["amount"].GetInt64()
                                                                       : p->amount - p->refunded;
      if (amount <= 0 || amount > p->amount - p->refunded)
        return bad_request("The refund amount provided is greater than amount captured");
      refund_record r;
      if (doc.HasMember("notes") && !read_notes(doc["notes"], r.notes))
        return bad_request("notes must be an object of at most 15 string values");
      r.view.id = st.random_id("rfnd_", 14);
      r.view.payment_id = p->id;
      r.view.amount = amount;
      r.view.idempotency_key = find_kv(r.notes, "idempotency_key");
      r.view.order_token = find_kv(r.notes, "order_token");
      r.view.status = "processed";
      r.currency = p->currency;
      p->refunded += amount;
      if (p->refunded == p->amount) p->status = "refunded";
      st.refunds.push_back(r);
      rapidjson::StringBuffer buf;
      json_out w(buf);
      write_refund(w, r);
      return json_answer(200, buf.GetString());
    }
  }
  return bad_request("The requested URL was not found on the server.");
}

}  // namespace checkout::testing
