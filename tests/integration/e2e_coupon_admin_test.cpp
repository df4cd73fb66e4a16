// Coupon administration through the real binary (CONTRACT §4): creating each
// type, case-insensitive codes, duplicates, bad input, authorization, PATCH.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "e2e_support.hpp"

namespace {

using e2e::call;

using e2e::str;

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

  static void expect_error(const e2e::reply& r, int status, int code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto d = r.json();
    ASSERT_TRUE(d.IsObject()) << r.body;
    EXPECT_FALSE(d["success"].GetBool());
    EXPECT_EQ(d["error"]["code"].GetInt(), code) << r.body;
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
  EXPECT_TRUE(d["success"].GetBool());
  auto& c = d["data"]["coupon"];
  EXPECT_EQ(str(c, "code"), upper(code));
  EXPECT_EQ(str(c, "type"), "percentage");
  EXPECT_EQ(c["value"].GetInt64(), 20);
  EXPECT_EQ(str(c, "currency"), "INR");
  EXPECT_EQ(c["tiers"].Size(), 0u);
  EXPECT_EQ(c["max_discount"].GetInt64(), 50000);
  EXPECT_EQ(c["min_order_value"].GetInt64(), 100000);
  EXPECT_EQ(str(c, "valid_from"), "2026-11-22T10:00:00.000Z");
  EXPECT_EQ(str(c, "valid_until"), "2026-12-01T10:00:00.000Z");  // stored in UTC
  EXPECT_EQ(c["usage_limit_total"].GetInt64(), 100);
  EXPECT_EQ(c["usage_limit_per_user"].GetInt64(), 1);
  ASSERT_EQ(c["internship_ids"].Size(), 2u);
  EXPECT_EQ(std::string(c["internship_ids"][1].GetString()), "i-2");
  ASSERT_EQ(c["categories"].Size(), 1u);
  EXPECT_TRUE(c["combinable"].GetBool());
  EXPECT_TRUE(c["first_order_only"].GetBool());
  EXPECT_EQ(str(c, "sale_slug"), slug);
  EXPECT_TRUE(c["active"].GetBool());
}

TEST_F(coupon_admin_e2e, creates_fixed_free_and_tiered_coupons_with_nulls_for_unset_fields) {
  auto fixed = create(R"({"code":")" + e2e::unique("fix") +
                      R"(","type":"fixed","value":50000,"currency":"INR"})");
  ASSERT_EQ(fixed.status, 201) << fixed.body;
  auto f = fixed.json();
  auto& fc = f["data"]["coupon"];
  EXPECT_EQ(str(fc, "type"), "fixed");
  EXPECT_EQ(fc["value"].GetInt64(), 50000);
  for (auto key : {"max_discount", "min_order_value", "valid_from", "valid_until",
                   "usage_limit_total", "usage_limit_per_user", "sale_slug"})
    EXPECT_TRUE(fc[key].IsNull()) << key;
  EXPECT_FALSE(fc["combinable"].GetBool());
  EXPECT_FALSE(fc["first_order_only"].GetBool());

  // A free coupon ignores any value; it has no currency of its own.
  auto free = create(R"({"code":")" + e2e::unique("free") + R"(","type":"free","value":100})");
  ASSERT_EQ(free.status, 201) << free.body;
  auto fr = free.json();
  EXPECT_EQ(str(fr["data"]["coupon"], "type"), "free");
  EXPECT_EQ(fr["data"]["coupon"]["value"].GetInt64(), 0);
  EXPECT_TRUE(fr["data"]["coupon"]["currency"].IsNull());

  auto tiered = create(R"({"code":")" + e2e::unique("tier") +
                       R"(","type":"tiered","tiers":[{"min_quantity":2,"percentage":10},
                          {"min_quantity":5,"percentage":25}]})");
  ASSERT_EQ(tiered.status, 201) << tiered.body;
  auto t = tiered.json();
  auto& tiers = t["data"]["coupon"]["tiers"];
  ASSERT_EQ(tiers.Size(), 2u);
  EXPECT_EQ(tiers[1]["min_quantity"].GetInt(), 5);
  EXPECT_EQ(tiers[1]["percentage"].GetInt(), 25);
}

TEST_F(coupon_admin_e2e, codes_are_case_insensitive_and_duplicates_are_refused) {
  auto code = e2e::unique("dup");
  auto first = create(R"({"code":")" + code + R"(","type":"percentage","value":5})");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(str(first.json()["data"]["coupon"], "code"), upper(code));

  auto again = create(R"({"code":")" + upper(code) + R"(","type":"percentage","value":7})");
  expect_error(again, 422, 1000);
  EXPECT_TRUE(says(again, "code " + upper(code) + " exists")) << again.body;

  auto slug = e2e::unique("slug");
  ASSERT_EQ(create(R"({"code":")" + e2e::unique("s1") + R"(","type":"free","sale_slug":")" + slug +
                   R"("})")
                .status,
            201);
  auto same_slug = create(R"({"code":")" + e2e::unique("s2") + R"(","type":"free","sale_slug":")" +
                          slug + R"("})");
  expect_error(same_slug, 422, 1000);
  EXPECT_TRUE(says(same_slug, "sale_slug")) << same_slug.body;

  // The PATCH path matches in any case too.
  auto patched = patch(upper(code), R"({"active":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["data"]["coupon"]["value"].GetInt64(), 5);  // the first one kept
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
    expect_error(r, 422, 1000);
    for (auto& text : c.named) EXPECT_TRUE(says(r, text)) << text << " in " << r.body;
  }
  expect_error(create("{not json"), 400, 1000);
  expect_error(create("[1]"), 400, 1000);
}

TEST_F(coupon_admin_e2e, admin_role_is_required) {
  auto body = R"({"code":")" + e2e::unique("auth") + R"(","type":"percentage","value":10})";
  expect_error(create(body, ""), 401, 1401);
  expect_error(create(body, "not.a.token"), 401, 1401);
  expect_error(create(body, e2e::token_for("student")), 403, 1403);
  expect_error(patch("ANY", R"({"active":false})", e2e::token_for("student")), 403, 1403);
  expect_error(call(srv->port(), "PATCH", "/api/v1/admin/coupons/ANY", R"({"active":false})"), 401,
               1401);
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
  auto& c = d["data"]["coupon"];
  EXPECT_EQ(str(c, "code"), upper(code));
  EXPECT_FALSE(c["active"].GetBool());
  EXPECT_EQ(str(c, "valid_until"), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(c["usage_limit_total"].GetInt64(), 50);
  // Untouched fields stay.
  EXPECT_EQ(c["value"].GetInt64(), 15);
  EXPECT_EQ(str(c, "valid_from"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(c["usage_limit_per_user"].GetInt64(), 2);

  // null clears; absent leaves alone.
  r = patch(code, R"({"valid_until":null,"usage_limit_total":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  d = r.json();
  EXPECT_TRUE(d["data"]["coupon"]["valid_until"].IsNull());
  EXPECT_TRUE(d["data"]["coupon"]["usage_limit_total"].IsNull());
  EXPECT_FALSE(d["data"]["coupon"]["active"].GetBool());

  r = patch(code, R"({"active":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["data"]["coupon"]["active"].GetBool());

  auto bad = patch(code, R"({"active":"no","valid_until":"tomorrow","usage_limit_total":0})");
  expect_error(bad, 422, 1000);
  EXPECT_TRUE(says(bad, "active must be a boolean")) << bad.body;
  EXPECT_TRUE(says(bad, "valid_until must be an RFC 3339")) << bad.body;
  EXPECT_TRUE(says(bad, "usage_limit_total must be")) << bad.body;

  auto before_start = patch(code, R"({"valid_until":"2025-12-31T00:00:00Z"})");
  expect_error(before_start, 422, 1000);
  EXPECT_TRUE(says(before_start, "valid_until must be after valid_from")) << before_start.body;

  auto unknown = patch(e2e::unique("none"), R"({"active":false})");
  expect_error(unknown, 422, 1000);
  EXPECT_TRUE(says(unknown, "unknown coupon")) << unknown.body;
  expect_error(patch(code, "{oops"), 400, 1000);
}

}  // namespace
