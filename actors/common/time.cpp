#include "actors/common/time.hpp"

#include <cstdio>
#include <ctime>

namespace checkout {

micros now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string to_rfc3339(micros t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000000);
  int millis = static_cast<int>((t % 1000000) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace checkout
