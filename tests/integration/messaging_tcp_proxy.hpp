// A TCP forwarder between the code under test and the broker (or PostgreSQL),
// so that tests can take the service "away" (refuse connections, cut open
// ones) without touching the real one, and count how often the code under
// test connected. Where the service is comes from its URL (the test
// services' ports are whatever scripts/test chose).
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/service_url.hpp"

namespace checkout::messaging::testing {

using test_services::address_of;
using test_services::service_address;
using test_services::url_via;

class tcp_proxy {
 public:
  explicit tcp_proxy(const service_address& target) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found) !=
            0 ||
        found == nullptr) {
      throw std::runtime_error("tcp_proxy: cannot resolve " + target.host);
    }
    std::memcpy(&target_, found->ai_addr, found->ai_addrlen);
    target_len_ = found->ai_addrlen;
    target_family_ = found->ai_family;
    ::freeaddrinfo(found);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("tcp_proxy: cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (::pipe(wake_) != 0) throw std::runtime_error("tcp_proxy: pipe");
    thread_ = std::thread([this] { loop(); });
  }

  ~tcp_proxy() {
    running_ = false;
    wake();
    thread_.join();
    close_all();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  std::uint16_t port() const { return port_; }
  // While false, connections are accepted and closed at once: a broker that is down.
  void set_accepting(bool accepting) {
    accepting_ = accepting;
    wake();
  }
  // Cuts every forwarded connection: a broker restart as the client sees it.
  void drop_connections() {
    drop_ = true;
    wake();
  }
  // Connections forwarded to the service.
  int accepted() const { return accepted_.load(); }
  // Connections the code under test opened, forwarded or not (while not
  // accepting, or while the service refuses): its connection attempts.
  int attempts() const { return attempts_.load(); }

 private:
  struct session {
    int client;
    int server;
  };

  void wake() {
    char c = 0;
    [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
  }

  void close_all() {
    for (auto& s : sessions_) {
      ::close(s.client);
      ::close(s.server);
    }
    sessions_.clear();
  }

  int connect_target() {
    int fd = ::socket(target_family_, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&target_), target_len_) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  static bool forward(int from, int to) {
    char buf[65536];
    ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::send(to, buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
      if (w <= 0) return false;
      off += w;
    }
    return true;
  }

  void loop() {
    while (running_) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (auto& s : sessions_) {
        fds.push_back({s.client, POLLIN, 0});
        fds.push_back({s.server, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 200) < 0) continue;
      if (fds[0].revents != 0) {
        char buf[64];
        [[maybe_unused]] auto n = ::read(wake_[0], buf, sizeof buf);
      }
      if (drop_.exchange(false)) {
        close_all();
        continue;  // the pollfds refer to closed sockets now
      }
      std::vector<session> alive;
      for (std::size_t i = 0; i < sessions_.size(); ++i) {
        const session& s = sessions_[i];
        bool ok = true;
        if (fds[2 + 2 * i].revents != 0) ok = forward(s.client, s.server);
        if (ok && fds[3 + 2 * i].revents != 0) ok = forward(s.server, s.client);
        if (ok) {
          alive.push_back(s);
        } else {
          ::close(s.client);
          ::close(s.server);
        }
      }
      sessions_ = std::move(alive);
      if (fds[1].revents != 0) {
        int client = ::accept(listen_fd_, nullptr, nullptr);
        if (client < 0) continue;
        ++attempts_;
        int server = accepting_ ? connect_target() : -1;
        if (server < 0) {
          ::close(client);
        } else {
          ++accepted_;
          sessions_.push_back({client, server});
        }
      }
    }
  }

  sockaddr_storage target_{};
  socklen_t target_len_ = 0;
  int target_family_ = AF_INET;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> running_{true};
  std::atomic<bool> accepting_{true};
  std::atomic<bool> drop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> attempts_{0};
  std::vector<session> sessions_;  // only touched by the proxy thread
  std::thread thread_;
};

}  // namespace checkout::messaging::testing
