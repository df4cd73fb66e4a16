// The catalog listing's pure parts: the opaque cursor, `limit`, and cutting a
// keyset page (actors/catalog/catalog_cursor.hpp).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/catalog/catalog_cursor.hpp"

namespace checkout::catalog_cursor {
namespace {

// base64url without padding, spelled out so the test does not trust encode().
constexpr const char* v1_abc = "djE6YWJj";  // "v1:abc"

TEST(catalog_cursor, encodes_the_versioned_id_as_unpadded_base64url) {
  EXPECT_EQ(encode("abc"), v1_abc);
  EXPECT_EQ(encode("ab"), "djE6YWI");  // "v1:ab": one byte short of a group
  EXPECT_EQ(encode("a"), "djE6YQ");
  // Bytes that standard base64 would write as '+' and '/' come out as '-' and '_'.
  EXPECT_EQ(encode("\xfb\xff"), "djE6-_8");
}

TEST(catalog_cursor, round_trips_ids) {
  for (const std::string& id : std::vector<std::string>{
           "a", "ab", "abc", "intern-0a1b2c3d4e5f", "0b1c8f4e-7a1d-4b4c-9f6e-2d3c4b5a6978",
           "v1:nested", "with space", "stipendio-€-ü", "emoji-😀", std::string(64, 'x')}) {
    auto c = encode(id);
    EXPECT_EQ(
        c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << c;
    auto back = decode(c);
    ASSERT_TRUE(back) << id;
    EXPECT_EQ(*back, id);
  }
}

TEST(catalog_cursor, refuses_what_it_did_not_write) {
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode("djE6YWJj="));  // padding
  EXPECT_FALSE(decode("djE6 YWJj"));  // white space
  EXPECT_FALSE(decode("djE6+WJj"));   // standard base64 alphabet
  EXPECT_FALSE(decode("djE6YWJjZ"));  // length 1 mod 4 cannot be base64
  EXPECT_FALSE(decode("djE6YR"));     // "v1:a" with non-zero unused bits
  EXPECT_FALSE(decode("YWJj"));       // "abc": no version tag
  EXPECT_FALSE(decode("djI6YWJj"));   // "v2:abc": unknown version
  EXPECT_FALSE(decode("djE6"));       // "v1:": empty id
  EXPECT_FALSE(decode("djE6YQBi"));   // "v1:a\0b": NUL
  EXPECT_FALSE(decode("djE6_w"));     // "v1:\xff": not UTF-8
  EXPECT_FALSE(decode("not a cursor"));
  EXPECT_FALSE(decode(encode(std::string(max_cursor_length, 'x'))));  // too long
  EXPECT_TRUE(decode(v1_abc));
}

TEST(catalog_cursor, limit_is_an_integer_from_1_to_100) {
  EXPECT_EQ(parse_limit("1"), 1);
  EXPECT_EQ(parse_limit("20"), 20);
  EXPECT_EQ(parse_limit("100"), 100);
  EXPECT_EQ(parse_limit("007"), 7);
  for (auto bad : {"", "0", "00", "101", "1000", "-1", "+1", " 1", "1 ", "1.0", "1e2", "ten",
                   "0x10", "99999999999999999999"})
    EXPECT_FALSE(parse_limit(bad)) << bad;
  EXPECT_EQ(default_limit, 20);
  EXPECT_EQ(max_limit, 100);
}

TEST(catalog_cursor, valid_text_is_utf8_without_nul) {
  EXPECT_TRUE(valid_text(""));
  EXPECT_TRUE(valid_text("data science"));
  EXPECT_TRUE(valid_text("\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80"));  // ü € 😀
  EXPECT_FALSE(valid_text(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_text("\xff"));
  EXPECT_FALSE(valid_text("\x80"));              // a lone continuation byte
  EXPECT_FALSE(valid_text("\xc3"));              // cut short
  EXPECT_FALSE(valid_text("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_text("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(valid_text("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(valid_text("\xf4\x90\x80\x80"));  // U+110000
}

std::vector<internship> rows(std::initializer_list<const char*> ids) {
  std::vector<internship> out;
  for (auto id : ids) {
    internship i;
    i.id = id;
    out.push_back(i);
  }
  return out;
}

TEST(catalog_cursor, cut_page_keeps_limit_rows_and_continues_after_the_last) {
  auto full = rows({"a", "b", "c"});  // read with LIMIT 2 + 1
  EXPECT_EQ(cut_page(full, 2), std::optional<std::string>("b"));
  ASSERT_EQ(full.size(), 2u);
  EXPECT_EQ(full[1].id, "b");

  auto last = rows({"a", "b"});
  EXPECT_EQ(cut_page(last, 2), std::nullopt);
  EXPECT_EQ(last.size(), 2u);

  auto shorter = rows({"a"});
  EXPECT_EQ(cut_page(shorter, 2), std::nullopt);
  EXPECT_EQ(shorter.size(), 1u);

  auto none = rows({});
  EXPECT_EQ(cut_page(none, 2), std::nullopt);
}

// UTF-8 for a list of Unicode scalar values (no surrogates).
std::string utf8(const std::vector<std::uint32_t>& code_points) {
  std::string out;
  for (auto cp : code_points) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

RC_GTEST_PROP(catalog_cursor, every_text_id_round_trips, ()) {
  auto code_point = rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(1, 0x80),
                                   rc::gen::inRange<std::uint32_t>(0x80, 0xD800),
                                   rc::gen::inRange<std::uint32_t>(0xE000, 0x110000));
  auto id = utf8(*rc::gen::resize(
      60, rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(code_point))));
  RC_ASSERT(valid_text(id));
  RC_ASSERT(decode(encode(id)) == std::optional<std::string>(id));
}

// Any bytes: a cursor is only ever made of an id PostgreSQL can hold.
RC_GTEST_PROP(catalog_cursor, only_text_ids_decode, (const std::vector<unsigned char>& bytes)) {
  std::string id(bytes.begin(), bytes.end());
  RC_PRE(encode(id).size() <= max_cursor_length);
  auto back = decode(encode(id));
  RC_ASSERT(back.has_value() == (!id.empty() && valid_text(id)));
  if (back) RC_ASSERT(*back == id);
}

// Whatever a client sends, decoding never crashes, and a cursor that decodes
// is exactly the one the service writes for that id (one cursor per position).
RC_GTEST_PROP(catalog_cursor, decoding_is_canonical, (const std::string& text)) {
  if (auto id = decode(text)) RC_ASSERT(encode(*id) == text);
}

}  // namespace
}  // namespace checkout::catalog_cursor
