// CONTRACT §12 through the binary itself: a bad value of a setting, from the
// environment or from the `--config` file, stops start-up with a non-zero
// exit and a message on stderr naming the setting; the same settings without
// it are accepted. (Each setting's parsing: tests/unit/config_settings_test.cpp;
// production's refusals: e2e_owasp_forgery_test.cpp.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "e2e_support.hpp"

using namespace std::chrono_literals;

namespace {

// Runs checkoutd with exactly `env` and `args` until it exits, or kills it
// after 15 s: a binary that accepted its settings goes on to serve.
e2e::exit_result run(const std::map<std::string, std::string>& env,
                     std::vector<std::string> args = {}) {
  return e2e::run_to_exit(env, std::move(args), 15s);
}

// What a development instance of this test process would start with.
std::map<std::string, std::string> good_env() {
  return {{"CHECKOUT_ENV", "development"},
          {"CHECKOUT_LISTEN", "127.0.0.1:0"},
          {"DATABASE_URL", test_services::database_url()},
          {"AMQP_URL", test_services::amqp_url()},
          {"JWT_SECRET", e2e::jwt_signing_secret()},
          {"PAYMENT_GATEWAY", "sandbox"},
          {"LOG_LEVEL", "warn"}};
}

TEST(contract_settings, the_good_settings_are_accepted) {
  // --issue-token reads every setting, then prints a token and exits: the
  // settings the cases below spoil are accepted as they are.
  auto r = run(good_env(), {"--issue-token", "settings-check"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '.'), 2) << r.output;  // a JWT
}

TEST(contract_settings, a_bad_value_in_the_environment_stops_start_up_naming_it) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"CHECKOUT_LISTEN", "no-port-here"},
      {"AMQP_URL", "http://127.0.0.1:5673/"},
      // CONTRACT §14: a list of cluster nodes, checked at start-up as a whole.
      {"AMQP_URL", "amqp://guest:guest@127.0.0.1:5673,,amqp://guest:guest@127.0.0.1:5674"},
      {"AMQP_URL", "amqp://guest:guest@127.0.0.1:5673,127.0.0.1:5674"},
      {"PAYMENT_GATEWAY", "paypal"},
      {"RAZORPAY_API_BASE", "ftp://api.razorpay.com"},
      {"FX_RATES", "USD-INR=83"},
      {"ORDER_PAYMENT_TIMEOUT", "soon"},
      {"CART_TTL", "24 hours"},
      {"CART_CLEANUP_INTERVAL", "-15m"},
      {"ORDER_EXPIRY_SCAN_INTERVAL", "0s"},
      {"PAYMENT_SYNC_INTERVAL", "1y"},
      {"ALLOWED_REDIRECT_ORIGINS", "shop.example"},
      {"ACTOR_IDLE_TIMEOUT", "5"},
      {"ENROLLMENT_MAX_DELIVERIES", "0"},
      // CONTRACT §16: printed on every invoice, so checked (here its check character).
      {"SELLER_GSTIN", "29AAGCB7383J1Z5"},
      {"SAC_DEFAULT", "12345"},
  };
  for (const auto& [name, value] : cases) {
    auto env = good_env();
    env[name] = value;
    auto r = run(env);
    EXPECT_NE(r.code, -1) << name << "=" << value << ": it started";
    EXPECT_NE(r.code, 0) << name << "=" << value << ": " << r.output;
    EXPECT_NE(r.code, 127) << "checkoutd could not be run";
    EXPECT_NE(r.output.find(name), std::string::npos) << name << "=" << value << ": " << r.output;
  }
}

TEST(contract_settings, a_bad_value_in_the_config_file_stops_start_up_naming_it_and_the_file) {
  char path[] = "/tmp/checkoutd-settings-XXXXXX.toml";
  int fd = ::mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  ::close(fd);
  auto with_file = [&](const std::string& toml, std::vector<std::string> args) {
    std::ofstream(path) << toml;
    args.insert(args.begin(), {"--config", path});
    return run(good_env(), args);
  };
  // The good file is read and accepted (--issue-token exits after the settings).
  auto good = with_file("CART_TTL = \"2h\"\n", {"--issue-token", "settings-check"});
  auto bad = with_file("CART_TTL = \"two hours\"\n", {});
  ::unlink(path);
  EXPECT_EQ(good.code, 0) << good.output;
  EXPECT_NE(bad.code, -1) << "it started";
  EXPECT_NE(bad.code, 0) << bad.output;
  EXPECT_NE(bad.output.find("CART_TTL"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find(path), std::string::npos) << bad.output;
}

}  // namespace

// An orchestrator restarts a process that exits; one that hangs because its
// port is taken serves nobody and is never replaced.
TEST(contract_settings, a_port_in_use_ends_start_up_with_a_failure) {
  int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(taken, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len);
  auto env = good_env();
  env["CHECKOUT_LISTEN"] = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto r = run(env);
  ::close(taken);
  EXPECT_EQ(r.code, 1) << "-1: still running after 15 s\n" << r.output;
  EXPECT_NE(r.output.find("in use"), std::string::npos) << r.output;
}
