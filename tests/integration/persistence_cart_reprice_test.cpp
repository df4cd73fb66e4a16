// (reprice_atom, cart_caller) through the cart directory against the real
// PostgreSQL (a schema of the test's own): every line takes the catalog's
// price of now, the change is stored with a new version before the answer,
// and a later read serves it. The order actor sends this after 409 5002.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "actors/cart/cart_directory.hpp"
#include "actors/cart/cart_store.hpp"
#include "actors/catalog/catalog_store.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "persistence/db_pool.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using persistence_test::scratch_schema;

constexpr auto timeout = std::chrono::seconds(10);

class cart_reprice : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = persistence::migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    conn = std::make_unique<pqxx::connection>(schema.url());
    ctx.cfg = std::make_shared<config::settings>();
    ctx.db = persistence::spawn_db_pool(sys, schema.url(), 2);
    carts = spawn_cart_directory(sys, ctx, 2);
    internship a;
    a.id = "a";
    a.title = "A";
    a.category = "web";
    a.price = 1000;
    a.currency = "INR";
    internship p = a;
    p.id = "p";
    p.price = 0;
    p.plans = {{{1, "month"}, 5000}, {{3, "month"}, 12000}};
    sql([&](pqxx::work& w) {
      catalog_store::insert(w, a);
      catalog_store::insert(w, p);
    });
  }
  void TearDown() override {
    self->send_exit(carts, caf::exit_reason::user_shutdown);
    self->send_exit(ctx.db, caf::exit_reason::user_shutdown);
  }

  template <class F>
  void sql(F f) {
    pqxx::work w(*conn);
    f(w);
    w.commit();
  }

  std::optional<cart_state> stored(const std::string& token) {
    pqxx::read_transaction t(*conn);
    return cart_store::load(t, token);
  }

  // The reply to `xs...` sent to the cart directory: a view, or the error's code.
  struct answer {
    std::optional<cart_view> view;
    errc code = errc::none;
  };
  template <class... Ts>
  answer ask(Ts... xs) {
    answer out;
    self->request(carts, timeout, std::move(xs)...)
        .receive([&](cart_view& v) { out.view = std::move(v); },
                 [&](caf::error& err) {
                   out.code = err.category() == checkout_error_category
                                  ? static_cast<errc>(err.code())
                                  : errc::internal;
                 });
    return out;
  }
  template <class... Ts>
  answer to_cart(const std::string& token, Ts... request) {
    return ask(token, std::move(request)...);
  }

  std::string create(const std::string& user_id) {
    cart_create_request req;
    req.user_id = user_id;
    req.products = {{"a", 1, std::nullopt}, {"p", 2, period{1, "month"}}};
    auto r = ask(create_atom::value, req);
    EXPECT_TRUE(r.view) << static_cast<int>(r.code);
    return r.view ? r.view->cart.token : std::string();
  }

  scratch_schema schema;
  std::unique_ptr<pqxx::connection> conn;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  caf::scoped_actor self{sys};
  actor_context ctx;
  cart_directory_actor carts;
};

TEST_F(cart_reprice, lines_take_todays_prices_stored_before_the_answer) {
  auto token = create("");
  ASSERT_FALSE(token.empty());
  auto before = stored(token);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->lines[0].unit_price, 1000);
  EXPECT_EQ(before->lines[1].unit_price, 5000);

  sql([](pqxx::work& w) {
    w.exec0("UPDATE internships SET price = 1500 WHERE id = 'a'");
    w.exec0(
        "UPDATE internships SET plans = '[{\"period\":{\"value\":1,\"unit\":\"month\"},"
        "\"price\":4500},{\"period\":{\"value\":3,\"unit\":\"month\"},\"price\":12000}]' "
        "WHERE id = 'p'");
  });
  // A read still shows the prices the lines were added at.
  auto got = to_cart(token, get_atom::value, cart_caller{});
  ASSERT_TRUE(got.view);
  EXPECT_EQ(got.view->totals.base_total, 1000 + 2 * 5000);

  auto r = to_cart(token, reprice_atom::value, cart_caller{});
  ASSERT_TRUE(r.view) << static_cast<int>(r.code);
  EXPECT_EQ(r.view->cart.lines[0].unit_price, 1500);
  EXPECT_EQ(r.view->cart.lines[1].unit_price, 4500);
  EXPECT_EQ(r.view->totals.base_total, 1500 + 2 * 4500);
  EXPECT_EQ(r.view->totals.total, r.view->totals.sub_total + r.view->totals.tax_total);
  EXPECT_EQ(r.view->cart.version, before->version + 1);

  auto after = stored(token);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->version, before->version + 1);
  EXPECT_EQ(after->lines[0].unit_price, 1500);
  EXPECT_EQ(after->lines[1].unit_price, 4500);
  EXPECT_EQ(after->lines[1].quantity, 2);

  auto again = to_cart(token, get_atom::value, cart_caller{});
  ASSERT_TRUE(again.view);
  EXPECT_EQ(again.view->totals.base_total, 1500 + 2 * 4500);
}

TEST_F(cart_reprice, follows_the_cart_rules_of_every_other_change) {
  auto mine = create("u1");
  ASSERT_FALSE(mine.empty());
  // Someone else's cart is not found, and nothing is written.
  auto before = stored(mine);
  EXPECT_EQ(to_cart(mine, reprice_atom::value, cart_caller{"u2"}).code, errc::cart_not_found);
  EXPECT_EQ(to_cart(mine, reprice_atom::value, cart_caller{}).code, errc::cart_not_found);
  EXPECT_EQ(stored(mine)->version, before->version);
  // An ordered (converted) cart is read-only, even when another process
  // converted it behind this actor's back.
  sql([&](pqxx::work& w) {
    w.exec_params0(
        "UPDATE carts SET status = 'converted', version = version + 1 WHERE token = $1::uuid",
        mine);
  });
  EXPECT_EQ(to_cart(mine, reprice_atom::value, cart_caller{"u1"}).code, errc::cart_converted);
  EXPECT_EQ(to_cart("not-a-token", reprice_atom::value, cart_caller{}).code, errc::cart_not_found);
}

}  // namespace
