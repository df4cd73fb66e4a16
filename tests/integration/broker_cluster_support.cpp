#include "broker_cluster_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/service_url.hpp"
#include "support/test_services.hpp"

namespace broker_cluster {
namespace {

std::string required(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw std::runtime_error(std::string(name) +
                             " is not set: scripts/test starts the test cluster "
                             "(scripts/lib/test_services.sh: start_test_cluster)");
  return v;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

command_result run(const std::string& cmd) {
  command_result r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) r.output += buf;
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace

bool serves(const node& n) {
  auto a = test_services::address_of(n.url);
  return run("timeout 1 bash -c '>/dev/tcp/" + a.host + "/" + std::to_string(a.port) + "'")
             .status == 0;
}

std::vector<node> nodes() {
  auto names = split(required("CHECKOUT_TEST_CLUSTER_NODES"));
  auto urls = split(required("CHECKOUT_TEST_CLUSTER_URL"));
  if (names.size() != urls.size() || names.size() < 3)
    throw std::runtime_error("CHECKOUT_TEST_CLUSTER_NODES and _URL must name the same 3+ nodes");
  std::vector<node> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.push_back({names[i], urls[i]});
  return out;
}

command_result rabbitmqctl(const node& n, const std::string& args) {
  return run("rabbitmqctl -n '" + n.name + "' " + args);
}

vhost::vhost() {
  const char* prefix = std::getenv("CHECKOUT_TEST_PREFIX");
  std::mt19937_64 rng{std::random_device{}()};
  name_ = std::string(prefix != nullptr && *prefix ? prefix : "ct_manual") + "_cluster_" +
          std::to_string(::getpid()) + "_" + std::to_string(rng() % 1000000);
  auto first = nodes().front();
  for (auto args : {"-q add_vhost '" + name_ + "'",
                    "-q set_permissions -p '" + name_ + "' guest '.*' '.*' '.*'"}) {
    auto r = rabbitmqctl(first, args);
    if (r.status != 0) throw std::runtime_error("rabbitmqctl " + args + ": " + r.output);
  }
}

vhost::~vhost() {
  std::string error;
  for (const auto& n : nodes()) start_node(n, &error);
  auto r = rabbitmqctl(nodes().front(), "-q delete_vhost '" + name_ + "'");
  if (r.status != 0)
    std::fprintf(stderr, "vhost %s not deleted: %s\n", name_.c_str(), r.output.c_str());
}

std::string vhost::url(const std::vector<int>& order) const {
  auto all = nodes();
  std::string out;
  for (int i : order) out += (out.empty() ? "" : ",") + all.at(i).url + "/" + name_;
  return out;
}

bool stop_node(const node& n, std::string* error, std::chrono::seconds limit) {
  auto r = rabbitmqctl(n, "-q stop_app");
  if (r.status != 0) {
    *error = "rabbitmqctl stop_app " + n.name + ": " + r.output;
    return false;
  }
  if (test_services::eventually([&] { return !serves(n); }, limit)) return true;
  *error = n.name + " still serves AMQP after stop_app";
  return false;
}

bool start_node(const node& n, std::string* error, std::chrono::seconds limit) {
  if (serves(n)) return true;
  auto r = rabbitmqctl(n, "-q start_app");
  if (r.status != 0) {
    *error = "rabbitmqctl start_app " + n.name + ": " + r.output;
    return false;
  }
  if (test_services::eventually([&] { return serves(n); }, limit)) return true;
  *error = n.name + " does not serve AMQP after start_app";
  return false;
}

std::map<std::string, std::vector<std::string>> connections(const node& ask,
                                                            const std::string& vhost,
                                                            std::string* error) {
  std::map<std::string, std::vector<std::string>> out;
  auto r = rabbitmqctl(ask, "-s list_connections -p '" + vhost + "' pid client_properties");
  if (r.status != 0) {
    *error = "list_connections: " + r.output;
    return out;
  }
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    // The pid names the node: <checkout-c1@localhost.1700000000.1234.0>.
    auto open = line.find('<');
    auto at = line.find('@', open);
    auto dot = line.find('.', at);
    // client_properties holds {"connection_name","<name>",longstr}.
    auto key = line.find("connection_name");
    if (open == std::string::npos || at == std::string::npos || dot == std::string::npos ||
        key == std::string::npos)
      continue;
    auto begin = line.find('"', line.find(',', key)) + 1;
    auto end = line.find('"', begin);
    out[line.substr(begin, end - begin)].push_back(line.substr(open + 1, dot - open - 1));
  }
  return out;
}

}  // namespace broker_cluster
