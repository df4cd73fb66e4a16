#include "cluster_support.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace cluster {
namespace {

// Runs one function of scripts/lib/balancer.sh; throws with its output when
// it fails.
void balancer_sh(const std::string& call) {
  std::string cmd =
      "bash -c 'source \"" CHECKOUT_SOURCE_DIR "/scripts/lib/balancer.sh\" && " + call + "' 2>&1";
  std::string output;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + cmd);
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error(call + " failed: " + output);
}

std::string port_list(const std::vector<unsigned short>& ports) {
  std::string out;
  for (auto p : ports) out += " " + std::to_string(p);
  return out;
}

}  // namespace

balancer::balancer(const std::vector<unsigned short>& backends) {
  char tmpl[] = "/tmp/checkout-balancer-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  port_ = e2e::free_port();
  balancer_sh("balancer_config " + dir_ + " " + std::to_string(port_) + port_list(backends) +
              " && start_balancer " + dir_);
}

balancer::~balancer() {
  try {
    balancer_sh("stop_balancer " + dir_);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  if (std::getenv("CHECKOUT_CLUSTER_LOGS") != nullptr) {
    std::cerr << "balancer logs kept in " << dir_ << "\n";
    return;
  }
  std::string rm = "rm -rf '" + dir_ + "'";
  if (std::system(rm.c_str()) != 0) ADD_FAILURE() << rm << " failed";
}

void balancer::route_to(const std::vector<unsigned short>& backends) {
  balancer_sh("balancer_config " + dir_ + " " + std::to_string(port_) + port_list(backends) +
              " && reload_balancer " + dir_);
}

group::group(int size, const std::map<std::string, std::string>& env) {
  // CHECKOUT_CLUSTER_LOGS=<dir>: each instance's log in <dir>/instance-<i>.log,
  // and the balancer's directory kept, for a look after a failure.
  const char* logs = std::getenv("CHECKOUT_CLUSTER_LOGS");
  for (int i = 0; i < size; ++i) {
    e2e::server_options opts;
    if (logs != nullptr)
      opts.stderr_path = std::string(logs) + "/instance-" + std::to_string(i) + ".log";
    instances_.push_back(std::make_unique<e2e::server>(env, opts));
  }
  front_ = std::make_unique<balancer>(ports());
}

std::vector<unsigned short> group::ports() const {
  std::vector<unsigned short> out;
  for (auto& s : instances_) out.push_back(s->port());
  return out;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

}  // namespace cluster
