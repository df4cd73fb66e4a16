// The few HTML pages the service serves itself (the sandbox gateway, the
// Razorpay hand-off, the return page): escaping, one page layout, and the
// Content-Security-Policy that allows exactly what a page runs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "actors/common/html_text.hpp"
#include "http/request.hpp"

namespace checkout::http {

// What a page runs besides its markup. Each script is named in the page's
// CSP: external ones by URL, the inline one by its hash, never
// 'unsafe-inline' for scripts.
struct page_scripts {
  std::vector<std::string> external;  // <script src>, in this order, before the inline one
  std::string inline_code;            // one inline <script>, allowed by its SHA-256
  // Further CSP sources the scripts need: {"frame-src", "https://api.example.com"}.
  std::vector<std::pair<std::string, std::string>> also_allow;
  // The scripts insert <style> elements of their own: inline styles are then
  // allowed ('unsafe-inline', which a hash would disable) instead of only the
  // page's own stylesheet.
  bool inline_styles = false;
  // A stylesheet of the page's own in place of the one-card layout (a
  // printable document); allowed by its hash like the default one.
  std::string stylesheet;
};

// A whole page; `body` is HTML already escaped. Carries its CSP header.
response html_page(int status, const std::string& title, const std::string& body,
                   const page_scripts& scripts = {});

}  // namespace checkout::http
