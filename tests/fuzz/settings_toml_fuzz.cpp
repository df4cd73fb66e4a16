// The settings file: config::load(FILE, {}, false) on a TOML file holding the
// input, as `checkoutd --config FILE` reads it (toml++ compiled in, so the
// fuzzer sees its parser too). Input: a TOML file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/settings.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

// The "file" is an in-memory one (memfd), rewritten for every input and named
// by its /proc/self/fd path: a file on disk rewritten thousands of times a
// second makes the fuzzer wait for the disk.
int config_fd() {
  static const int fd = memfd_create("checkout-fuzz.toml", 0);
  FUZZ_CHECK(fd >= 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = config_fd();
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  auto r = config::load(path, {}, false);
  FUZZ_CHECK(r.value.has_value() == r.error.empty());
  return 0;
}
