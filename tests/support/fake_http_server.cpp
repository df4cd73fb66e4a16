#include "support/fake_http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <thread>

#include "actors/payment/form_encoding.hpp"

namespace checkout::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct fake_http_server::impl {
  fake_handler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::uint16_t port = 0;

  std::mutex mu;
  std::chrono::milliseconds delay{0};
  int fail_count = 0;
  int fail_status = 500;
  bool fail_always = false;
  int drop_count = 0;
  std::atomic<int> requests{0};
  bool holding = false;
  // Held requests, each the rest of its handling. Declared after the
  // io_context: they own sockets of it and must go first.
  std::vector<std::function<void()>> parked;

  // Keeps `resume` for release() while holding; false when not holding.
  bool park(std::function<void()> resume) {
    std::lock_guard<std::mutex> guard(mu);
    if (!holding) return false;
    parked.push_back(std::move(resume));
    return true;
  }

  // What to do with a request that just arrived (under the lock).
  enum class fault { none, drop, fail };
  fault take_fault(int& status) {
    std::lock_guard<std::mutex> guard(mu);
    if (drop_count > 0) {
      --drop_count;
      return fault::drop;
    }
    if (fail_always || fail_count > 0) {
      if (!fail_always) --fail_count;
      status = fail_status;
      return fault::fail;
    }
    return fault::none;
  }

  std::chrono::milliseconds current_delay() {
    std::lock_guard<std::mutex> guard(mu);
    return delay;
  }

  void accept();
};

namespace {

struct connection : std::enable_shared_from_this<connection> {
  // The server outlives every connection: its io_context owns them.
  connection(tcp::socket s, fake_http_server::impl* srv)
      : socket(std::move(s)), timer(socket.get_executor()), server(srv) {}

  tcp::socket socket;
  asio::steady_timer timer;
  fake_http_server::impl* server;
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> req;

  void start() {
    auto self = shared_from_this();
    bhttp::async_read(socket, buffer, req, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->server->requests.fetch_add(1);
      if (self->server->park([self] { self->proceed(); })) return;
      self->proceed();
    });
  }

  // The delay (if any), then the answer.
  void proceed() {
    auto delay = server->current_delay();
    if (delay.count() <= 0) return process();
    auto self = shared_from_this();
    timer.expires_after(delay);
    timer.async_wait([self](beast::error_code) { self->process(); });
  }

  void close() {
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  void process() {
    int status = 500;
    switch (server->take_fault(status)) {
      case fake_http_server::impl::fault::drop:
        return close();
      case fake_http_server::impl::fault::fail: {
        fake_response r;
        r.status = status;
        r.body = R"({"error":{"code":"SERVER_ERROR","type":"api_error",)"
                 R"("description":"injected failure","message":"injected failure"}})";
        return respond(r);
      }
      case fake_http_server::impl::fault::none:
        break;
    }
    fake_request fr;
    fr.method = std::string(req.method_string());
    fr.target = std::string(req.target());
    auto q = fr.target.find('?');
    fr.path = fr.target.substr(0, q);
    if (q != std::string::npos) {
      if (auto fields = payment::form_decode(fr.target.substr(q + 1)))
        for (auto& [k, v] : *fields) fr.query[k] = v;
    }
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      fr.headers[name] = std::string(field.value());
    }
    fr.body = req.body();
    fake_response r;
    try {
      r = server->handler(fr);
    } catch (const std::exception& e) {
      r.status = 500;
      r.body = std::string(R"({"error":{"description":"fake crashed"}})");
    }
    if (r.drop) return close();
    respond(r);
  }

  void respond(const fake_response& r) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(false);
    res->body() = r.body;
    res->prepare_payload();
    auto self = shared_from_this();
    bhttp::async_write(socket, *res,
                       [self, res](beast::error_code, std::size_t) { self->close(); });
  }
};

}  // namespace

void fake_http_server::impl::accept() {
  auto* self = this;
  acceptor.async_accept([self](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // stopped
    std::make_shared<connection>(std::move(socket), self)->start();
    self->accept();
  });
}

std::string fake_request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

fake_http_server::fake_http_server(fake_handler handler) : impl_(std::make_unique<impl>()) {
  impl_->handler = std::move(handler);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  for (int i = 0; i < 2; ++i) impl_->threads.emplace_back([s = impl_.get()] { s->ioc.run(); });
}

fake_http_server::~fake_http_server() {
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->parked.clear();  // held connections close here, while their io_context lives
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  // impl_ goes now: its io_context destroys the connections still pending.
}

std::uint16_t fake_http_server::port() const {
  return impl_->port;
}

std::string fake_http_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void fake_http_server::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> guard(impl_->mu);
  impl_->delay = delay;
}

void fake_http_server::hold() {
  std::lock_guard<std::mutex> guard(impl_->mu);
  impl_->holding = true;
}

void fake_http_server::release() {
  std::vector<std::function<void()>> resume;
  {
    std::lock_guard<std::mutex> guard(impl_->mu);
    impl_->holding = false;
    resume.swap(impl_->parked);
  }
  // On the server's threads, like every other step of a connection.
  for (auto& r : resume) asio::post(impl_->ioc, std::move(r));
}

int fake_http_server::held() const {
  std::lock_guard<std::mutex> guard(impl_->mu);
  return static_cast<int>(impl_->parked.size());
}

void fake_http_server::fail_next(int n, int status) {
  std::lock_guard<std::mutex> guard(impl_->mu);
  impl_->fail_count = n;
  impl_->fail_status = status;
}

void fake_http_server::fail_all(bool on, int status) {
  std::lock_guard<std::mutex> guard(impl_->mu);
  impl_->fail_always = on;
  impl_->fail_status = status;
}

void fake_http_server::drop_next(int n) {
  std::lock_guard<std::mutex> guard(impl_->mu);
  impl_->drop_count = n;
}

int fake_http_server::requests() const {
  return impl_->requests.load();
}

}  // namespace checkout::testing
