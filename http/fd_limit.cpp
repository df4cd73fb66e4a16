#include "http/fd_limit.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace checkout::http {
namespace {

// An unlimited hard limit cannot be the soft one: the kernel's nr_open is.
rlim_t kernel_ceiling() {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long n = 0;
  if (in >> n && n > 0) return static_cast<rlim_t>(n);
  return 1024 * 1024;
}

}  // namespace

std::uint64_t raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("cannot read RLIMIT_NOFILE: {}", std::strerror(errno));
    return 0;
  }
  rlim_t target = lim.rlim_max == RLIM_INFINITY ? kernel_ceiling() : lim.rlim_max;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < target) {
    rlimit raised{target, lim.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      spdlog::info("open files limit raised from {} to {}", lim.rlim_cur, target);
      lim.rlim_cur = target;
    } else {
      spdlog::warn("cannot raise the open files limit from {} to {}: {}", lim.rlim_cur, target,
                   std::strerror(errno));
    }
  }
  return lim.rlim_cur;
}

}  // namespace checkout::http
