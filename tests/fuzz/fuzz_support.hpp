// Shared by the libFuzzer targets of tests/fuzz: splitting an input into the
// parts a target needs, and a check that crashes (so libFuzzer records the
// input) when a property of the code under test does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace checkout::fuzz {

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Takes the text up to the first '\n' (without it) off the front of `in`; all of
// `in` when it has no newline. Seed files stay readable: one header per line,
// then the body.
inline std::string take_line(std::string_view& in) {
  auto nl = in.find('\n');
  std::string line(in.substr(0, nl));
  in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  return line;
}

inline std::vector<std::string> lines(std::string_view in) {
  std::vector<std::string> out;
  while (!in.empty()) out.push_back(take_line(in));
  return out;
}

}  // namespace checkout::fuzz
