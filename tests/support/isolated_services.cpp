// Gives each integration test process a PostgreSQL database and a RabbitMQ
// vhost of its own, created before the first test and dropped after the last,
// so suites running side by side neither see nor disturb each other's rows and
// queues, and never touch what scripts/run serves. The database is cloned from
// a template that scripts/test migrated once (much faster than migrating).
//
// scripts/lib/test_services.sh starts the test services and names them in
// CHECKOUT_TEST_*; the defaults below are the same, for running a suite by hand
// after `source scripts/lib/test_services.sh; prepare_test_services`.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

namespace http = boost::beast::http;

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

struct broker_api {
  std::string host = "127.0.0.1";
  std::string port = "15673";
  std::string user = "guest";
  std::string password = "guest";

  // One request to the management API; throws unless it answers 2xx.
  void request(http::verb verb, const std::string& target, const std::string& body) const {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    boost::beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(20));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, host);
    req.set(http::field::authorization, "Basic " + base64(user + ":" + password));
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    if (res.result_int() / 100 != 2)
      throw std::runtime_error("RabbitMQ management " + std::string(http::to_string(verb)) + " " +
                               target + ": " + std::to_string(res.result_int()) + " " + res.body());
  }

  static std::string base64(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(in.data()),
                             static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
};

// "http://host:port" → host and port.
broker_api api_from(const std::string& url) {
  broker_api api;
  auto rest = url.substr(url.find("//") == std::string::npos ? 0 : url.find("//") + 2);
  auto colon = rest.find(':');
  api.host = rest.substr(0, colon);
  if (colon != std::string::npos) api.port = rest.substr(colon + 1, rest.find('/') - colon - 1);
  return api;
}

class isolated_services : public ::testing::Environment {
 public:
  void SetUp() override {
    auto prefix = env_or("CHECKOUT_TEST_PREFIX", "ct_manual");
    std::mt19937_64 rng{std::random_device{}()};
    name_ = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(rng() % 1000000);
    admin_url_ = env_or("CHECKOUT_TEST_DATABASE_ADMIN_URL",
                        "postgresql://checkout_test:checkout_test@127.0.0.1:5432/postgres");
    auto template_db = env_or("CHECKOUT_TEST_DATABASE_TEMPLATE", "checkout_test_template");
    create_database(template_db);
    auto db_url = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
    api_ = api_from(env_or("CHECKOUT_TEST_BROKER_API", "http://127.0.0.1:15673"));
    api_.request(http::verb::put, "/api/vhosts/" + name_, "{}");
    vhost_created_ = true;
    api_.request(http::verb::put, "/api/permissions/" + name_ + "/" + api_.user,
                 R"({"configure":".*","write":".*","read":".*"})");
    auto broker = env_or("CHECKOUT_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5673");
    auto amqp_url = broker + "/" + name_;
    ::setenv("DATABASE_URL", db_url.c_str(), 1);
    ::setenv("AMQP_URL", amqp_url.c_str(), 1);
  }

  void TearDown() override {
    // Failures here are reported, never thrown: the tests' own verdict stands,
    // and scripts/test drops whatever a crashed process left by its prefix.
    if (vhost_created_) {
      try {
        api_.request(http::verb::delete_, "/api/vhosts/" + name_, {});
      } catch (const std::exception& e) {
        ADD_FAILURE() << "dropping vhost " << name_ << ": " << e.what();
      }
    }
    if (database_created_) {
      try {
        drop_database();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "dropping database " << name_ << ": " << e.what();
      }
    }
  }

 private:
  // A plain DROP ends autovacuum workers itself; FORCE also ends sessions a
  // killed checkoutd left half-closed, but may not end an autovacuum worker
  // (it runs as superuser), so the two take turns until one succeeds.
  void drop_database() {
    pqxx::connection c(admin_url_);
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::nontransaction t(c);
        t.exec0("DROP DATABASE IF EXISTS " + c.quote_name(name_) +
                (attempt % 2 ? " WITH (FORCE)" : ""));
        return;
      } catch (const pqxx::sql_error&) {
        if (attempt >= 40) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
  }

  void create_database(const std::string& template_db) {
    pqxx::connection c(admin_url_);
    // Cloning fails while another session is connected to the template (a
    // clone in another process starting at the same moment): try again.
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::nontransaction t(c);
        t.exec0("CREATE DATABASE " + c.quote_name(name_) + " TEMPLATE " +
                c.quote_name(template_db));
        database_created_ = true;
        return;
      } catch (const pqxx::sql_error& e) {
        if (attempt >= 50 || std::string(e.what()).find("being accessed") == std::string::npos)
          throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + attempt * 20));
      }
    }
  }

  std::string name_;
  std::string admin_url_;
  broker_api api_;
  bool database_created_ = false;
  bool vhost_created_ = false;
};

// Registered before main() runs, so it wraps every test of the executable.
[[maybe_unused]] auto* const registered =
    ::testing::AddGlobalTestEnvironment(new isolated_services);

}  // namespace
