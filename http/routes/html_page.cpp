#include "http/routes/html_page.hpp"

#include "http/csp.hpp"

namespace checkout::http {

namespace {

// One card in the middle of the screen, phone-first, like a hosted checkout.
const char* const page_style =
    "html{background:#f3f5f8}"
    "body{font-family:system-ui,sans-serif;color:#1d2430;max-width:28rem;margin:1.5rem auto;"
    "padding:1.25rem;background:#fff;border:1px solid #dde2ea;border-radius:.75rem}"
    "h1{font-size:1.3rem;margin-top:0}ul{padding-left:1.2em}#amount{font-size:1.4rem}"
    "button{display:block;width:100%;font:inherit;font-size:1.05rem;padding:.7rem;margin:.4rem 0;"
    "border:1px solid #1f5fd6;border-radius:.5rem;background:#1f5fd6;color:#fff;cursor:pointer}"
    "#fail{background:#fff;color:#b3261e;border-color:#b3261e}button:disabled{opacity:.55}"
    ".small{color:#666;font-size:.85em}";

// Forms post back to this service only; nothing else is allowed unless a
// page's scripts name it.
std::string page_policy(const page_scripts& scripts) {
  csp_builder csp;
  csp.allow("default-src", "'none'");
  if (scripts.inline_styles) {
    csp.allow("style-src", "'unsafe-inline'");
  } else if (!scripts.stylesheet.empty()) {
    csp.allow("style-src", csp_hash(scripts.stylesheet));
  } else {
    static const std::string style_hash = csp_hash(page_style);
    csp.allow("style-src", style_hash);
  }
  for (const auto& url : scripts.external) csp.allow("script-src", url);
  if (!scripts.inline_code.empty()) csp.allow("script-src", csp_hash(scripts.inline_code));
  csp.allow("form-action", "'self'");
  for (const auto& [directive, source] : scripts.also_allow) csp.allow(directive, source);
  csp.allow("base-uri", "'none'");
  csp.allow("frame-ancestors", "'none'");
  return csp.str();
}

}  // namespace

response html_page(int status, const std::string& title, const std::string& body,
                   const page_scripts& scripts) {
  response res;
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body =
      "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>" +
      escape_html(title) + "</title><style>" +
      (scripts.stylesheet.empty() ? std::string(page_style) : scripts.stylesheet) +
      "</style></head><body><h1>" + escape_html(title) + "</h1>" + body;
  for (const auto& url : scripts.external)
    res.body += "<script src=\"" + escape_html(url) + "\"></script>";
  if (!scripts.inline_code.empty()) res.body += "<script>" + scripts.inline_code + "</script>";
  res.body += "</body></html>";
  res.headers.emplace_back("Content-Security-Policy", page_policy(scripts));
  return res;
}

}  // namespace checkout::http
