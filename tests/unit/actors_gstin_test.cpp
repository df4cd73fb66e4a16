// The GSTIN a buyer gives for a tax invoice (CONTRACT §16): format, state code, check character.
#include <gtest/gtest.h>

#include "actors/cart/gstin.hpp"

namespace checkout {
namespace {

TEST(Gstin, PublishedNumbersAreValid) {
  for (auto g : {"27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "33AAACH7409R1Z8", "24AAACC1206D1ZM"})
    EXPECT_EQ(gstin_problem(g), std::nullopt) << g;
}

TEST(Gstin, TheCheckCharacterIsComputedFromTheFirstFourteen) {
  EXPECT_EQ(gstin_check_char("27AAPFU0939F1Z"), 'V');
  EXPECT_EQ(gstin_check_char("29AAGCB7383J1Z"), '4');
  // One changed character anywhere changes the check.
  EXPECT_NE(gstin_check_char("27AAPFU0938F1Z"), 'V');
}

TEST(Gstin, EachRuleHasItsReason) {
  auto reason = [](const std::string& g) { return gstin_problem(g).value_or("valid"); };
  EXPECT_EQ(reason("27AAPFU0939F1Z"), "gstin must have 15 characters");
  EXPECT_EQ(reason("27aapfu0939f1zv"), "gstin must be upper-case letters and digits");
  EXPECT_EQ(reason("2XAAPFU0939F1ZV"), "gstin must start with a two-digit state code");
  EXPECT_EQ(reason("00AAPFU0939F1ZV"), "gstin starts with 00, which is no state code");
  EXPECT_EQ(reason("45AAPFU0939F1ZV"), "gstin starts with 45, which is no state code");
  EXPECT_NE(reason("27AAPF10939F1ZV").find("PAN"), std::string::npos);
  EXPECT_NE(reason("27AAPFUX939F1ZV").find("PAN"), std::string::npos);
  EXPECT_NE(reason("27AAPFU093911ZV").find("PAN"), std::string::npos);
  EXPECT_NE(reason("27AAPFU0939F0ZV").find("entity"), std::string::npos);
  EXPECT_EQ(reason("27AAPFU0939F1YV"), "gstin's 14th character must be Z");
  EXPECT_EQ(reason("27AAPFU0939F1ZW"), "gstin's check character does not match");
}

TEST(Gstin, OtherTerritoryAndLadakhAreStates) {
  for (auto prefix : {"38", "97", "01"}) {
    std::string g = std::string(prefix) + "AAPFU0939F1Z";
    g += gstin_check_char(g);
    EXPECT_EQ(gstin_problem(g), std::nullopt) << g;
  }
}

}  // namespace
}  // namespace checkout
