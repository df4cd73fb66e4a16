// Coupon administration through the real binary (CONTRACT §4): creating each
// type, case-insensitive codes, duplicates, bad input, authorization, PATCH.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "e2e_support.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using json_expect::at;
using json_expect::error_envelope;
using json_expect::kind;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Whether some validation message of an error reply contains `text`.
bool says(const e2e::reply& r, const std::string& text) {
  auto d = r.json();
  if (!d.IsObject() || !d.HasMember("error") || !d["error"].HasMember("validation_messages"))
    return false;
  for (auto& m : d["error"]["validation_messages"].GetArray())
    if (m.IsString() && std::string(m.GetString()).find(text) != std::string::npos) return true;
  return false;
}

class coupon_admin_e2e : public e2e::shared_server<coupon_admin_e2e> {
 protected:
  std::string admin = e2e::token_for("coupon-admin", true);

  e2e::reply create(const std::string& body, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return call(srv->port(), "POST", "/api/v1/admin/coupons", body, headers);
  }
  e2e::reply create(const std::string& body) { return create(body, admin); }
  e2e::reply patch(const std::string& code, const std::string& body,
                   const std::string& token = {}) {
    return call(srv->port(), "PATCH", "/api/v1/admin/coupons/" + code, body,
                {{"Authorization", "Bearer " + (token.empty() ? admin : token)}});
  }
};

TEST_F(coupon_admin_e2e, creates_a_percentage_coupon_with_every_field) {
  auto code = e2e::unique("pct");
  auto slug = e2e::unique("sale");
  auto r = create(R"({"code":")" + code + R"(","type":"percentage","value":20,"currency":"INR",
      "max_discount":50000,"min_order_value":100000,"valid_from":"2026-11-22T10:00:00Z",
      "valid_until":"2026-12-01T15:30:00+05:30","usage_limit_total":100,"usage_limit_per_user":1,
      "internship_ids":["i-1","i-2"],"categories":["data"],"combinable":true,
      "first_order_only":true,"sale_slug":")" +
                  slug + R"(","unknown_field":{"ignored":true}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  EXPECT_TRUE(at(d, "success", true));
  ASSERT_TRUE(json_expect::is(d, "data.coupon", kind::object));
  auto& c = d["data"]["coupon"];
  EXPECT_TRUE(at(c, "code", upper(code)));
  EXPECT_TRUE(at(c, "type", "percentage"));
  EXPECT_TRUE(at(c, "value", 20));
  EXPECT_TRUE(at(c, "currency", "INR"));
  EXPECT_TRUE(json_expect::has_size(c, "tiers", 0));
  EXPECT_TRUE(at(c, "max_discount", 50000));
  EXPECT_TRUE(at(c, "min_order_value", 100000));
  EXPECT_TRUE(at(c, "valid_from", "2026-11-22T10:00:00.000Z"));
  EXPECT_TRUE(at(c, "valid_until", "2026-12-01T10:00:00.000Z"));  // stored in UTC
  EXPECT_TRUE(at(c, "usage_limit_total", 100));
  EXPECT_TRUE(at(c, "usage_limit_per_user", 1));
  ASSERT_TRUE(json_expect::has_size(c, "internship_ids", 2));
  EXPECT_TRUE(at(c, "internship_ids[1]", "i-2"));
  ASSERT_TRUE(json_expect::has_size(c, "categories", 1));
  EXPECT_TRUE(at(c, "categories[0]", "data"));
  EXPECT_TRUE(at(c, "combinable", true));
  EXPECT_TRUE(at(c, "first_order_only", true));
  EXPECT_TRUE(at(c, "sale_slug", slug));
  EXPECT_TRUE(at(c, "active", true));
}

TEST_F(coupon_admin_e2e, creates_fixed_free_and_tiered_coupons_with_nulls_for_unset_fields) {
  auto fixed = create(R"({"code":")" + e2e::unique("fix") +
                      R"(","type":"fixed","value":50000,"currency":"INR"})");
  ASSERT_EQ(fixed.status, 201) << fixed.body;
  auto f = fixed.json();
  EXPECT_TRUE(at(f, "data.coupon.type", "fixed"));
  EXPECT_TRUE(at(f, "data.coupon.value", 50000));
  for (std::string key : {"max_discount", "min_order_value", "valid_from", "valid_until",
                          "usage_limit_total", "usage_limit_per_user", "sale_slug"})
    EXPECT_TRUE(json_expect::is(f, "data.coupon." + key, kind::null));
  EXPECT_TRUE(at(f, "data.coupon.combinable", false));
  EXPECT_TRUE(at(f, "data.coupon.first_order_only", false));

  // A free coupon ignores any value; it has no currency of its own.
  auto free = create(R"({"code":")" + e2e::unique("free") + R"(","type":"free","value":100})");
  ASSERT_EQ(free.status, 201) << free.body;
  auto fr = free.json();
  EXPECT_TRUE(at(fr, "data.coupon.type", "free"));
  EXPECT_TRUE(at(fr, "data.coupon.value", 0));
  EXPECT_TRUE(json_expect::is(fr, "data.coupon.currency", kind::null));

  auto tiered = create(R"({"code":")" + e2e::unique("tier") +
                       R"(","type":"tiered","tiers":[{"min_quantity":2,"percentage":10},
                          {"min_quantity":5,"percentage":25}]})");
  ASSERT_EQ(tiered.status, 201) << tiered.body;
  auto t = tiered.json();
  ASSERT_TRUE(json_expect::has_size(t, "data.coupon.tiers", 2));
  EXPECT_TRUE(at(t, "data.coupon.tiers[1].min_quantity", 5));
  EXPECT_TRUE(at(t, "data.coupon.tiers[1].percentage", 25));
}

TEST_F(coupon_admin_e2e, codes_are_case_insensitive_and_duplicates_are_refused) {
  auto code = e2e::unique("dup");
  auto first = create(R"({"code":")" + code + R"(","type":"percentage","value":5})");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_TRUE(at(first.json(), "data.coupon.code", upper(code)));

  auto again = create(R"({"code":")" + upper(code) + R"(","type":"percentage","value":7})");
  EXPECT_TRUE(error_envelope(again.status, again.body, 422, 1000));
  EXPECT_TRUE(says(again, "code " + upper(code) + " exists")) << again.body;

  auto slug = e2e::unique("slug");
  ASSERT_EQ(create(R"({"code":")" + e2e::unique("s1") + R"(","type":"free","sale_slug":")" + slug +
                   R"("})")
                .status,
            201);
  auto same_slug = create(R"({"code":")" + e2e::unique("s2") + R"(","type":"free","sale_slug":")" +
                          slug + R"("})");
  EXPECT_TRUE(error_envelope(same_slug.status, same_slug.body, 422, 1000));
  EXPECT_TRUE(says(same_slug, "sale_slug")) << same_slug.body;

  // The PATCH path matches in any case too.
  auto patched = patch(upper(code), R"({"active":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(at(patched.json(), "data.coupon.value", 5));  // the first one kept
  EXPECT_TRUE(at(patched.json(), "data.coupon.active", false));
}

TEST_F(coupon_admin_e2e, bad_input_is_422_naming_each_field) {
  struct bad {
    std::string body;
    std::vector<std::string> named;
  };
  auto code = R"("code":")" + e2e::unique("bad") + R"(",)";
  std::vector<bad> cases = {
      {R"({"type":"percentage","value":10})", {"code is required"}},
      {R"({"code":"has space","type":"percentage","value":10})", {"code must be"}},
      {R"({"code":")" + std::string(65, 'A') + R"(","type":"percentage","value":10})",
       {"code must be at most 64"}},
      {R"({"code":5,"type":"percentage","value":10})", {"code must be a string"}},
      {"{" + code + R"("type":"bogo","value":10})", {"type must be one of"}},
      {"{" + code + R"("type":"percentage","value":"10"})", {"value must be an integer"}},
      {"{" + code + R"("type":"percentage","value":101})",
       {"value must be an integer from 1 to 100"}},
      {"{" + code + R"("type":"percentage","value":0})", {"value must be"}},
      {"{" + code + R"("type":"percentage"})", {"value is required"}},
      {"{" + code + R"("type":"fixed","value":100})", {"currency is required"}},
      {"{" + code + R"("type":"fixed","value":0,"currency":"INR"})", {"value must be"}},
      {"{" + code + R"("type":"fixed","value":100,"currency":"inr"})", {"currency must be"}},
      {"{" + code + R"("type":"tiered"})", {"tiers is required"}},
      {"{" + code + R"("type":"tiered","tiers":[]})", {"tiers must not be empty"}},
      {"{" + code + R"("type":"tiered","tiers":{}})", {"tiers must be an array"}},
      {"{" + code +
           R"("type":"tiered","tiers":[{"min_quantity":0,"percentage":10},{"min_quantity":2,"percentage":"5"},3]})",
       {"tiers[0].min_quantity", "tiers[1].percentage", "tiers[2] must be an object"}},
      {"{" + code +
           R"("type":"tiered","tiers":[{"min_quantity":2,"percentage":10},{"min_quantity":2,"percentage":20}]})",
       {"tiers[1].min_quantity repeats"}},
      {"{" + code + R"("type":"percentage","value":10,"valid_from":"2026-11-22"})",
       {"valid_from must be an RFC 3339"}},
      {"{" + code + R"("type":"percentage","value":10,"valid_until":1795341600})",
       {"valid_until must be a string"}},
      {"{" + code +
           R"("type":"percentage","value":10,"valid_from":"2026-11-22T10:00:00Z","valid_until":"2026-11-22T10:00:00Z"})",
       {"valid_until must be after valid_from"}},
      {"{" + code + R"("type":"percentage","value":10,"usage_limit_per_user":0})",
       {"usage_limit_per_user must be"}},
      {"{" + code + R"("type":"percentage","value":10,"usage_limit_total":"5"})",
       {"usage_limit_total must be"}},
      {"{" + code + R"("type":"percentage","value":10,"max_discount":-1})",
       {"max_discount must be"}},
      {"{" + code + R"("type":"percentage","value":10,"min_order_value":1.5})",
       {"min_order_value must be"}},
      {"{" + code + R"("type":"percentage","value":10,"internship_ids":"i-1"})",
       {"internship_ids must be an array"}},
      {"{" + code + R"("type":"percentage","value":10,"internship_ids":["ok",7,""]})",
       {"internship_ids[1]", "internship_ids[2]"}},
      {"{" + code + R"("type":"percentage","value":10,"categories":[null]})", {"categories[0]"}},
      {"{" + code + R"("type":"percentage","value":10,"combinable":"yes"})",
       {"combinable must be a boolean"}},
      {"{" + code + R"("type":"percentage","value":10,"first_order_only":1})",
       {"first_order_only must be a boolean"}},
      {"{" + code + R"("type":"percentage","value":10,"sale_slug":""})", {"sale_slug must not"}},
      // Several problems are reported together.
      {R"({"code":"x y","type":"percentage","value":"ten","combinable":0})",
       {"code must be", "value must be", "combinable must be"}},
  };
  for (auto& c : cases) {
    auto r = create(c.body);
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << c.body;
    for (auto& text : c.named) EXPECT_TRUE(says(r, text)) << text << " in " << r.body;
  }
  for (auto body : {"{not json", "[1]"}) {
    auto r = create(body);
    EXPECT_TRUE(error_envelope(r.status, r.body, 400, 1000)) << body;
  }
}

TEST_F(coupon_admin_e2e, admin_role_is_required) {
  auto body = R"({"code":")" + e2e::unique("auth") + R"(","type":"percentage","value":10})";
  auto no_token = create(body, "");
  EXPECT_TRUE(error_envelope(no_token.status, no_token.body, 401, 1401));
  auto bad_token = create(body, "not.a.token");
  EXPECT_TRUE(error_envelope(bad_token.status, bad_token.body, 401, 1401));
  auto student = create(body, e2e::token_for("student"));
  EXPECT_TRUE(error_envelope(student.status, student.body, 403, 1403));
  auto student_patch = patch("ANY", R"({"active":false})", e2e::token_for("student"));
  EXPECT_TRUE(error_envelope(student_patch.status, student_patch.body, 403, 1403));
  auto anonymous_patch =
      call(srv->port(), "PATCH", "/api/v1/admin/coupons/ANY", R"({"active":false})");
  EXPECT_TRUE(error_envelope(anonymous_patch.status, anonymous_patch.body, 401, 1401));
  // Nothing was created by the refused request.
  EXPECT_EQ(create(body).status, 201);
}

TEST_F(coupon_admin_e2e, patch_changes_active_valid_until_and_usage_limit) {
  auto code = e2e::unique("patch");
  auto created = create(R"({"code":")" + code +
                        R"(","type":"percentage","value":15,"valid_from":"2026-01-01T00:00:00Z",
                            "usage_limit_per_user":2})");
  ASSERT_EQ(created.status, 201) << created.body;

  auto r = patch(code,
                 R"({"active":false,"valid_until":"2027-01-01T00:00:00Z","usage_limit_total":50})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_TRUE(at(d, "data.coupon.code", upper(code)));
  EXPECT_TRUE(at(d, "data.coupon.active", false));
  EXPECT_TRUE(at(d, "data.coupon.valid_until", "2027-01-01T00:00:00.000Z"));
  EXPECT_TRUE(at(d, "data.coupon.usage_limit_total", 50));
  // Untouched fields stay.
  EXPECT_TRUE(at(d, "data.coupon.value", 15));
  EXPECT_TRUE(at(d, "data.coupon.valid_from", "2026-01-01T00:00:00.000Z"));
  EXPECT_TRUE(at(d, "data.coupon.usage_limit_per_user", 2));

  // null clears; absent leaves alone.
  r = patch(code, R"({"valid_until":null,"usage_limit_total":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  d = r.json();
  EXPECT_TRUE(json_expect::is(d, "data.coupon.valid_until", kind::null));
  EXPECT_TRUE(json_expect::is(d, "data.coupon.usage_limit_total", kind::null));
  EXPECT_TRUE(at(d, "data.coupon.active", false));
  EXPECT_TRUE(at(d, "data.coupon.usage_limit_per_user", 2));

  r = patch(code, R"({"active":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(at(r.json(), "data.coupon.active", true));

  auto bad = patch(code, R"({"active":"no","valid_until":"tomorrow","usage_limit_total":0})");
  EXPECT_TRUE(error_envelope(bad.status, bad.body, 422, 1000));
  EXPECT_TRUE(says(bad, "active must be a boolean")) << bad.body;
  EXPECT_TRUE(says(bad, "valid_until must be an RFC 3339")) << bad.body;
  EXPECT_TRUE(says(bad, "usage_limit_total must be")) << bad.body;

  auto before_start = patch(code, R"({"valid_until":"2025-12-31T00:00:00Z"})");
  EXPECT_TRUE(error_envelope(before_start.status, before_start.body, 422, 1000));
  EXPECT_TRUE(says(before_start, "valid_until must be after valid_from")) << before_start.body;

  auto unknown = patch(e2e::unique("none"), R"({"active":false})");
  EXPECT_TRUE(error_envelope(unknown.status, unknown.body, 422, 1000));
  EXPECT_TRUE(says(unknown, "unknown coupon")) << unknown.body;
  auto malformed = patch(code, "{oops");
  EXPECT_TRUE(error_envelope(malformed.status, malformed.body, 400, 1000));
}

}  // namespace
