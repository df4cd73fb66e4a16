// docs/openapi.yaml documents exactly the routes the router serves: a route
// added without documentation, or a documented path nobody serves, fails here.
//
// Paths are compared verbatim, parameter names included: the document writes
// every path in full ("/api/v1/cart/{token}", "/metrics") under a server URL
// that is the bare origin, which the test checks too, so a router pattern and
// a document path are the same string. Methods are compared upper-case.
//
// No YAML library is in the build, so `paths:` is read by a small line parser
// that accepts only the layout the document uses (path keys at indent 2,
// method keys at indent 4) and reports any line it cannot place instead of
// skipping it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "config/settings.hpp"
#include "http/router.hpp"
#include "http/routes/api.hpp"

#ifndef OPENAPI_YAML
#error "OPENAPI_YAML must name docs/openapi.yaml (tests/CMakeLists.txt)"
#endif

namespace checkout::http {
namespace {

struct endpoint {
  std::string method;  // upper-case
  std::string path;
  bool operator<(const endpoint& o) const {
    return std::tie(path, method) < std::tie(o.path, o.method);
  }
  bool operator==(const endpoint& o) const { return method == o.method && path == o.path; }
};

std::string to_string(const std::vector<endpoint>& eps) {
  std::string out;
  for (const auto& e : eps) out += "\n  " + e.method + " " + e.path;
  return out.empty() ? " (none)" : out;
}

// What the document declares, or why it could not be read.
struct parsed_doc {
  std::vector<endpoint> endpoints;
  std::vector<std::string> servers;
  std::string error;  // empty when read in full
};

struct coverage {
  std::vector<endpoint> undocumented;  // served by the router, missing from the document
  std::vector<endpoint> unrouted;      // in the document, not served by the router
};

coverage compare(const std::vector<router::route_info>& routes,
                 const std::vector<endpoint>& documented) {
  std::set<endpoint> served;
  for (const auto& r : routes) served.insert({r.method, r.pattern});
  std::set<endpoint> listed(documented.begin(), documented.end());
  coverage out;
  std::set_difference(served.begin(), served.end(), listed.begin(), listed.end(),
                      std::back_inserter(out.undocumented));
  std::set_difference(listed.begin(), listed.end(), served.begin(), served.end(),
                      std::back_inserter(out.unrouted));
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::size_t indent_of(const std::string& line) {
  return line.find_first_not_of(' ');
}

bool ignorable(const std::string& line) {
  auto first = line.find_first_not_of(' ');
  return first == std::string::npos || line[first] == '#';
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

// A mapping entry "key:" or "key: value" starting at `indent`; key empty when
// the line is not one.
struct entry {
  std::string key;
  std::string value;
};

entry entry_at(const std::string& line, std::size_t indent) {
  auto rest = line.substr(indent);
  while (!rest.empty() && rest.back() == ' ') rest.pop_back();
  std::size_t colon = rest.find(": ");
  if (colon == std::string::npos) {
    if (rest.empty() || rest.back() != ':') return {};
    colon = rest.size() - 1;
  }
  entry e{unquote(rest.substr(0, colon)), colon + 1 < rest.size() ? rest.substr(colon + 2) : ""};
  if (e.key.empty() || e.key.find_first_of(" #'\"") != std::string::npos) return {};
  return e;
}

parsed_doc parse_openapi(const std::string& text) {
  static const std::set<std::string> methods = {"get",     "put",  "post",  "delete",
                                                "options", "head", "patch", "trace"};
  // Path item fields that are not operations; `$ref` is not among them, since
  // a path item defined elsewhere would hide its methods from this parser.
  static const std::set<std::string> path_fields = {"summary", "description", "servers",
                                                    "parameters"};
  parsed_doc doc;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  enum class section { other, paths, servers } where = section::other;
  int paths_sections = 0;
  std::string path;  // the path key the method keys below belong to
  bool path_has_method = false;
  std::set<std::string> paths_seen;
  std::set<endpoint> seen;
  auto fail = [&](const std::string& why) {
    doc.error = "line " + std::to_string(number) + ": " + why + ": \"" + line + "\"";
    return doc;
  };
  auto path_done = [&]() { return path.empty() || path_has_method; };

  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find('\t') != std::string::npos) return fail("tab in the line");
    if (ignorable(line)) continue;
    auto indent = indent_of(line);
    if (indent == 0) {
      if (!path_done()) return fail("path without operations before");
      path.clear();
      where = section::other;
      if (line == "paths:") {
        if (++paths_sections > 1) return fail("expected exactly one top-level \"paths:\"");
        where = section::paths;
      } else if (line == "servers:") {
        where = section::servers;
      } else if (line.rfind("paths:", 0) == 0 || line.rfind("servers:", 0) == 0) {
        return fail("expected a block mapping or sequence");
      }
      continue;
    }
    if (where == section::servers) {
      const std::string item = "  - url: ";
      if (line.rfind(item, 0) == 0)
        doc.servers.push_back(unquote(line.substr(item.size())));
      else if (indent < 4 || line[indent] == '-')
        return fail("unexpected line in servers");
      continue;
    }
    if (where != section::paths) continue;
    if (indent == 2) {
      if (!path_done()) return fail("path without operations before");
      auto e = entry_at(line, 2);
      if (e.key.empty() || e.key.front() != '/' || !e.value.empty())
        return fail("expected a path key like \"  /x:\"");
      if (!paths_seen.insert(e.key).second) return fail("path listed twice");
      path = e.key;
      path_has_method = false;
      continue;
    }
    if (indent == 4) {
      if (path.empty()) return fail("field outside a path");
      auto e = entry_at(line, 4);
      if (methods.count(e.key)) {
        endpoint ep{upper(e.key), path};
        if (!seen.insert(ep).second) return fail("method listed twice");
        doc.endpoints.push_back(ep);
        path_has_method = true;
      } else if (!path_fields.count(e.key)) {
        return fail("not an HTTP method or a known path item field");
      }
      continue;
    }
    if (indent < 4) return fail("indentation this parser does not know");
    if (path.empty()) return fail("content outside a path");
    // Deeper lines belong to an operation or a path field: not routing.
  }
  if (!path_done()) return fail("path without operations at the end");
  if (paths_sections == 0) return fail("expected exactly one top-level \"paths:\", found none");
  if (doc.endpoints.empty()) return fail("no operations under paths:");
  return doc;
}

std::string read_file(const std::string& name) {
  std::ifstream in(name, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Handlers run only on dispatch, so a context without actors is enough to
// register them. Registration reads the settings: the sandbox pages exist only
// in development and a gateway's webhook and pages only when it is enabled;
// development with both real gateways enabled serves every route.
router router_for(const std::string& gateway, bool development = true, bool razorpay = true,
                  bool stripe = true) {
  auto cfg = std::make_shared<config::settings>();
  cfg->payment_gateway = gateway;
  if (development) cfg->checkout_env = "development";
  if (razorpay) {
    cfg->razorpay_key_id = "rzp_test_docs";
    cfg->razorpay_key_secret = "docs-key-secret";
    cfg->razorpay_webhook_secret = "docs-webhook-secret";
  }
  if (stripe) {
    cfg->stripe_secret_key = "sk_test_docs";
    cfg->stripe_webhook_secret = "whsec_docs";
  }
  auto api = std::make_shared<api_context>();
  api->actors.cfg = cfg;
  router r;
  add_routes(r, api);
  return r;
}

router real_router() {
  return router_for("sandbox");
}

bool contains(const std::vector<endpoint>& eps, const endpoint& e) {
  return std::find(eps.begin(), eps.end(), e) != eps.end();
}

std::vector<endpoint> served_by(const router& r) {
  std::vector<endpoint> out;
  for (const auto& ri : r.routes()) out.push_back({ri.method, ri.pattern});
  return out;
}

class DocsOpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = read_file(OPENAPI_YAML);
    ASSERT_FALSE(text_.empty()) << "cannot read " << OPENAPI_YAML;
  }
  std::string text_;
};

TEST_F(DocsOpenApi, RouterAndDocumentListTheSameRoutes) {
  auto doc = parse_openapi(text_);
  ASSERT_EQ(doc.error, "") << OPENAPI_YAML;
  auto r = real_router();
  // Both sides really were read: a route every version of the service has.
  const endpoint orders{"POST", "/api/v1/orders"};
  ASSERT_TRUE(contains(served_by(r), orders));
  ASSERT_TRUE(contains(doc.endpoints, orders));

  auto gap = compare(r.routes(), doc.endpoints);
  EXPECT_TRUE(gap.undocumented.empty())
      << "served by the router (http/routes/) but missing from docs/openapi.yaml:"
      << to_string(gap.undocumented);
  EXPECT_TRUE(gap.unrouted.empty())
      << "listed in docs/openapi.yaml but served by no route (http/routes/):"
      << to_string(gap.unrouted);
}

// Other configurations serve fewer routes (no sandbox pages), never others.
TEST_F(DocsOpenApi, EveryGatewayConfigurationServesOnlyDocumentedRoutes) {
  auto doc = parse_openapi(text_);
  ASSERT_EQ(doc.error, "");
  for (const auto* gateway : {"sandbox", "razorpay", "stripe"}) {
    auto r = router_for(gateway, std::string(gateway) == "sandbox",
                        std::string(gateway) != "stripe", std::string(gateway) != "razorpay");
    auto gap = compare(r.routes(), doc.endpoints);
    EXPECT_TRUE(gap.undocumented.empty())
        << "PAYMENT_GATEWAY=" << gateway
        << " serves routes missing from docs/openapi.yaml:" << to_string(gap.undocumented);
  }
}

// The document's paths are router patterns only while its server URL has no
// path of its own (a "/api/v1" server would prefix every documented path).
TEST_F(DocsOpenApi, ServerUrlIsABareOrigin) {
  auto doc = parse_openapi(text_);
  ASSERT_EQ(doc.error, "");
  ASSERT_FALSE(doc.servers.empty()) << "no servers: url in the document";
  for (const auto& url : doc.servers) {
    auto scheme = url.find("://");
    ASSERT_NE(scheme, std::string::npos) << url;
    auto slash = url.find('/', scheme + 3);
    EXPECT_TRUE(slash == std::string::npos || slash + 1 == url.size())
        << "server url with a path: " << url;
  }
}

TEST_F(DocsOpenApi, AnUndocumentedRouteIsReported) {
  auto doc = parse_openapi(text_);
  ASSERT_EQ(doc.error, "");
  auto r = real_router();
  auto before = compare(r.routes(), doc.endpoints);
  r.add("GET", "/api/v1/admin/undocumented", [](request&&, responder) {});
  auto after = compare(r.routes(), doc.endpoints);

  const endpoint extra{"GET", "/api/v1/admin/undocumented"};
  auto expected = before.undocumented;
  expected.insert(std::upper_bound(expected.begin(), expected.end(), extra), extra);
  EXPECT_EQ(after.undocumented, expected) << to_string(after.undocumented);
  EXPECT_EQ(after.unrouted, before.unrouted);
}

TEST_F(DocsOpenApi, ADocumentedPathWithoutARouteIsReported) {
  const std::string marker = "\npaths:\n";
  auto at = text_.find(marker);
  ASSERT_NE(at, std::string::npos);
  auto synthetic = text_;
  synthetic.insert(at + marker.size(),
                   "  /api/v1/not-served/{id}:\n"
                   "    parameters:\n"
                   "      - name: id\n"
                   "    get:\n"
                   "      summary: Nobody serves this.\n"
                   "    delete:\n"
                   "      summary: Nor this.\n");
  auto real = parse_openapi(text_);
  auto doc = parse_openapi(synthetic);
  ASSERT_EQ(real.error, "");
  ASSERT_EQ(doc.error, "");
  auto r = real_router();
  auto before = compare(r.routes(), real.endpoints);
  auto after = compare(r.routes(), doc.endpoints);

  auto expected = before.unrouted;
  for (const auto& e :
       {endpoint{"GET", "/api/v1/not-served/{id}"}, endpoint{"DELETE", "/api/v1/not-served/{id}"}})
    expected.insert(std::upper_bound(expected.begin(), expected.end(), e), e);
  EXPECT_EQ(after.unrouted, expected) << to_string(after.unrouted);
  EXPECT_EQ(after.undocumented, before.undocumented);
}

TEST(DocsOpenApiCompare, MethodsAndPathsMustBothMatch) {
  std::vector<router::route_info> routes = {
      {"GET", "/a"}, {"POST", "/a"}, {"GET", "/b/{id}"}, {"GET", "/c"}};
  std::vector<endpoint> documented = {
      {"GET", "/a"}, {"PUT", "/a"}, {"GET", "/b/{token}"}, {"GET", "/c"}};
  auto gap = compare(routes, documented);
  EXPECT_EQ(gap.undocumented, (std::vector<endpoint>{{"POST", "/a"}, {"GET", "/b/{id}"}}));
  EXPECT_EQ(gap.unrouted, (std::vector<endpoint>{{"PUT", "/a"}, {"GET", "/b/{token}"}}));
}

TEST(DocsOpenApiParser, ReadsPathsAndMethodsOnly) {
  auto doc = parse_openapi(
      "openapi: 3.1.0\n"
      "servers:\n"
      "  - url: http://localhost:8080\n"
      "    description: here\n"
      "paths:\n"
      "  # a comment\n"
      "  /x:\n"
      "    summary: X\n"
      "    get:\n"
      "      description: |\n"
      "        post:\n"
      "\n"
      "    post:\n"
      "      responses: {}\n"
      "  '/y/{id}':\n"
      "    parameters:\n"
      "      - name: id\n"
      "    patch: {}\n"
      "components:\n"
      "  schemas:\n"
      "    delete:\n");
  ASSERT_EQ(doc.error, "");
  EXPECT_EQ(doc.endpoints,
            (std::vector<endpoint>{{"GET", "/x"}, {"POST", "/x"}, {"PATCH", "/y/{id}"}}));
  EXPECT_EQ(doc.servers, std::vector<std::string>{"http://localhost:8080"});
}

TEST(DocsOpenApiParser, RefusesWhatItCannotRead) {
  const std::string head = "paths:\n  /x:\n    get: {}\n";
  struct bad_case {
    std::string text;
    std::string why;
  };
  for (const auto& c : std::vector<bad_case>{
           {head + "    $ref: '#/components/pathItems/X'\n", "not an HTTP method"},
           {head + "    fetch:\n", "not an HTTP method"},
           {head + "   get:\n", "indentation"},
           {head + " /y:\n", "indentation"},
           {head + "  /y:\n  /z:\n    get: {}\n", "path without operations"},
           {head + "  /y:\n", "path without operations"},
           {head + "  y:\n    get: {}\n", "path key"},
           {head + "  /x:\n    post: {}\n", "path listed twice"},
           {head + "    get: {}\n", "method listed twice"},
           {head + "\t/y:\n", "tab"},
           {"paths:\n    get: {}\n", "field outside a path"},
           {"paths: {}\n", "block mapping"},
           {"openapi: 3.1.0\n", "exactly one"},
           {head + "paths:\n  /y:\n    get: {}\n", "exactly one"},
           {"paths:\n", "no operations"},
       }) {
    auto doc = parse_openapi(c.text);
    EXPECT_NE(doc.error.find(c.why), std::string::npos) << "input:\n"
                                                        << c.text << "error: " << doc.error;
  }
}

}  // namespace
}  // namespace checkout::http
