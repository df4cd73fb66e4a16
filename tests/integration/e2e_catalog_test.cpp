// Catalog listing end to end through the real binary: GET /api/v1/internships
// pages by id with an opaque cursor, filters by category, hides inactive
// internships from everyone but an admin who asks, and refuses bad parameters.
// The suite's tests share one database, so each test makes its own categories
// and ids of its own prefix (e2e::unique), and checks only those: what the
// other tests created cannot change what it sees.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

class catalog_e2e : public e2e::shared_server<catalog_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }
  e2e::shop shop{srv->port()};
  std::string admin = shop.admin;
  // This test's ids start with it.
  std::string prefix = e2e::unique("catalog");

  // Creates an internship and answers its id. Ids share this test's prefix and
  // end in random hex of one length, so every collation orders them like std::sort.
  std::string create(const std::string& category, bool active = true) {
    return shop.internship(1500, "5", category, active ? "" : R"(,"active":false)", prefix);
  }

  std::vector<std::string> create_many(const std::string& category, int n, bool active = true) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(create(category, active));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // Of `ids`, the ones this test made, in the order given.
  std::vector<std::string> mine(const std::vector<std::string>& ids) const {
    std::vector<std::string> out;
    for (auto& id : ids)
      if (id.compare(0, prefix.size() + 1, prefix + "-") == 0) out.push_back(id);
    return out;
  }

  e2e::reply list(const std::string& query, const std::string& token = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return call(port(), "GET", "/api/v1/internships" + query, {}, headers);
  }

  struct walk {
    std::vector<std::string> ids;
    std::vector<size_t> page_sizes;
    std::set<std::string> categories;
    bool all_active = true;
  };

  // Follows next_cursor from the first page to the one whose next_cursor is
  // null. `query` holds the other parameters ("category=...&limit=3").
  walk walk_pages(const std::string& query, size_t limit, const std::string& token = {}) {
    walk out;
    std::string cursor;
    for (int guard = 0; guard < 2000; ++guard) {
      auto r = list("?" + query + (cursor.empty() ? "" : "&cursor=" + cursor), token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto d = r.json();
      EXPECT_TRUE(json_expect::at(d, "success", true));
      if (auto listed = json_expect::is(d, "data.internships", json_expect::kind::array); !listed) {
        ADD_FAILURE() << listed.message();
        break;
      }
      auto& data = d["data"];
      auto& items = data["internships"];
      EXPECT_LE(items.Size(), limit) << r.body;
      out.page_sizes.push_back(items.Size());
      for (auto& item : items.GetArray()) {
        out.ids.push_back(json_expect::string_at(item, "id"));
        out.categories.insert(json_expect::string_at(item, "category"));
        EXPECT_TRUE(json_expect::is(item, "active", json_expect::kind::boolean));
        if (!json_expect::at(item, "active", true)) out.all_active = false;
      }
      if (json_expect::is(d, "data.next_cursor", json_expect::kind::null)) return out;
      // A page that promises more is full, and says where to go on.
      EXPECT_EQ(items.Size(), limit) << r.body;
      std::string next = json_expect::string_at(d, "data.next_cursor");
      if (next.empty() || next == cursor) {
        ADD_FAILURE() << "next_cursor did not move on: \"" << next << "\" in " << r.body;
        return out;
      }
      cursor = std::move(next);
    }
    ADD_FAILURE() << "next_cursor never became null";
    return out;
  }

  // 422 code 1000 with a validation message that starts with `parameter`.
  static void expect_invalid(const e2e::reply& r, const std::string& parameter) {
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 1000)) << parameter;
    auto d = r.json();
    auto messages = json_expect::is(d, "error.validation_messages", json_expect::kind::array);
    ASSERT_TRUE(messages);
    bool named = false;
    for (auto& m : d["error"]["validation_messages"].GetArray())
      if (m.IsString() && std::string(m.GetString()).rfind(parameter + " ", 0) == 0) named = true;
    EXPECT_TRUE(named) << parameter << " not named in " << r.body;
  }
};

TEST_F(catalog_e2e, pages_through_a_category_once_each_in_id_order) {
  auto category = e2e::unique("cat");
  auto other = e2e::unique("cat");
  auto ids = create_many(category, 7);
  auto hidden = create_many(category, 2, false);
  auto elsewhere = create_many(other, 2);

  // Page sizes that divide 7 exactly, leave a remainder, take one and take all.
  for (size_t limit : {1u, 2u, 3u, 7u, 8u, 100u}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    auto w = walk_pages("category=" + category + "&limit=" + std::to_string(limit), limit);
    EXPECT_EQ(w.ids, ids);  // each exactly once, in id order, nothing else
    EXPECT_EQ(w.categories, std::set<std::string>{category});
    EXPECT_TRUE(w.all_active);
    EXPECT_EQ(w.page_sizes.size(), (ids.size() + limit - 1) / limit);
  }

  auto w = walk_pages("category=" + other + "&limit=1", 1);
  EXPECT_EQ(w.ids, elsewhere);
}

TEST_F(catalog_e2e, items_have_the_shape_of_get_internship) {
  auto category = e2e::unique("cat");
  auto id = create(category);
  auto r = list("?category=" + category);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_TRUE(json_expect::at(d, "success", true));
  ASSERT_TRUE(json_expect::has_size(d, "data.internships", 1));
  EXPECT_TRUE(json_expect::is(d, "data.next_cursor", json_expect::kind::null));

  auto one = call(port(), "GET", "/api/v1/internships/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  auto o = one.json();
  ASSERT_TRUE(json_expect::is(o, "data.internship", json_expect::kind::object));
  EXPECT_EQ(to_json(d["data"]["internships"][0]), to_json(o["data"]["internship"]));
  EXPECT_TRUE(json_expect::at(d, "data.internships[0].id", id));
}

TEST_F(catalog_e2e, limit_defaults_to_20) {
  auto category = e2e::unique("cat");
  auto ids = create_many(category, 21);
  auto first = list("?category=" + category);
  ASSERT_EQ(first.status, 200) << first.body;
  auto d = first.json();
  EXPECT_TRUE(json_expect::has_size(d, "data.internships", 20));
  ASSERT_TRUE(json_expect::is(d, "data.next_cursor", json_expect::kind::string));
  auto rest = list("?category=" + category + "&cursor=" + d["data"]["next_cursor"].GetString());
  ASSERT_EQ(rest.status, 200) << rest.body;
  auto r = rest.json();
  ASSERT_TRUE(json_expect::has_size(r, "data.internships", 1));
  EXPECT_TRUE(json_expect::at(r, "data.internships[0].id", ids.back()));
  EXPECT_TRUE(json_expect::is(r, "data.next_cursor", json_expect::kind::null));
  // An empty value counts as absent.
  auto empty = list("?category=" + category + "&limit=&cursor=");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(json_expect::has_size(empty.json(), "data.internships", 20));
}

TEST_F(catalog_e2e, inactive_ones_are_listed_only_for_an_admin_who_asks) {
  auto category = e2e::unique("cat");
  auto active = create_many(category, 3);
  auto inactive = create_many(category, 2, false);
  std::vector<std::string> all = active;
  all.insert(all.end(), inactive.begin(), inactive.end());
  std::sort(all.begin(), all.end());

  auto q = "category=" + category + "&limit=2";
  EXPECT_EQ(walk_pages(q, 2).ids, active);
  // An admin sees only active ones too unless asking.
  EXPECT_EQ(walk_pages(q, 2, admin).ids, active);
  EXPECT_EQ(walk_pages(q + "&include_inactive=false", 2, admin).ids, active);
  auto everything = walk_pages(q + "&include_inactive=true", 2, admin);
  EXPECT_EQ(everything.ids, all);
  EXPECT_FALSE(everything.all_active);

  // Anyone else asking is refused rather than quietly shown the active ones.
  auto guest = list("?" + q + "&include_inactive=true");
  EXPECT_TRUE(json_expect::error_envelope(guest.status, guest.body, 401, 1401));
  auto user = list("?" + q + "&include_inactive=true", e2e::token_for(e2e::unique("student")));
  EXPECT_TRUE(json_expect::error_envelope(user.status, user.body, 403, 1403));
  expect_invalid(list("?" + q + "&include_inactive=yes", admin), "include_inactive");

  // Deactivating one takes it out of the public list at once.
  auto patched = call(port(), "PATCH", "/api/v1/admin/internships/" + active[1],
                      R"({"active":false})", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(walk_pages(q, 2).ids, (std::vector<std::string>{active[0], active[2]}));
}

TEST_F(catalog_e2e, without_a_category_every_active_internship_is_listed_once_in_order) {
  auto a = e2e::unique("cat");
  auto b = e2e::unique("cat");
  auto in_a = create_many(a, 2);
  auto in_b = create_many(b, 2);
  auto hidden = create(a, false);

  // The walk passes the other tests' internships too; of those only the
  // product's own promises are checked (each once, all active), never what
  // or how many they are.
  auto w = walk_pages("limit=100", 100);
  EXPECT_EQ(std::set<std::string>(w.ids.begin(), w.ids.end()).size(), w.ids.size())
      << "an id twice";
  EXPECT_TRUE(w.all_active);
  // This test's own: each active one exactly once, in id order, across both
  // categories; the inactive one not at all.
  std::vector<std::string> expected = in_a;
  expected.insert(expected.end(), in_b.begin(), in_b.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(mine(w.ids), expected);
  EXPECT_EQ(std::count(w.ids.begin(), w.ids.end(), hidden), 0);
}

TEST_F(catalog_e2e, bad_limit_or_cursor_is_422_naming_it) {
  auto category = e2e::unique("cat");
  create_many(category, 2);
  for (auto limit : {"0", "101", "-1", "+5", "1.5", "ten", "1e2", "99999999999999999999"}) {
    SCOPED_TRACE(limit);
    expect_invalid(list("?category=" + category + "&limit=" + limit), "limit");
  }
  for (auto cursor : {"garbage!", "djE6YWJj%3D", "YWJj", "djE6", "djE6YQBi", "djE6_w", "x"}) {
    SCOPED_TRACE(cursor);
    expect_invalid(list("?category=" + category + "&cursor=" + cursor), "cursor");
  }
  // Both at once: both named.
  auto both = list("?limit=0&cursor=%25%25");
  expect_invalid(both, "limit");
  expect_invalid(both, "cursor");

  // A cursor from a real page still works on the next request.
  auto first = list("?category=" + category + "&limit=1");
  ASSERT_EQ(first.status, 200) << first.body;
  std::string next = json_expect::string_at(first.json(), "data.next_cursor");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(list("?category=" + category + "&limit=1&cursor=" + next).status, 200);
}

TEST_F(catalog_e2e, a_category_that_is_not_text_is_422_not_a_database_error) {
  expect_invalid(list("?category=%FF"), "category");
  expect_invalid(list("?category=a%00b"), "category");
  expect_invalid(list("?category=" + std::string(101, 'c')), "category");
  auto none = list("?category=" + e2e::unique("cat"));
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(json_expect::has_size(none.json(), "data.internships", 0));
  EXPECT_TRUE(json_expect::is(none.json(), "data.next_cursor", json_expect::kind::null));
}

}  // namespace
