// A real SMTP server on loopback for the notification suites: Debian's
// aiosmtpd, storing every accepted message in a maildir the test reads. It
// can be stopped and started again on the same port (a mail server outage).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e_support.hpp"

namespace e2e {

class smtp_sink {
 public:
  smtp_sink() : port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() / unique("smtp-sink");
    start();
  }
  ~smtp_sink() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  smtp_sink(const smtp_sink&) = delete;
  smtp_sink& operator=(const smtp_sink&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  void start() {
    auto listen = "127.0.0.1:" + std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      // Debian's interpreter: the aiosmtpd package installs for it only.
      ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "aiosmtpd.handlers.Mailbox", dir_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Serving once it accepts a connection.
    for (int i = 0; i < 100; ++i) {
      if (call_smtp()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("the SMTP sink did not start on " + listen);
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // Every message received so far, whole.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& entry : std::filesystem::directory_iterator(dir_ / "new", ec)) {
      std::ifstream in(entry.path());
      std::stringstream s;
      s << in.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }

  // The messages whose text contains `needle`.
  std::vector<std::string> containing(const std::string& needle) const {
    std::vector<std::string> out;
    for (auto& m : messages())
      if (m.find(needle) != std::string::npos) out.push_back(m);
    return out;
  }

 private:
  bool call_smtp() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  }

  unsigned short port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace e2e
