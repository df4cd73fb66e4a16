// Request-body parsing: malformed JSON, field types, ranges and messages.
#include <gtest/gtest.h>

#include "actors/errors.hpp"
#include "http/json_fields.hpp"

namespace checkout::http {
namespace {

std::vector<std::string> messages(const caf::error& err) {
  return describe(err).validation_messages;
}

rapidjson::Document doc(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

TEST(HttpParseObject, AcceptsAnObject) {
  auto p = parse_object(R"({"a":1})");
  ASSERT_FALSE(p.error);
  ASSERT_TRUE(p.doc);
  EXPECT_TRUE(p.doc->IsObject());
}

TEST(HttpParseObject, RejectsMalformedAndNonObjects) {
  for (const char* body :
       {"", "{", "[1,2]", "\"text\"", "42", "null", "{\"a\":1} trailing", "{'a':1}", "{\"a\":}"}) {
    auto p = parse_object(body);
    EXPECT_FALSE(p.doc) << body;
    ASSERT_TRUE(p.error) << body;
    auto v = describe(p.error);
    EXPECT_EQ(v.status, 400) << body;
    EXPECT_EQ(v.code, 1000) << body;
  }
}

TEST(HttpParseObject, RejectsInvalidUtf8) {
  auto p = parse_object("{\"a\":\"\xff\xfe\"}");
  EXPECT_TRUE(p.error);
}

TEST(HttpParseObject, RejectsDeepNestingWithoutRecursing) {
  std::string body = "{\"a\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  auto p = parse_object(body);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(describe(p.error).status, 400);
  // Brackets inside strings do not count.
  auto ok = parse_object("{\"a\":\"" + std::string(200, '[') + "\"}");
  EXPECT_FALSE(ok.error);
}

TEST(HttpFields, ReadsValidFields) {
  auto d = doc(R"({"title":"Intro","quantity":3,"active":true,"note":null,"seats":null,
                   "plans":[{"price":10}],"meta":{"k":"v"},"unknown":"ignored"})");
  fields f(d);
  EXPECT_EQ(f.str("title"), "Intro");
  EXPECT_EQ(f.integer("quantity", 1, 100), 3);
  EXPECT_EQ(f.opt_bool("active"), std::optional<bool>(true));
  EXPECT_EQ(f.opt_str("note"), std::nullopt);
  EXPECT_EQ(f.opt_str("absent"), std::nullopt);
  EXPECT_EQ(f.opt_integer("absent", 0, 10), std::nullopt);
  EXPECT_TRUE(f.is_null("seats"));
  EXPECT_FALSE(f.is_null("title"));
  EXPECT_FALSE(f.is_null("absent"));
  EXPECT_TRUE(f.has("seats"));
  EXPECT_FALSE(f.has("absent"));
  ASSERT_NE(f.array("plans", true), nullptr);
  EXPECT_EQ(f.array("plans", true)->Size(), 1u);
  ASSERT_NE(f.object("meta", false), nullptr);
  EXPECT_NE(f.any("meta"), nullptr);
  EXPECT_EQ(f.any("absent"), nullptr);
  EXPECT_TRUE(f.ok());
  EXPECT_FALSE(f.error());
}

TEST(HttpFields, IntegersMustBeJsonIntegersInRange) {
  for (const char* body :
       {R"({"quantity":1.5})", R"({"quantity":"1"})", R"({"quantity":true})", R"({"quantity":1.0})",
        R"({"quantity":0})", R"({"quantity":101})", R"({"quantity":[1]})", R"({"quantity":1e2})",
        R"({"quantity":18446744073709551615})"}) {
    auto d = doc(body);
    fields f(d);
    f.integer("quantity", 1, 100);
    ASSERT_FALSE(f.ok()) << body;
    auto err = f.error();
    auto v = describe(err);
    EXPECT_EQ(v.status, 422) << body;
    EXPECT_EQ(v.code, 1000) << body;
    EXPECT_EQ(messages(err), std::vector<std::string>{"quantity must be an integer from 1 to 100"})
        << body;
  }
}

TEST(HttpFields, IntegerBoundsAreInclusive) {
  auto d = doc(R"({"a":1,"b":100,"c":-5})");
  fields f(d);
  EXPECT_EQ(f.integer("a", 1, 100), 1);
  EXPECT_EQ(f.integer("b", 1, 100), 100);
  EXPECT_EQ(f.opt_integer("c", -5, 5), std::optional<std::int64_t>(-5));
  EXPECT_TRUE(f.ok());
}

TEST(HttpFields, OpenRangesReadNaturally) {
  auto d = doc(R"({"price":-1})");
  fields f(d);
  f.integer("price", 0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(messages(f.error()),
            std::vector<std::string>{"price must be an integer of at least 0"});
}

TEST(HttpFields, RequiredAndTypeMessagesNameTheField) {
  auto d = doc(R"({"category":5,"empty":"","active":"yes","plans":{},"meta":[],"long":"abcdef"})");
  fields f(d);
  f.str("title");
  f.str("category");
  f.str("empty");
  f.opt_bool("active");
  f.array("plans", false);
  f.object("meta", false);
  f.array("products", true);
  f.integer("quantity", 1, 100);
  f.opt_str("long", 5);
  EXPECT_EQ(messages(f.error()), (std::vector<std::string>{
                                     "title is required",
                                     "category must be a string",
                                     "empty must not be empty",
                                     "active must be a boolean",
                                     "plans must be an array",
                                     "meta must be an object",
                                     "products is required",
                                     "quantity is required",
                                     "long must be at most 5 characters",
                                 }));
}

TEST(HttpFields, LengthCountsCharactersNotBytes) {
  auto d = doc("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}");  // three é, six bytes
  fields f(d);
  EXPECT_TRUE(f.opt_str("name", 3).has_value());
  EXPECT_TRUE(f.ok());
}

TEST(HttpFields, NestedReadersShareProblemsAndPrefix) {
  auto d = doc(R"({"products":[{"internship_id":"a","quantity":2},{"quantity":0},7]})");
  fields f(d);
  const auto* products = f.array("products", true);
  ASSERT_NE(products, nullptr);
  for (rapidjson::SizeType i = 0; i < products->Size(); ++i) {
    auto item = f.nested((*products)[i], "products[" + std::to_string(i) + "]");
    item.str("internship_id");
    item.opt_integer("quantity", 1, 100);
  }
  EXPECT_EQ(messages(f.error()), (std::vector<std::string>{
                                     "products[1].internship_id is required",
                                     "products[1].quantity must be an integer from 1 to 100",
                                     "products[2] must be an object",
                                 }));
}

TEST(HttpFields, NestedPrefixesCompose) {
  auto d = doc(R"({"plan":{"period":{"value":"x"}}})");
  fields f(d);
  auto plan = f.nested(*f.object("plan", true), "plan");
  auto period = plan.nested(*plan.object("period", true), "period");
  period.integer("value", 1, 12);
  EXPECT_EQ(messages(f.error()),
            std::vector<std::string>{"plan.period.value must be an integer from 1 to 12"});
}

TEST(HttpFields, AddProblem) {
  auto d = doc("{}");
  fields f(d);
  EXPECT_TRUE(f.ok());
  f.add_problem("coupon and sale_slug cannot both be set");
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(messages(f.error()),
            std::vector<std::string>{"coupon and sale_slug cannot both be set"});
}

}  // namespace
}  // namespace checkout::http
