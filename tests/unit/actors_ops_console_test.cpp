// The pure parts behind the operator console: the webhook results counted in
// checkout_webhooks_total (actors/webhook/webhook_results.hpp), the webhook
// listing's cursor, page and rendering (actors/webhook/webhook_log.hpp), and
// the gateways report (actors/payment/gateway_report.hpp).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

#include "actors/common/page_cursor.hpp"
#include "actors/payment/gateway_report.hpp"
#include "actors/webhook/webhook_log.hpp"
#include "actors/webhook/webhook_results.hpp"

namespace checkout {
namespace {

template <class F>
rapidjson::Document rendered(F&& write) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.StartObject();
  write(w);
  w.EndObject();
  rapidjson::Document d;
  d.Parse(buf.GetString(), buf.GetSize());
  EXPECT_FALSE(d.HasParseError());
  return d;
}

TEST(webhook_results, listed_values_count_as_themselves_anything_else_as_other) {
  std::set<std::string> seen;
  for (const char* r : webhook_results::all) {
    EXPECT_STREQ(webhook_results::counted(r), r);
    EXPECT_TRUE(seen.insert(r).second) << r << " listed twice";
  }
  EXPECT_STREQ(webhook_results::counted("applied"), "applied");
  EXPECT_STREQ(webhook_results::counted("deferred"), "other");
  EXPECT_STREQ(webhook_results::counted(""), "other");
  EXPECT_STREQ(webhook_results::counted("Applied"), "other");
}

TEST(webhook_log, a_cursor_round_trips_its_position_event_ids_with_colons_included) {
  webhook_log::position p{1763800000123456, "razorpay", "evt:with:colons"};
  auto back = webhook_log::decode_cursor(webhook_log::encode_cursor(p));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, p);
}

TEST(webhook_log, anything_but_its_own_canonical_cursor_is_refused) {
  using webhook_log::decode_cursor;
  EXPECT_FALSE(decode_cursor("not a cursor"));
  EXPECT_FALSE(decode_cursor(page_cursor::encode("audit:12")));              // another listing's
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:12:razorpay")));  // no event id
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:12::evt")));      // no gateway
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:012:razorpay:evt")));  // not canonical
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:0:razorpay:evt")));
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:-5:razorpay:evt")));
  EXPECT_FALSE(decode_cursor(page_cursor::encode("webhooks:99999999999999999999:razorpay:evt")));
  EXPECT_TRUE(decode_cursor(page_cursor::encode("webhooks:12:razorpay:evt")));
}

TEST(webhook_log, only_results_an_inbox_row_can_hold_filter) {
  EXPECT_TRUE(webhook_log::valid_result_filter("amount_mismatch"));
  EXPECT_TRUE(webhook_log::valid_result_filter("pending"));
  EXPECT_FALSE(webhook_log::valid_result_filter("duplicate"));  // a delivery's, not a row's
  EXPECT_FALSE(webhook_log::valid_result_filter("amount-mismatch"));
  EXPECT_FALSE(webhook_log::valid_result_filter(""));
}

webhook_log::entry row(micros at, std::string id, std::string order = {}) {
  return {"razorpay", std::move(id), "payment.captured", "applied", std::move(order), "cid", at};
}

TEST(webhook_log, a_page_is_cut_at_the_limit_and_continues_after_its_last_row) {
  auto p = webhook_log::cut_page({row(30, "c"), row(20, "b"), row(10, "a")}, 2);
  ASSERT_EQ(p.entries.size(), 2u);
  ASSERT_TRUE(p.next_after.has_value());
  EXPECT_EQ(*p.next_after, (webhook_log::position{20, "razorpay", "b"}));
  auto last = webhook_log::cut_page({row(10, "a")}, 2);
  EXPECT_EQ(last.entries.size(), 1u);
  EXPECT_FALSE(last.next_after.has_value());
}

TEST(webhook_log, a_page_renders_every_field_and_null_for_what_is_unknown) {
  auto p = webhook_log::cut_page(
      {row(1763800000000000, "evt_2"),
       row(1763799999000000, "evt_1", "0b7f3a8e-1c7e-4d43-9c1e-2b1f4c0a9d11")},
      1);
  auto d = rendered([&](json_writer& w) { webhook_log::write_page(w, p); });
  ASSERT_TRUE(d["webhooks"].IsArray());
  ASSERT_EQ(d["webhooks"].Size(), 1u);
  const auto& e = d["webhooks"][0];
  EXPECT_STREQ(e["gateway"].GetString(), "razorpay");
  EXPECT_STREQ(e["event_id"].GetString(), "evt_2");
  EXPECT_STREQ(e["event_type"].GetString(), "payment.captured");
  EXPECT_STREQ(e["result"].GetString(), "applied");
  EXPECT_TRUE(e["order_token"].IsNull());
  EXPECT_STREQ(e["correlation_id"].GetString(), "cid");
  EXPECT_STREQ(e["received_at"].GetString(), "2025-11-22T08:26:40.000Z");
  ASSERT_TRUE(d["next_cursor"].IsString());
  EXPECT_EQ(webhook_log::decode_cursor(d["next_cursor"].GetString()),
            (webhook_log::position{1763800000000000, "razorpay", "evt_2"}));
  auto rest = webhook_log::cut_page({row(1, "evt_1", "0b7f3a8e-1c7e-4d43-9c1e-2b1f4c0a9d11")}, 1);
  auto d2 = rendered([&](json_writer& w) { webhook_log::write_page(w, rest); });
  EXPECT_STREQ(d2["webhooks"][0]["order_token"].GetString(),
               "0b7f3a8e-1c7e-4d43-9c1e-2b1f4c0a9d11");
  EXPECT_TRUE(d2["next_cursor"].IsNull());
}

TEST(gateway_report, every_known_gateway_is_listed_with_its_breaker_when_enabled) {
  payment::gateway_status rzp{"razorpay", false, "open", 3, 1763800000000000};
  payment::gateway_status sandbox{"sandbox", true, "closed", 0, 0};
  auto rows = payment::gateway_report({sandbox, rzp}, "sandbox");
  ASSERT_EQ(rows.size(), 3u);
  auto d = rendered([&](json_writer& w) { payment::write_gateways(w, rows); });
  ASSERT_TRUE(d["gateways"].IsArray());
  std::map<std::string, const rapidjson::Value*> by_name;
  for (auto& g : d["gateways"].GetArray()) by_name[g["name"].GetString()] = &g;
  ASSERT_EQ(by_name.size(), 3u);
  const auto& r = *by_name["razorpay"];
  EXPECT_TRUE(r["enabled"].GetBool());
  EXPECT_FALSE(r["default"].GetBool());
  EXPECT_STREQ(r["breaker"]["state"].GetString(), "open");
  EXPECT_EQ(r["breaker"]["failures"].GetInt(), 3);
  EXPECT_FALSE(r["breaker"]["accepting"].GetBool());
  EXPECT_STREQ(r["breaker"]["opened_at"].GetString(), "2025-11-22T08:26:40.000Z");
  const auto& s = *by_name["sandbox"];
  EXPECT_TRUE(s["enabled"].GetBool());
  EXPECT_TRUE(s["default"].GetBool());
  EXPECT_STREQ(s["breaker"]["state"].GetString(), "closed");
  EXPECT_TRUE(s["breaker"]["opened_at"].IsNull());
  const auto& st = *by_name["stripe"];
  EXPECT_FALSE(st["enabled"].GetBool());
  EXPECT_FALSE(st["default"].GetBool());
  EXPECT_TRUE(st["breaker"].IsNull());
}

}  // namespace
}  // namespace checkout
