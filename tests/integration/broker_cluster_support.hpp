// The three-node RabbitMQ cluster of the test services (CHECKOUT_TEST_CLUSTER_*,
// exported by scripts/lib/test_services.sh): a vhost of the test's own on it,
// AMQP_URL lists for it, and stopping and starting its nodes. Never the demo's
// broker or the test broker the other suites share.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace broker_cluster {

// One node: its name for rabbitmqctl and its AMQP URL without a vhost.
struct node {
  std::string name;  // checkout-c1@localhost
  std::string url;   // amqp://guest:guest@127.0.0.1:5674
};

// The cluster's nodes in order; throws when the test services do not name them.
std::vector<node> nodes();

// rabbitmqctl addressing one node; the exit status and what it printed.
struct command_result {
  int status = -1;
  std::string output;
};
command_result rabbitmqctl(const node& n, const std::string& args);

// A vhost of the test's own on the cluster, deleted by the destructor (after
// starting any node the test left stopped).
class vhost {
 public:
  vhost();
  ~vhost();
  vhost(const vhost&) = delete;
  vhost& operator=(const vhost&) = delete;
  const std::string& name() const { return name_; }
  // AMQP_URL for the nodes with these indices (into nodes()), in this order.
  std::string url(const std::vector<int>& order) const;

 private:
  std::string name_;
};

// Whether a node takes connections on its AMQP port (its application runs).
bool serves(const node& n);

// stop_app / start_app of a node, waiting until its AMQP port is closed or
// open; false (with *error) when it did not happen within `limit`.
bool stop_node(const node& n, std::string* error,
               std::chrono::seconds limit = std::chrono::seconds(60));
bool start_node(const node& n, std::string* error,
                std::chrono::seconds limit = std::chrono::seconds(90));

// Which node each open connection of a client (its connection_name, e.g.
// "checkout outbox relay") in the vhost is on, as a node asks the cluster:
// client -> node names, one per connection.
std::map<std::string, std::vector<std::string>> connections(const node& ask,
                                                            const std::string& vhost,
                                                            std::string* error);

}  // namespace broker_cluster
