// The outbound HTTP client against real loopback servers: answers, transport
// failures, the deadline, and TLS with peer verification.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "actors/payment/http_client.hpp"
#include "payment_support.hpp"
#include "support/fake_http_server.hpp"

namespace {

using namespace checkout::payment;
using namespace std::chrono_literals;
using checkout::testing::fake_http_server;
using checkout::testing::fake_request;
using checkout::testing::fake_response;
using payment_test::stopwatch;

http_client client(std::chrono::milliseconds timeout = 2s, std::string ca = {}) {
  http_client_options o;
  o.timeout = timeout;
  o.extra_ca_file = std::move(ca);
  return http_client(o);
}

TEST(HttpClient, SendsTheRequestAndReadsTheAnswer) {
  fake_request seen;
  fake_http_server server([&](const fake_request& r) {
    seen = r;
    fake_response out;
    out.status = 201;
    out.body = R"({"ok":true})";
    out.headers = {{"X-Trace", "abc"}};
    return out;
  });
  http_request req;
  req.method = "POST";
  req.url = server.base_url() + "/v1/orders?receipt=r%201";
  req.headers = {{"Authorization", "Basic eDp5"}, {"Content-Type", "application/json"}};
  req.body = R"({"amount":100})";
  auto r = client().send(req);
  ASSERT_TRUE(r.answered()) << r.error.detail;
  EXPECT_EQ(r.response->status, 201);
  EXPECT_EQ(r.response->body, R"({"ok":true})");
  EXPECT_EQ(r.response->header("x-trace"), "abc");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/v1/orders");
  EXPECT_EQ(seen.query["receipt"], "r 1");
  EXPECT_EQ(seen.header("authorization"), "Basic eDp5");
  EXPECT_EQ(seen.header("content-length"), std::to_string(req.body.size()));
  EXPECT_EQ(seen.header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.body, req.body);
}

TEST(HttpClient, AServerErrorIsAnAnswerNotATransportFailure) {
  fake_http_server server([](const fake_request&) { return fake_response{}; });
  server.fail_next(1, 500);
  auto r = client().send({"GET", server.base_url() + "/x", {}, {}});
  ASSERT_TRUE(r.answered());
  EXPECT_EQ(r.response->status, 500);
}

TEST(HttpClient, TransportFailuresAreDistinct) {
  std::string closed_url;
  {
    fake_http_server gone([](const fake_request&) { return fake_response{}; });
    closed_url = gone.base_url() + "/x";
  }
  auto refused = client().send({"GET", closed_url, {}, {}});
  ASSERT_FALSE(refused.answered());
  EXPECT_EQ(refused.error.code, transport_errc::connect);

  fake_http_server server([](const fake_request&) { return fake_response{}; });
  server.drop_next(1);
  auto dropped = client().send({"GET", server.base_url() + "/x", {}, {}});
  ASSERT_FALSE(dropped.answered());
  EXPECT_EQ(dropped.error.code, transport_errc::receive);

  auto bad = client().send({"GET", "ftp://127.0.0.1/x", {}, {}});
  EXPECT_EQ(bad.error.code, transport_errc::bad_url);
}

TEST(HttpClient, TheDeadlineBoundsTheWholeExchange) {
  fake_http_server server([](const fake_request&) { return fake_response{}; });
  stopwatch clock;
  auto [r, gave_up] = payment_test::while_held(server, [&] {
    return client(250ms).send({"GET", server.base_url() + "/slow", {}, {}});
  });
  auto took = clock.elapsed();
  EXPECT_TRUE(gave_up) << "the client waited for the held response";
  ASSERT_FALSE(r.answered());
  EXPECT_EQ(r.error.code, transport_errc::timeout);
  // A lower bound only: load makes a call slower, never faster.
  EXPECT_GE(took, 240ms);
}

// --- TLS ----------------------------------------------------------------------

// A self-signed certificate for DNS:localhost, written as PEM files.
struct test_certificate {
  std::filesystem::path dir;
  std::string cert_file, key_file;

  test_certificate() {
    dir = std::filesystem::temp_directory_path() /
          ("checkout-tls-" + std::to_string(::getpid()) + "-" + checkout::new_uuid());
    std::filesystem::create_directories(dir);
    cert_file = (dir / "cert.pem").string();
    key_file = (dir / "key.pem").string();
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair<int, const char*>{NID_subject_alt_name, "DNS:localhost"},
                              {NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    FILE* f = std::fopen(cert_file.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_file.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
  }
  ~test_certificate() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Answers "hello over tls" to every request, one connection at a time.
class tls_server {
 public:
  explicit tls_server(const test_certificate& cert) {
    ctx_.use_certificate_chain_file(cert.cert_file);
    ctx_.use_private_key_file(cert.key_file, boost::asio::ssl::context::pem);
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~tls_server() {
    stop_ = true;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket poke(ioc);
    boost::system::error_code ec;
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);  // wakes accept()
    thread_.join();
  }
  unsigned short port() const { return port_; }
  int served() const { return served_; }

 private:
  void serve() {
    namespace http = boost::beast::http;
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), ctx_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(stream, buf, req, ec);
      if (ec) continue;
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = "hello over tls";
      res.keep_alive(false);
      res.prepare_payload();
      http::write(stream, res, ec);
      stream.shutdown(ec);
      ++served_;
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

TEST(HttpClientTls, ATrustedCertificateForTheHostWorks) {
  test_certificate cert;
  tls_server server(cert);
  auto r = client(3s, cert.cert_file)
               .send({"GET", "https://localhost:" + std::to_string(server.port()) + "/", {}, {}});
  ASSERT_TRUE(r.answered()) << to_string(r.error.code) << ": " << r.error.detail;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "hello over tls");
}

TEST(HttpClientTls, AnUntrustedCertificateIsRefused) {
  test_certificate cert;
  tls_server server(cert);
  auto r =
      client(3s).send({"GET", "https://localhost:" + std::to_string(server.port()) + "/", {}, {}});
  ASSERT_FALSE(r.answered());
  EXPECT_EQ(r.error.code, transport_errc::tls) << r.error.detail;
  EXPECT_EQ(server.served(), 0);
}

TEST(HttpClientTls, ACertificateForAnotherHostIsRefused) {
  test_certificate cert;  // valid for "localhost" only
  tls_server server(cert);
  auto r = client(3s, cert.cert_file)
               .send({"GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/", {}, {}});
  ASSERT_FALSE(r.answered());
  EXPECT_EQ(r.error.code, transport_errc::tls) << r.error.detail;
  EXPECT_EQ(server.served(), 0);
}

}  // namespace
