// Request bodies: http::parse_object (the nesting limit, RapidJSON's iterative
// parse, the NUL check) and the typed field readers of http::fields, driven the
// way the routes drive them. Input: a request body.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "http/json_fields.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

// Deepest nesting of arrays and objects (1 for a flat object). The parser
// refuses more than 64 levels, so this recursion is bounded.
int depth(const rapidjson::Value& v) {
  int deepest = 0;
  if (v.IsArray()) {
    for (const auto& el : v.GetArray()) deepest = std::max(deepest, depth(el));
    return deepest + 1;
  }
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) deepest = std::max(deepest, depth(m.value));
    return deepest + 1;
  }
  return 0;
}

// Every reader on every member, whatever its type: each must either return a
// value of its type or note a problem, never misread.
void read_all(http::fields& f, const rapidjson::Value& obj, int level) {
  if (!obj.IsObject()) return;
  for (const auto& m : obj.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    const char* n = name.c_str();  // a name with a NUL was refused by parse_object
    FUZZ_CHECK(f.has(n));
    // With a repeated name the readers see the first member of that name.
    const auto* v = f.any(n);
    FUZZ_CHECK(v != nullptr);
    if (auto s = f.opt_str(n, 16)) FUZZ_CHECK(v->IsString());
    if (auto i = f.opt_integer(n, -5, 5)) FUZZ_CHECK(*i >= -5 && *i <= 5);
    if (auto b = f.opt_bool(n)) FUZZ_CHECK(v->IsBool() && *b == v->GetBool());
    if (auto a = f.array(n, false)) FUZZ_CHECK(a->IsArray());
    if (auto o = f.object(n, false)) {
      FUZZ_CHECK(o->IsObject());
      if (level < 4) {
        auto sub = f.nested(*o, name);
        read_all(sub, *o, level + 1);
      }
    }
    f.str(n, 1024);
    f.integer(n, 0, 100'000'000'00);
  }
}

// POST /api/v1/cart as cart_routes.cpp reads it.
void read_cart(const rapidjson::Value& doc) {
  http::fields f(doc);
  if (auto products = f.array("products", true)) {
    int i = 0;
    for (const auto& v : products->GetArray()) {
      auto name = "products[" + std::to_string(i++) + "]";
      if (!v.IsObject()) {
        f.add_problem(name + " must be an object");
        continue;
      }
      auto pf = f.nested(v, name);
      pf.str("internship_id", 64);
      auto q = pf.opt_integer("quantity", 1, 100);
      if (q) FUZZ_CHECK(*q >= 1 && *q <= 100);
      if (auto per = pf.object("period", false)) {
        auto perf = pf.nested(*per, "period");
        perf.str("unit", 16);
        perf.integer("count", 1, 36);
      }
    }
  }
  f.opt_str("sale_slug", 100);
  f.opt_str("currency", 3);
  f.opt_str("device_id", 200);
  if (auto a = f.any("analytics_data"); a && !a->IsNull()) {
    // Stored as raw JSON text: the writer recurses, the depth limit bounds it.
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    FUZZ_CHECK(a->Accept(w));
  }
  FUZZ_CHECK(f.ok() == !f.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto parsed = http::parse_object(body);
  if (!parsed.doc) {
    FUZZ_CHECK(static_cast<bool>(parsed.error));
    return 0;
  }
  FUZZ_CHECK(!parsed.error);
  const auto& doc = *parsed.doc;
  FUZZ_CHECK(doc.IsObject());
  FUZZ_CHECK(depth(doc) <= 64);

  read_cart(doc);
  http::fields f(doc);
  read_all(f, doc, 0);
  FUZZ_CHECK(f.ok() == !f.error());
  return 0;
}
