// Several checkoutd instances behind nginx (CONTRACT §14): the balancer is
// the one scripts/cluster runs (scripts/lib/balancer.sh), round robin with no
// affinity, so every request of a suite may land on any instance.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace cluster {

// nginx on a loopback port of its own, in a directory of its own, in front of
// the given instance ports. The destructor stops it.
class balancer {
 public:
  explicit balancer(const std::vector<unsigned short>& backends);
  ~balancer();
  balancer(const balancer&) = delete;
  balancer& operator=(const balancer&) = delete;

  unsigned short port() const { return port_; }
  // Sends new requests to `backends` only (the others are taken out, as an
  // operator does before restarting them); requests in flight finish where
  // they are (nginx reloads gracefully).
  void route_to(const std::vector<unsigned short>& backends);

 private:
  std::string dir_;
  unsigned short port_ = 0;
};

// `size` instances sharing this test process's database and vhost, and the
// balancer in front of them.
class group {
 public:
  explicit group(int size, const std::map<std::string, std::string>& env = {});

  unsigned short port() const { return front_->port(); }  // the balancer's
  int size() const { return static_cast<int>(instances_.size()); }
  e2e::server& instance(int i) { return *instances_.at(static_cast<size_t>(i)); }
  std::vector<unsigned short> ports() const;
  balancer& front() { return *front_; }

 private:
  std::vector<std::unique_ptr<e2e::server>> instances_;
  std::unique_ptr<balancer> front_;
};

// Percentile `p` (0..100) of `values` (nearest rank); 0 for none.
double percentile(std::vector<double> values, double p);

}  // namespace cluster
