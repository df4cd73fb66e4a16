// coupon_store against the real PostgreSQL, in a freshly migrated schema.
#include <gtest/gtest.h>

#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "actors/coupon/coupon_store.hpp"
#include "actors/order/order_holds.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using persistence_test::scratch_schema;

class coupon_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = persistence::migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    conn = std::make_unique<pqxx::connection>(schema.url());
  }

  // Runs `f` in a committed transaction.
  template <class F>
  auto in_txn(F f) {
    pqxx::work w(*conn);
    auto r = f(w);
    w.commit();
    return r;
  }

  bool insert(const coupon& c) {
    return in_txn([&](pqxx::work& w) { return coupon_store::insert(w, c); });
  }
  std::optional<coupon> find(const std::string& code) {
    return in_txn([&](pqxx::work& w) { return coupon_store::find(w, code); });
  }

  // The smallest order rows a redemption can point at.
  std::string add_order(const std::string& user_id, const std::string& status) {
    return in_txn([&](pqxx::work& w) {
      auto cart = w.exec1(
                       "INSERT INTO carts (token, status, currency, state, expires_at) "
                       "VALUES (gen_random_uuid(), 'converted', 'INR', '{}', now()) "
                       "RETURNING token::text")[0]
                      .as<std::string>();
      return w
          .exec_params1(
              "INSERT INTO orders (token, user_id, cart_token, idempotency_key, status, currency, "
              "subtotal, discount_amount, tax_amount, total, pricing, expires_at) VALUES "
              "(gen_random_uuid(), $1, $2::uuid, gen_random_uuid()::text, $3, 'INR', 0, 0, 0, 0, "
              "'{}', now()) RETURNING token::text",
              user_id, cart, status)[0]
          .as<std::string>();
    });
  }
  // A use of `code` by the order, taken and then redeemed or released as the
  // placement, a capture and an expiry take and give them.
  void redeem(const std::string& code, const std::string& order, const std::string& user_id,
              const std::string& status) {
    in_txn([&](pqxx::work& w) {
      coupon c;
      c.code = code;
      EXPECT_FALSE(order_holds::hold_coupon(w, c, order, user_id)) << code;
      if (status == "redeemed") order_holds::finalize(w, order);
      if (status == "released") {
        order_record o;
        o.token = order;
        o.user_id = user_id;
        order_holds::release(w, o);
      }
      return 0;
    });
  }

  scratch_schema schema;
  std::unique_ptr<pqxx::connection> conn;
};

coupon everything() {
  coupon c;
  c.code = "big-sale_1";  // stored upper-case
  c.type = coupon_type::tiered;
  c.value = 0;
  c.currency = "USD";
  c.tiers = {{2, 10}, {5, 25}};
  c.max_discount = 5000;
  c.min_order_value = 1000;
  c.valid_from = 1'795'341'600'123'456;  // 2026-11-22T10:00:00.123456Z
  c.valid_until = 1'797'933'600'000'000;
  c.usage_limit_total = 100;
  c.usage_limit_per_user = 2;
  // Quotes, commas, braces and backslashes survive the array literal.
  c.internship_ids = {"i-1", "with \"quote\", comma", "{brace}\\"};
  c.categories = {"data", "design"};
  c.combinable = true;
  c.first_order_only = true;
  c.sale_slug = "black-friday";
  c.active = false;
  return c;
}

void expect_same(const coupon& got, const coupon& want) {
  EXPECT_EQ(got.code, normalize_code(want.code));
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.currency, want.currency);
  ASSERT_EQ(got.tiers.size(), want.tiers.size());
  for (size_t i = 0; i < got.tiers.size(); ++i) {
    EXPECT_EQ(got.tiers[i].min_quantity, want.tiers[i].min_quantity);
    EXPECT_EQ(got.tiers[i].percentage, want.tiers[i].percentage);
  }
  EXPECT_EQ(got.max_discount, want.max_discount);
  EXPECT_EQ(got.min_order_value, want.min_order_value);
  EXPECT_EQ(got.valid_from, want.valid_from);
  EXPECT_EQ(got.valid_until, want.valid_until);
  EXPECT_EQ(got.usage_limit_total, want.usage_limit_total);
  EXPECT_EQ(got.usage_limit_per_user, want.usage_limit_per_user);
  EXPECT_EQ(got.internship_ids, want.internship_ids);
  EXPECT_EQ(got.categories, want.categories);
  EXPECT_EQ(got.combinable, want.combinable);
  EXPECT_EQ(got.first_order_only, want.first_order_only);
  EXPECT_EQ(got.sale_slug, want.sale_slug);
  EXPECT_EQ(got.active, want.active);
}

TEST_F(coupon_store_test, every_field_round_trips_and_codes_match_in_any_case) {
  auto c = everything();
  ASSERT_TRUE(insert(c));
  auto got = find("BIG-SALE_1");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, c);
  ASSERT_TRUE(find(" big-Sale_1 ").has_value());
  auto by_slug =
      in_txn([](pqxx::work& w) { return coupon_store::find_by_sale_slug(w, "black-friday"); });
  ASSERT_TRUE(by_slug.has_value());
  EXPECT_EQ(by_slug->code, "BIG-SALE_1");
  EXPECT_FALSE(find("NOPE").has_value());
  EXPECT_FALSE(in_txn([](pqxx::work& w) { return coupon_store::find_by_sale_slug(w, "nope"); }));
  EXPECT_FALSE(in_txn([](pqxx::work& w) { return coupon_store::find_by_sale_slug(w, ""); }));
}

TEST_F(coupon_store_test, unset_fields_are_stored_as_null_and_read_back_as_none) {
  coupon c;
  c.code = "PLAIN";
  c.value = 15;
  ASSERT_TRUE(insert(c));
  auto got = find("plain");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, c);
  auto nulls = in_txn([](pqxx::work& w) {
    return w
        .exec1(
            "SELECT (currency IS NULL)::int + (max_discount IS NULL)::int + "
            "(min_order_value IS NULL)::int + (valid_from IS NULL)::int + "
            "(valid_until IS NULL)::int + (usage_limit_total IS NULL)::int + "
            "(usage_limit_per_user IS NULL)::int + (sale_slug IS NULL)::int "
            "FROM coupons WHERE code = 'PLAIN'")[0]
        .as<int>();
  });
  EXPECT_EQ(nulls, 8);
}

TEST_F(coupon_store_test, a_taken_code_or_sale_slug_is_refused_without_an_exception) {
  auto c = everything();
  ASSERT_TRUE(insert(c));
  auto same_code = c;
  same_code.code = "BIG-SALE_1";
  same_code.sale_slug = "another";
  EXPECT_FALSE(insert(same_code));
  auto same_slug = c;
  same_slug.code = "OTHER";
  EXPECT_FALSE(insert(same_slug));
  EXPECT_FALSE(find("OTHER").has_value());
  same_slug.sale_slug.clear();  // several coupons without a sale are fine
  EXPECT_TRUE(insert(same_slug));
  auto third = same_slug;
  third.code = "THIRD";
  EXPECT_TRUE(insert(third));
}

TEST_F(coupon_store_test, the_schema_refuses_what_the_api_would_never_store) {
  auto try_sql = [&](const std::string& sql) {
    try {
      pqxx::work w(*conn);
      w.exec0(sql);
      w.commit();
      return true;
    } catch (const pqxx::sql_error&) {
      return false;
    }
  };
  EXPECT_FALSE(
      try_sql("INSERT INTO coupons (code, type, value) VALUES ('lower', 'percentage', 5)"));
  EXPECT_FALSE(try_sql("INSERT INTO coupons (code, type, value) VALUES ('X', 'bogo', 5)"));
  EXPECT_FALSE(try_sql("INSERT INTO coupons (code, type, value) VALUES ('X', 'percentage', 101)"));
  EXPECT_FALSE(try_sql("INSERT INTO coupons (code, type, value) VALUES ('X', 'fixed', 500)"));
  EXPECT_TRUE(try_sql(
      "INSERT INTO coupons (code, type, value, currency) VALUES ('X', 'fixed', 500, 'INR')"));
}

TEST_F(coupon_store_test, patch_changes_only_what_it_names) {
  auto c = everything();
  c.valid_until = 0;
  ASSERT_TRUE(insert(c));
  auto patch = [&](const coupon_store::coupon_patch& p, const std::string& code = "big-sale_1") {
    return in_txn([&](pqxx::work& w) { return coupon_store::update(w, code, p); });
  };

  coupon_store::coupon_patch activate;
  activate.active = true;
  auto got = patch(activate);
  ASSERT_TRUE(got.has_value());
  c.active = true;
  expect_same(*got, c);

  coupon_store::coupon_patch end;
  end.valid_until_set = true;
  end.valid_until = 1'800'000'000'000'000;
  end.usage_limit_total_set = true;
  end.usage_limit_total = 7;
  got = patch(end);
  ASSERT_TRUE(got.has_value());
  c.valid_until = end.valid_until;
  c.usage_limit_total = 7;
  expect_same(*got, c);

  coupon_store::coupon_patch clear;
  clear.valid_until_set = true;
  clear.usage_limit_total_set = true;
  clear.active = false;
  got = patch(clear);
  ASSERT_TRUE(got.has_value());
  c.valid_until = 0;
  c.usage_limit_total = 0;
  c.active = false;
  expect_same(*got, c);
  expect_same(*find(c.code), c);

  coupon_store::coupon_patch nothing;
  got = patch(nothing);
  ASSERT_TRUE(got.has_value());
  expect_same(*got, c);

  EXPECT_FALSE(patch(activate, "UNKNOWN").has_value());
}

TEST_F(coupon_store_test, uses_count_held_and_redeemed_but_not_released) {
  coupon c;
  c.code = "COUNTED";
  c.value = 10;
  ASSERT_TRUE(insert(c));
  coupon other;
  other.code = "OTHER";
  other.value = 10;
  ASSERT_TRUE(insert(other));
  redeem("COUNTED", add_order("u1", "awaiting_payment"), "u1", "held");
  redeem("COUNTED", add_order("u1", "completed"), "u1", "redeemed");
  redeem("COUNTED", add_order("u1", "expired"), "u1", "released");
  redeem("COUNTED", add_order("u2", "paid"), "u2", "redeemed");
  redeem("OTHER", add_order("u1", "paid"), "u1", "redeemed");
  auto total = [&](const std::string& code) {
    return in_txn([&](pqxx::work& w) { return coupon_store::usage(w, code, "").total; });
  };
  auto by = [&](const std::string& code, const std::string& user) {
    return in_txn([&](pqxx::work& w) { return coupon_store::usage(w, code, user).by_user; });
  };
  EXPECT_EQ(total("COUNTED"), 3);
  EXPECT_EQ(total("counted"), 3);
  EXPECT_EQ(total("OTHER"), 1);
  EXPECT_EQ(total("NONE"), 0);
  EXPECT_EQ(by("COUNTED", "u1"), 2);
  EXPECT_EQ(by("counted", "u2"), 1);
  EXPECT_EQ(by("COUNTED", "u3"), 0);
  EXPECT_EQ(by("OTHER", "u2"), 0);
  EXPECT_EQ(by("COUNTED", ""), 0);
}

TEST_F(coupon_store_test, user_has_orders_counts_paid_completed_and_refunded_only) {
  // Both ways of asking: the placement's own and the rules' usage counts.
  auto has = [&](const std::string& user) {
    bool alone = in_txn([&](pqxx::work& w) { return coupon_store::user_has_orders(w, user); });
    bool counted =
        in_txn([&](pqxx::work& w) { return coupon_store::usage(w, "ANY", user).user_has_orders; });
    EXPECT_EQ(alone, counted) << user;
    return alone && counted;
  };
  add_order("waiting", "awaiting_payment");
  add_order("waiting", "failed");
  add_order("waiting", "expired");
  EXPECT_FALSE(has("waiting"));
  EXPECT_FALSE(has("nobody"));
  add_order("payer", "paid");
  add_order("finisher", "completed");
  add_order("refundee", "refunded");
  EXPECT_TRUE(has("payer"));
  EXPECT_TRUE(has("finisher"));
  EXPECT_TRUE(has("refundee"));
  EXPECT_FALSE(has(""));
}

// A hold takes one use against both limits and records the redemption, or
// names the limit that refused it; a refused hold's transaction is rolled
// back by its caller (the placement), so only taken holds count.
TEST_F(coupon_store_test, a_hold_takes_a_use_within_both_limits_or_names_the_one_reached) {
  coupon c;
  c.code = "HELD";
  c.value = 10;
  c.usage_limit_total = 2;
  c.usage_limit_per_user = 1;
  ASSERT_TRUE(insert(c));
  auto hold = [&](const std::string& user) {
    auto order = add_order(user, "awaiting_payment");
    pqxx::work w(*conn);
    auto why = order_holds::hold_coupon(w, c, order, user);
    if (!why) w.commit();
    return why.value_or("held");
  };
  EXPECT_EQ(hold("u1"), "held");
  EXPECT_EQ(hold("u1"), "usage limit per customer reached");
  EXPECT_EQ(hold("u2"), "held");
  EXPECT_EQ(hold("u3"), "usage limit reached");
  auto used = in_txn([&](pqxx::work& w) { return coupon_store::usage(w, "HELD", "u1"); });
  EXPECT_EQ(used.total, 2);
  EXPECT_EQ(used.by_user, 1);
  auto counter = in_txn([&](pqxx::work& w) {
    return w.exec1("SELECT uses_count FROM coupons WHERE code = 'HELD'")[0].as<int>();
  });
  EXPECT_EQ(counter, 2);
}

}  // namespace
