#include "e2e_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>

#include "actors/common/ids.hpp"
#include "actors/webhook/razorpay_webhook.hpp"
#include "http/auth.hpp"

extern char** environ;

namespace e2e {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

// Test settings shared by every server and by the helpers below.
const std::string jwt_secret = "e2e-jwt-secret-0123456789";
const std::string rzp_secret = "e2e-razorpay-webhook-secret";
// Used by suites that enable Stripe (its webhook secret is required with its key).
const std::string stripe_secret = "whsec_e2e_default_stripe_secret";

std::string binary() {
  if (const char* b = std::getenv("CHECKOUTD_BIN")) return b;
  return CHECKOUTD_DEFAULT_BIN;
}

}  // namespace

exit_result run_to_exit(const std::map<std::string, std::string>& env,
                        std::vector<std::string> args, std::chrono::milliseconds limit) {
  char path[] = "/tmp/checkoutd-run-XXXXXX";
  int fd = ::mkstemp(path);
  std::vector<std::string> flat;
  for (const auto& [k, v] : env) flat.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : flat) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = binary();
  std::vector<char*> argv{bin.data()};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fd);
  exit_result out;
  int status = 0;
  if (!eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, limit)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  } else if (WIFEXITED(status)) {
    out.code = WEXITSTATUS(status);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  out.output = text.str();
  ::unlink(path);
  return out;
}

rapidjson::Document reply::json() const {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  return d;
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

reply call(unsigned short port, const std::string& method, const std::string& target,
           const std::string& body,
           const std::vector<std::pair<std::string, std::string>>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(15));
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  bhttp::read(stream, buf, parser);
  auto res = parser.release();
  reply out;
  out.status = static_cast<int>(res.result_int());
  for (auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  return out;
}

server::server(std::map<std::string, std::string> env) : env_(std::move(env)) {
  port_ = free_port();
  start();
}

server::server(std::map<std::string, std::string> env, server_options opts)
    : env_(std::move(env)), opts_(std::move(opts)) {
  port_ = free_port();
  start();
}

server::~server() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    ::usleep(50 * 1000);
  }
  kill_hard();
}

void server::start() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  vars["CHECKOUT_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
  // The binary alone is production; tests are development with their own secrets.
  vars["CHECKOUT_ENV"] = "development";
  vars["JWT_SECRET"] = jwt_secret;
  vars["RAZORPAY_WEBHOOK_SECRET"] = rzp_secret;
  vars["STRIPE_WEBHOOK_SECRET"] = stripe_secret;
  vars["PAYMENT_GATEWAY"] = "sandbox";
  vars["LOG_LEVEL"] = "warn";
  // Every suite talks from 127.0.0.1 as fast as it can; the limits have
  // suites of their own that turn them on (e2e_owasp_limits_test.cpp).
  vars["RATE_LIMIT_IP"] = "0";
  vars["RATE_LIMIT_USER"] = "0";
  vars["COUPON_ATTEMPTS_PER_CART"] = "0";
  vars["MAX_OPEN_ORDERS_PER_USER"] = "0";
  for (auto& [k, v] : env_) vars[k] = v;
  std::vector<std::string> flat;
  for (auto& [k, v] : vars) flat.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : flat) envp.push_back(s.data());
  envp.push_back(nullptr);
  auto bin = binary();
  pid_ = ::fork();
  if (pid_ == 0) {
    if (!opts_.stderr_path.empty()) {
      int fd = ::open(opts_.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(126);
      ::close(fd);
    }
    char* argv[] = {bin.data(), nullptr};
    ::execve(bin.c_str(), argv, envp.data());
    ::_exit(127);
  }
  bool up = eventually(
      [&] {
        try {
          return call(port_, "GET", "/healthz").status == 200;
        } catch (...) {
          return false;
        }
      },
      std::chrono::seconds(30));
  if (!up) throw std::runtime_error("checkoutd did not come up on port " + std::to_string(port_));
}

void server::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool server::alive() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

void server::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int server::wait_exit(std::chrono::milliseconds limit) {
  int status = 0;
  bool exited = pid_ > 0 && test_services::eventually(
                                [&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit);
  if (!exited) return -1;
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string token_for(const std::string& user_id, bool admin) {
  std::vector<std::string> roles;
  if (admin) roles.push_back("admin");
  return checkout::http::issue_token(jwt_secret, user_id, roles, std::chrono::hours(1));
}

std::string token_with_email(const std::string& user_id, const std::string& email) {
  return checkout::http::issue_token(jwt_secret, user_id, {}, std::chrono::hours(1), email);
}

std::string unique(const std::string& prefix) {
  return prefix + "-" + checkout::random_hex(6);
}

std::string razorpay_signature(const std::string& body) {
  return checkout::razorpay_webhook::sign(rzp_secret, body);
}

std::string webhook_secret() {
  return rzp_secret;
}

std::string jwt_signing_secret() {
  return jwt_secret;
}

std::string db_value(const std::string& sql, const std::string& param) {
  pqxx::connection c(test_services::database_url());
  pqxx::read_transaction t(c);
  auto r = t.exec_params(sql, param);
  return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
}

std::string db_write(const std::string& sql, const std::string& param) {
  pqxx::connection c(test_services::database_url());
  pqxx::work t(c);
  auto r = t.exec_params(sql, param);
  t.commit();
  return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
}

void db_exec(const std::string& sql) {
  pqxx::connection c(test_services::database_url());
  pqxx::work t(c);
  t.exec(sql);
  t.commit();
}

std::string cart_status(const std::string& token) {
  return db_value("SELECT status FROM carts WHERE token = $1::uuid", token);
}

}  // namespace e2e
