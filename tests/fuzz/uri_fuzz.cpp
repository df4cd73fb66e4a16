// The request target and the X-Correlation-ID header: split_target,
// percent_decode, parse_query (http/uri.hpp) and the correlation id rule
// (http/correlation_id.hpp). Input: a request target as a client sends it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/correlation_id.hpp"
#include "http/uri.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::as_view(data, size);

  // Decoding never grows the text; without a '%' it only maps '+' (in queries).
  for (bool plus : {false, true}) {
    auto out = http::percent_decode(in, plus);
    FUZZ_CHECK(out.size() <= in.size());
    if (in.find('%') == std::string_view::npos) {
      std::string expected(in);
      if (plus) std::replace(expected.begin(), expected.end(), '+', ' ');
      FUZZ_CHECK(out == expected);
    }
  }

  auto target = http::split_target(in);
  FUZZ_CHECK(target.path.size() <= in.size());
  const auto before_fragment = in.substr(0, in.find('#'));
  const auto q = before_fragment.find('?');
  if (q == std::string_view::npos) {
    FUZZ_CHECK(target.query.empty());
  } else {
    auto query = before_fragment.substr(q + 1);
    FUZZ_CHECK(target.query.size() <=
               static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) + 1);
    FUZZ_CHECK(http::parse_query(query) == target.query);
  }

  // Whatever the client sends, the id echoed in a response header is valid
  // (1-128 of [A-Za-z0-9._-]: no CR, LF or anything that splits a header), and
  // a valid one is kept.
  auto id = http::correlation_id_for(in);
  FUZZ_CHECK(http::valid_correlation_id(id));
  FUZZ_CHECK(id.size() >= 1 && id.size() <= 128);
  FUZZ_CHECK(id.find_first_of("\r\n\0 :", 0, 5) == std::string::npos);
  if (http::valid_correlation_id(in)) FUZZ_CHECK(id == in);
  return 0;
}
