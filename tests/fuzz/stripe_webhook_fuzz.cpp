// Stripe webhooks (actors/webhook/stripe_webhook.hpp): parse_event and the
// Stripe-Signature check. Input: the Stripe-Signature header value on the
// first line, then the raw body.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "actors/webhook/stripe_webhook.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;
using stripe_webhook::signature_check;

namespace {

const std::string secret = "whsec_fuzz_current";
const std::string previous = "whsec_fuzz_previous";
const std::int64_t now = 1700000000;
const std::int64_t tolerance = 300;
constexpr auto min = std::numeric_limits<std::int64_t>::min();
constexpr auto max = std::numeric_limits<std::int64_t>::max();

bool is_upper_ascii(const std::string& s) {
  for (char c : s)
    if (c >= 'a' && c <= 'z') return false;
  return true;
}

}  // namespace

// Once, before fuzzing: the deepest body the server's 64 KiB limit lets
// through parses without exhausting the stack (under ASan's larger frames
// too). The fuzzer seldom builds such an input itself.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string deepest(64 * 1024, '[');
  FUZZ_CHECK(!stripe_webhook::parse_event(deepest));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::as_view(data, size);
  const auto header = fuzz::take_line(in);
  const std::string body(in);

  auto ev = stripe_webhook::parse_event(body);
  if (ev) {
    FUZZ_CHECK(ev->gateway == "stripe");
    FUZZ_CHECK(!ev->event_id.empty());
    FUZZ_CHECK(!ev->type.empty());
    FUZZ_CHECK(ev->amount >= 0);
    FUZZ_CHECK(ev->occurred_at >= 0);
    FUZZ_CHECK(is_upper_ascii(ev->currency));
    if (ev->kind == gateway_event_kind::none) FUZZ_CHECK(!ev->note.empty());
    if (ev->kind == gateway_event_kind::refunded) FUZZ_CHECK(ev->type == "charge.refunded");
    if (ev->kind == gateway_event_kind::captured)
      FUZZ_CHECK(ev->type == "checkout.session.completed" ||
                 ev->type == "checkout.session.async_payment_succeeded");
  }

  // The header as sent, at ordinary and extreme clocks and tolerances.
  const std::vector<std::string> secrets{secret, "", previous};
  auto as_sent = stripe_webhook::verify_signature(secrets, header, body, now, tolerance);
  for (auto t : {min, std::int64_t{-1}, std::int64_t{0}, max}) {
    auto at = stripe_webhook::verify_signature(secrets, header, body, t, tolerance);
    // Only the time check depends on the clock.
    if (as_sent != signature_check::ok && as_sent != signature_check::stale)
      FUZZ_CHECK(at == as_sent);
  }
  for (auto tol : {min, std::int64_t{-1}, max}) {
    auto at = stripe_webhook::verify_signature(secrets, header, body, now, tol);
    if (tol < 0) FUZZ_CHECK(at != signature_check::ok);
    if (tol == max && (as_sent == signature_check::ok || as_sent == signature_check::stale))
      FUZZ_CHECK(at == signature_check::ok);
  }
  FUZZ_CHECK(stripe_webhook::verify_signature({""}, header, body, now, tolerance) !=
             signature_check::ok);
  FUZZ_CHECK(stripe_webhook::verify_signature({}, header, body, now, tolerance) !=
             signature_check::ok);

  // A header Stripe would send verifies with either secret, within the
  // tolerance and not beyond it; under a wrong secret it is a mismatch.
  auto t = now - static_cast<std::int64_t>(size % 600);
  auto signed_header = stripe_webhook::signature_header(secret, t, body);
  FUZZ_CHECK(stripe_webhook::verify_signature(secrets, signed_header, body, now, tolerance) ==
             (now - t <= tolerance ? signature_check::ok : signature_check::stale));
  FUZZ_CHECK(stripe_webhook::verify_signature(secrets, signed_header, body, t, 0) ==
             signature_check::ok);
  FUZZ_CHECK(stripe_webhook::verify_signature(secrets,
                                              stripe_webhook::signature_header(previous, t, body),
                                              body, t, 0) == signature_check::ok);
  FUZZ_CHECK(stripe_webhook::verify_signature({previous}, signed_header, body, t, tolerance) ==
             signature_check::mismatch);
  return 0;
}
