// The admin audit's pure parts (actors/audit/audit_log.hpp): the stable action
// names, what each change records, the listing's cursor and page, and how an
// entry is rendered.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <vector>

#include "actors/audit/audit_log.hpp"
#include "actors/catalog/catalog_cursor.hpp"

namespace checkout::audit {
namespace {

template <class F>
std::string rendered(F&& write) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  write(w);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

TEST(audit_log, action_names_are_stable_and_parse_back) {
  // Operators search the audit by these names: changing one is a breaking change.
  EXPECT_STREQ(to_string(action::internship_create), "internship.create");
  EXPECT_STREQ(to_string(action::internship_update), "internship.update");
  EXPECT_STREQ(to_string(action::coupon_create), "coupon.create");
  EXPECT_STREQ(to_string(action::coupon_update), "coupon.update");
  EXPECT_STREQ(to_string(action::order_refund), "order.refund");
  EXPECT_STREQ(to_string(action::dlq_replay), "dlq.replay");
  std::set<std::string> names;
  for (auto a : all_actions) {
    EXPECT_EQ(parse_action(to_string(a)), a);
    names.insert(to_string(a));
  }
  EXPECT_EQ(names.size(), std::size(all_actions));
  for (auto bad : {"", "unknown", "Internship.Create", "internship_create", "internship.create "})
    EXPECT_FALSE(parse_action(bad)) << bad;
}

TEST(audit_log, an_internship_created_records_its_fields) {
  internship i;
  i.id = "intern-1";
  i.title = "Data \"science\"";
  i.category = "data";
  i.price = 43176;
  i.currency = "INR";
  i.seats_total = 10;
  i.plans.push_back({{3, "month"}, 90000});
  i.active = false;
  EXPECT_EQ(created_detail(i),
            R"({"title":"Data \"science\"","category":"data","price":43176,"currency":"INR",)"
            R"("seats":10,"plans":[{"period":{"value":3,"unit":"month"},"price":90000}],)"
            R"("active":false})");
  i.seats_total.reset();
  i.plans.clear();
  EXPECT_NE(created_detail(i).find(R"("seats":null,"plans":[])"), std::string::npos);
}

TEST(audit_log, an_update_records_only_the_fields_sent) {
  EXPECT_EQ(updated_detail(internship_patch{}), "{}");
  internship_patch p;
  p.price = 500;
  EXPECT_EQ(updated_detail(p), R"({"price":500})");
  p.seats_set = true;  // sent as null: unlimited
  p.active = false;
  p.title = "New";
  EXPECT_EQ(updated_detail(p), R"({"price":500,"seats":null,"active":false,"title":"New"})");
  p.seats = 3;
  EXPECT_EQ(updated_detail(p), R"({"price":500,"seats":3,"active":false,"title":"New"})");

  coupon_store::coupon_patch c;
  EXPECT_EQ(updated_detail(c), "{}");
  c.active = false;
  c.usage_limit_total_set = true;  // null: no limit
  EXPECT_EQ(updated_detail(c), R"({"active":false,"usage_limit_total":null})");
  c.valid_until_set = true;
  c.valid_until = 1'700'000'000'000'000;
  c.usage_limit_total = 5;
  EXPECT_EQ(updated_detail(c),
            R"({"active":false,"valid_until":"2023-11-14T22:13:20.000Z","usage_limit_total":5})");
}

TEST(audit_log, a_coupon_created_records_its_rules) {
  coupon c;
  c.code = "SAVE10";
  c.type = coupon_type::fixed;
  c.value = 1000;
  c.currency = "INR";
  c.usage_limit_total = 5;
  c.internship_ids = {"a", "b"};
  c.sale_slug = "diwali";
  EXPECT_EQ(created_detail(c),
            R"({"type":"fixed","value":1000,"currency":"INR","max_discount":null,)"
            R"("min_order_value":null,"valid_from":null,"valid_until":null,)"
            R"("usage_limit_total":5,"usage_limit_per_user":null,"internship_ids":["a","b"],)"
            R"("categories":[],"combinable":false,"first_order_only":false,)"
            R"("sale_slug":"diwali","active":true})");
  coupon t;
  t.type = coupon_type::tiered;
  t.tiers = {{3, 10}, {5, 20}};
  EXPECT_NE(
      created_detail(t).find(
          R"("tiers":[{"min_quantity":3,"percentage":10},{"min_quantity":5,"percentage":20}])"),
      std::string::npos)
      << created_detail(t);
}

TEST(audit_log, refunds_and_replays_record_what_moved) {
  EXPECT_EQ(refund_detail("customer asked", "rfnd_1", 19796, "INR"),
            R"({"reason":"customer asked","refund_id":"rfnd_1","amount":19796,"currency":"INR"})");
  EXPECT_EQ(replay_detail("m-1", 100, {"m-1"}, ""),
            R"({"message_id":"m-1","replayed":1,"message_ids":["m-1"]})");
  EXPECT_EQ(replay_detail("", 50, {"a", "b"}, "connection lost"),
            R"({"limit":50,"replayed":2,"message_ids":["a","b"],"error":"connection lost"})");
  EXPECT_EQ(replay_target("m-1", "checkout.enrollment.dlq"), "m-1");
  EXPECT_EQ(replay_target("", "checkout.enrollment.dlq"), "checkout.enrollment.dlq");
}

TEST(audit_log, the_cursor_holds_the_last_id_of_a_page) {
  // base64url without padding of "v1:audit:42", spelled out so the test does
  // not trust encode().
  EXPECT_EQ(encode_cursor(42), "djE6YXVkaXQ6NDI");
  EXPECT_EQ(decode_cursor("djE6YXVkaXQ6NDI"), 42);
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(decode_cursor("djE6YXVkaXQ6OTIyMzM3MjAzNjg1NDc3NTgwNw"), max);
  for (std::int64_t id :
       {std::int64_t{1}, std::int64_t{9}, std::int64_t{10}, std::int64_t{123456789}, max})
    EXPECT_EQ(decode_cursor(encode_cursor(id)), id) << id;
}

TEST(audit_log, the_cursor_refuses_what_it_did_not_write) {
  for (auto bad : {
           "",
           "djE6YXVkaXQ6MA",                          // "v1:audit:0": ids start at 1
           "djE6YXVkaXQ6MDQy",                        // "v1:audit:042": not canonical
           "djE6YXVkaXQ6LTE",                         // "v1:audit:-1"
           "djE6YXVkaXQ6",                            // "v1:audit:": no id
           "djE6YXVkaXQ6OTIyMzM3MjAzNjg1NDc3NTgwOA",  // 2^63: beyond 64 bits
           "djE6YXVkaXQ6MTJh",                        // "v1:audit:12a"
           "djE6YXVkaXQ6IDQy",                        // "v1:audit: 42"
           "djE6QXVkaXQ6NDI",                         // "v1:Audit:42"
           "djE6NDI",                                 // "v1:42": no prefix
           "djE6YXVkaXQ6NDI=",                        // padding
           "not a cursor",
       })
    EXPECT_FALSE(decode_cursor(bad)) << bad;
  // Another listing's cursor is not an audit position.
  EXPECT_FALSE(decode_cursor(catalog_cursor::encode("42")));
  EXPECT_FALSE(decode_cursor(catalog_cursor::encode("intern-1")));
}

RC_GTEST_PROP(audit_log, every_positive_id_round_trips, ()) {
  auto id = *rc::gen::inRange<std::int64_t>(1, std::numeric_limits<std::int64_t>::max());
  RC_ASSERT(decode_cursor(encode_cursor(id)) == std::optional<std::int64_t>(id));
}

// Whatever a client sends, decoding never crashes, and a cursor that decodes
// is exactly the one the service writes for that id.
RC_GTEST_PROP(audit_log, decoding_is_canonical, (const std::string& text)) {
  if (auto id = decode_cursor(text)) {
    RC_ASSERT(*id > 0);
    RC_ASSERT(encode_cursor(*id) == text);
  }
}

std::vector<entry> rows(std::initializer_list<std::int64_t> ids) {
  std::vector<entry> out;
  for (auto id : ids) {
    entry e;
    e.id = id;
    out.push_back(e);
  }
  return out;
}

TEST(audit_log, a_page_continues_below_its_last_id) {
  auto full = cut_page(rows({9, 7, 4}), 2);  // read newest first with LIMIT 2 + 1
  ASSERT_EQ(full.entries.size(), 2u);
  EXPECT_EQ(full.entries[0].id, 9);
  EXPECT_EQ(full.entries[1].id, 7);
  EXPECT_EQ(full.next_after, 7);

  auto last = cut_page(rows({9, 7}), 2);
  EXPECT_EQ(last.entries.size(), 2u);
  EXPECT_EQ(last.next_after, std::nullopt);
  EXPECT_EQ(cut_page(rows({}), 2).next_after, std::nullopt);
}

TEST(audit_log, an_entry_renders_every_field_with_its_detail_as_json) {
  entry e;
  e.id = 12;
  e.at = 1'700'000'000'123'456;
  e.admin = "admin-7";
  e.action = "coupon.update";
  e.target = "SAVE10";
  e.correlation_id = "corr-1";
  e.detail = R"({"active": false})";
  EXPECT_EQ(rendered([&](json_writer& w) { write_entry(w, e); }),
            R"({"id":12,"at":"2023-11-14T22:13:20.123Z","admin":"admin-7",)"
            R"("action":"coupon.update","target":"SAVE10","correlation_id":"corr-1",)"
            R"("detail":{"active": false}})");
  // A row that is not an object (the table forbids it) cannot break the page.
  e.detail = "[1";
  EXPECT_NE(rendered([&](json_writer& w) { write_entry(w, e); }).find(R"("detail":{})"),
            std::string::npos);
}

TEST(audit_log, a_page_renders_its_entries_and_next_cursor) {
  page p;
  p.entries = rows({5});
  EXPECT_NE(rendered([&](json_writer& w) { write_page(w, p); }).find(R"("next_cursor":null)"),
            std::string::npos);
  p.next_after = 5;
  auto text = rendered([&](json_writer& w) { write_page(w, p); });
  EXPECT_NE(text.find(R"("entries":[{"id":5,)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("next_cursor":")" + encode_cursor(5) + "\""), std::string::npos) << text;
}

}  // namespace
}  // namespace checkout::audit
