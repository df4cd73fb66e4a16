// RFC 3339 timestamps, parse_rfc3339 (actors/common/rfc3339.hpp), checked
// against glibc's timegm. Input: a timestamp as a client sends it.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

#include "actors/common/rfc3339.hpp"
#include "actors/common/time.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

int number(const std::string& s, std::size_t pos, std::size_t n) {
  return std::stoi(s.substr(pos, n));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_rfc3339(text);
  if (parsed) {
    // Accepted text has the fixed-width date and time; the value is what
    // timegm makes of those fields, less the offset, plus the fraction.
    FUZZ_CHECK(text.size() >= 20);
    std::tm tm{};
    tm.tm_year = number(text, 0, 4) - 1900;
    tm.tm_mon = number(text, 5, 2) - 1;
    tm.tm_mday = number(text, 8, 2);
    tm.tm_hour = number(text, 11, 2);
    tm.tm_min = number(text, 14, 2);
    tm.tm_sec = number(text, 17, 2);
    const std::tm fields = tm;
    std::int64_t secs = timegm(&tm);
    // timegm normalises an impossible date (Feb 30) into another one.
    FUZZ_CHECK(tm.tm_mday == fields.tm_mday && tm.tm_mon == fields.tm_mon &&
               tm.tm_hour == fields.tm_hour);
    std::int64_t offset = 0;
    auto zone = text.find_first_of("Zz+-", 19);
    FUZZ_CHECK(zone != std::string::npos);
    if (text[zone] == '+' || text[zone] == '-') {
      FUZZ_CHECK(text.size() == zone + 6);
      offset = (number(text, zone + 1, 2) * 60 + number(text, zone + 4, 2)) * 60;
      if (text[zone] == '-') offset = -offset;
    } else {
      FUZZ_CHECK(text.size() == zone + 1);
    }
    std::int64_t fraction = 0;
    if (text[19] == '.') {
      auto digits = text.substr(20, zone - 20);
      FUZZ_CHECK(!digits.empty());
      digits.resize(6, '0');  // past microseconds is dropped
      fraction = std::stoll(digits);
    }
    FUZZ_CHECK(*parsed == (secs - offset) * 1000000 + fraction);

    // What the service prints (milliseconds, UTC) reads back to the same
    // instant, truncated to the millisecond (years 1970-9999: an offset can
    // carry 9999-12-31 into a year RFC 3339 cannot write).
    constexpr micros year_10000 = 253402300800LL * 1000000;
    if (*parsed >= 0 && *parsed < year_10000) {
      auto printed = to_rfc3339(*parsed);
      FUZZ_CHECK(parse_rfc3339(printed) == *parsed - *parsed % 1000);
    }
  }
  return 0;
}
