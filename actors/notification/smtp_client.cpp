#include "actors/notification/smtp_client.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace checkout {
namespace {

struct upload {
  const std::string* data;
  size_t offset = 0;
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<upload*>(user);
  size_t room = size * count;
  size_t left = up->data->size() - up->offset;
  size_t n = left < room ? left : room;
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

// curl_global_init is not thread-safe before libcurl 7.84; run it once.
void global_init_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

std::string smtp_send(const smtp_target& target, const std::string& to,
                      const std::string& message) {
  global_init_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "libcurl could not start a transfer";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()), curl_slist_free_all);
  upload up{&message};
  char detail[CURL_ERROR_SIZE] = {0};
  auto* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + target.from + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  // smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when offered.
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(target.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(target.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  auto rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {};
  // The error buffer names hosts and server replies, never the URL's password.
  return std::string(curl_easy_strerror(rc)) + (detail[0] ? std::string(": ") + detail : "");
}

}  // namespace checkout
