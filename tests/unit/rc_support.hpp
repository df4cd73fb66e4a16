// Running rapidcheck properties inside GoogleTest with a bounded number of
// cases (the suites must stay fast), reporting a counterexample as a failure.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <sstream>
#include <string>

namespace checkout::testing {

constexpr int cases_per_property = 300;

template <typename Property>
void check_property(Property&& property) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  auto params = rc::detail::configuration().testParams;
  params.maxSuccess = cases_per_property;
  const auto result = rc::detail::checkTestable(std::forward<Property>(property), metadata, params);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream out;
    rc::detail::printResultMessage(result, out);
    FAIL() << out.str();
  }
}

// rapidcheck scales integer ranges with the test size; these span the whole
// range from the first case on.
template <typename T>
rc::Gen<T> full_range(T min, T max_exclusive) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, max_exclusive));
}

}  // namespace checkout::testing
