// Idempotency-Key on POST /cart (CONTRACT §6 "honoured here too", the rules of
// §7) through the real binary: the first response replayed byte for byte on
// either path, a different body 6001, concurrent copies making one cart, and
// keys scoped per user (all guests share one scope).
#include <gtest/gtest.h>

#include <future>
#include <iostream>
#include <pqxx/pqxx>
#include <set>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using headers = std::vector<std::pair<std::string, std::string>>;

long long count(const std::string& sql, const std::string& param) {
  pqxx::connection c(test_services::database_url());
  pqxx::read_transaction t(c);
  return t.exec_params(sql, param)[0][0].as<long long>();
}

long long carts_of(const std::string& user_id) {
  return count("SELECT count(*) FROM carts WHERE user_id = $1", user_id);
}

// Guest carts holding `internship_id` (each test's internships are its own).
long long carts_holding(const std::string& internship_id) {
  return count(
      "SELECT count(*) FROM carts WHERE state->'lines' @> jsonb_build_array("
      "jsonb_build_object('internship_id', $1::text))",
      internship_id);
}

class cart_idempotency_e2e : public e2e::shared_server<cart_idempotency_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }

  e2e::shop shop{srv->port()};

  std::string internship() { return shop.internship(1000, "null", "c", {}, "idem-intern"); }

  static std::string products(const std::string& id, int quantity = 1) {
    return R"({"products":[{"internship_id":")" + id + R"(","quantity":)" +
           std::to_string(quantity) + "}]}";
  }

  static headers with_key(const std::string& key, const std::string& user_id = {}) {
    headers h{{"Idempotency-Key", key}};
    if (!user_id.empty()) h.push_back({"Authorization", "Bearer " + e2e::token_for(user_id)});
    return h;
  }

  static bool is_replay(const e2e::reply& r) {
    auto it = r.headers.find("idempotent-replayed");
    return it != r.headers.end() && it->second == "true";
  }

  // The error envelope, whether a retry may succeed (§7: 6002 yes, 6001 no),
  // and answered by this request rather than replayed.
  static void expect_refused(const e2e::reply& r, int status, int code, bool retryable) {
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, status, code));
    EXPECT_TRUE(json_expect::at(r.json(), "error.retryable", retryable));
    EXPECT_FALSE(is_replay(r)) << r.body;
  }

  static std::string token_of(const e2e::reply& r) {
    return json_expect::string_at(r.json(), "data.cart.token");
  }
};

TEST_F(cart_idempotency_e2e, a_guest_repeat_replays_the_first_response_on_either_path) {
  auto id = internship();
  auto key = e2e::unique("guest-key");
  auto body = products(id, 2);
  auto first = call(port(), "POST", "/api/v1/cart", body, with_key(key));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(is_replay(first));
  auto token = token_of(first);

  // The same JSON value with other white space is the same request, and the
  // seed's path is the same route.
  auto spaced = "{ \"products\" : [ { \"internship_id\" : \"" + id + "\", \"quantity\" : 2 } ] }";
  for (auto& [path, b] : {std::pair<std::string, std::string>{"/api/v1/cart", body},
                          {"/api-proxy/api/cart", body},
                          {"/api/v1/cart", spaced}}) {
    auto again = call(port(), "POST", path, b, with_key(key));
    EXPECT_EQ(again.status, 201) << path;
    EXPECT_EQ(again.body, first.body) << path << ": the first response, byte for byte";
    EXPECT_TRUE(is_replay(again)) << path;
  }
  EXPECT_EQ(carts_holding(id), 1);

  // Without a key, the same body makes another cart.
  auto keyless = call(port(), "POST", "/api/v1/cart", body);
  ASSERT_EQ(keyless.status, 201) << keyless.body;
  EXPECT_NE(token_of(keyless), token);
  EXPECT_FALSE(is_replay(keyless));
  EXPECT_EQ(carts_holding(id), 2);
}

TEST_F(cart_idempotency_e2e, a_different_body_under_the_key_is_6001_and_changes_nothing) {
  auto id = internship();
  auto user_id = e2e::unique("idem-user");
  auto key = e2e::unique("key");
  auto first = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, user_id));
  ASSERT_EQ(first.status, 201) << first.body;
  auto token = token_of(first);

  auto other = internship();
  for (auto& body : {products(id, 3), products(other),
                     products(id) + " ",  // white space only: the same request, see below
                     R"({"products":[{"internship_id":")" + id + R"("}],"device_id":"d"})"}) {
    auto r = call(port(), "POST", "/api/v1/cart", body, with_key(key, user_id));
    if (body == products(id) + " ") {
      EXPECT_TRUE(is_replay(r)) << r.body;
      continue;
    }
    expect_refused(r, 422, 6001, false);
  }
  auto got = call(port(), "GET", "/api/v1/cart/" + token, {},
                  {{"Authorization", "Bearer " + e2e::token_for(user_id)}});
  ASSERT_EQ(got.status, 200) << got.body;
  auto d = got.json();
  ASSERT_TRUE(json_expect::has_size(d, "data.cart.items", 1));
  EXPECT_TRUE(json_expect::at(d, "data.cart.items[0].quantity", 1));
  EXPECT_EQ(carts_of(user_id), 1);

  // The guests' shared scope checks the body the same way.
  auto guest_key = e2e::unique("guest-key");
  ASSERT_EQ(call(port(), "POST", "/api/v1/cart", products(id), with_key(guest_key)).status, 201);
  expect_refused(call(port(), "POST", "/api/v1/cart", products(other), with_key(guest_key)), 422,
                 6001, false);
}

TEST_F(cart_idempotency_e2e, twenty_concurrent_copies_make_one_cart) {
  auto id = internship();
  auto user_id = e2e::unique("idem-race");
  auto key = e2e::unique("race-key");
  std::vector<std::future<e2e::reply>> calls;
  for (int i = 0; i < 20; ++i)
    calls.push_back(std::async(std::launch::async, [&] {
      return call(port(), "POST", "/api/v1/cart", products(id), with_key(key, user_id));
    }));
  std::vector<e2e::reply> replies;
  for (auto& c : calls) replies.push_back(c.get());

  std::vector<std::string> firsts;  // answered by running the request
  int in_progress = 0;
  for (auto& r : replies) {
    if (r.status == 409) {
      expect_refused(r, 409, 6002, true);
      ++in_progress;
    } else if (!is_replay(r)) {
      EXPECT_EQ(r.status, 201) << r.body;
      firsts.push_back(r.body);
    }
  }
  ASSERT_EQ(firsts.size(), 1u) << "exactly one copy ran";
  for (auto& r : replies)
    if (is_replay(r)) {
      EXPECT_EQ(r.status, 201);
      EXPECT_EQ(r.body, firsts[0]);
    }
  EXPECT_EQ(carts_of(user_id), 1);
  auto token = token_of(e2e::reply{201, {}, firsts[0]});
  auto got = call(port(), "GET", "/api/v1/cart/" + token, {},
                  {{"Authorization", "Bearer " + e2e::token_for(user_id)}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(json_expect::has_size(got.json(), "data.cart.items", 1));
  EXPECT_TRUE(json_expect::at(got.json(), "data.cart.items[0].quantity", 1));
  // Once the first has answered, every copy is its replay.
  auto late = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, user_id));
  EXPECT_TRUE(is_replay(late));
  EXPECT_EQ(late.body, firsts[0]);
  std::cout << "[ info ] 20 copies: 1 ran, " << in_progress << " were 409 6002, "
            << 19 - in_progress << " replayed\n";
}

TEST_F(cart_idempotency_e2e, a_key_belongs_to_its_user) {
  auto id = internship();
  auto key = e2e::unique("shared-key");
  auto alice = e2e::unique("alice");
  auto bob = e2e::unique("bob");
  auto a = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, alice));
  ASSERT_EQ(a.status, 201) << a.body;
  // Bob's request under Alice's key is Bob's own: a cart of his, not her replay.
  auto b = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, bob));
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_FALSE(is_replay(b));
  auto a_token = token_of(a);
  auto b_token = token_of(b);
  EXPECT_NE(a_token, b_token);
  EXPECT_TRUE(json_expect::at(b.json(), "data.cart.user_id", bob));
  // Even with another body: the key is unused in Bob's scope.
  auto other = internship();
  auto carol = e2e::unique("carol");
  auto c = call(port(), "POST", "/api/v1/cart", products(other), with_key(key, carol));
  EXPECT_EQ(c.status, 201) << c.body;
  // A guest's use of the key is separate from every user's too.
  auto g = call(port(), "POST", "/api/v1/cart", products(id), with_key(key));
  ASSERT_EQ(g.status, 201) << g.body;
  EXPECT_FALSE(is_replay(g));
  EXPECT_TRUE(json_expect::is(g.json(), "data.cart.user_id", json_expect::kind::null));
  EXPECT_EQ(carts_of(alice), 1);
  EXPECT_EQ(carts_of(bob), 1);
  // And each user's repeat still replays their own first answer.
  auto a2 = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, alice));
  EXPECT_TRUE(is_replay(a2));
  EXPECT_EQ(a2.body, a.body);
  auto b2 = call(port(), "POST", "/api/v1/cart", products(id), with_key(key, bob));
  EXPECT_TRUE(is_replay(b2));
  EXPECT_EQ(b2.body, b.body);
}

TEST_F(cart_idempotency_e2e, a_refusal_is_kept_and_replayed_too) {
  // Only a 5xx releases the key; a 4xx answer is the request's answer.
  auto key = e2e::unique("refused");
  auto body = products(e2e::unique("no-such-internship"));
  auto first = call(port(), "POST", "/api/v1/cart", body, with_key(key));
  ASSERT_TRUE(json_expect::error_envelope(first.status, first.body, 422, 1101));
  auto again = call(port(), "POST", "/api/v1/cart", body, with_key(key));
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(again.body, first.body);
  EXPECT_TRUE(is_replay(again));
}

}  // namespace
