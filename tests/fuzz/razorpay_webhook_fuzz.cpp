// Razorpay webhooks (actors/webhook/razorpay_webhook.hpp): parse_event and
// verify_signature. Input: the X-Razorpay-Event-Id header value on the first
// line, the X-Razorpay-Signature value on the second, then the raw body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/webhook/razorpay_webhook.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace checkout;

namespace {

const std::string secret = "fuzz-razorpay-webhook-secret";
const std::string previous = "fuzz-razorpay-webhook-previous";

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
  FUZZ_CHECK(!razorpay_webhook::parse_event(deepest, ""));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::as_view(data, size);
  const auto event_id_header = fuzz::take_line(in);
  const auto signature = fuzz::take_line(in);
  const std::string body(in);

  auto ev = razorpay_webhook::parse_event(body, event_id_header);
  if (ev) {
    FUZZ_CHECK(ev->gateway == "razorpay");
    FUZZ_CHECK(!ev->type.empty());
    FUZZ_CHECK(!ev->event_id.empty());
    if (!event_id_header.empty()) FUZZ_CHECK(ev->event_id == event_id_header);
    FUZZ_CHECK(ev->amount >= 0);
    FUZZ_CHECK(ev->occurred_at >= 0);
    FUZZ_CHECK(is_upper_ascii(ev->currency));
    switch (ev->kind) {
      case gateway_event_kind::captured:
        FUZZ_CHECK(ev->type == "payment.captured" || ev->type == "order.paid");
        break;
      case gateway_event_kind::failed:
        FUZZ_CHECK(ev->type == "payment.failed");
        break;
      case gateway_event_kind::refunded:
        FUZZ_CHECK(ev->type == "refund.processed");
        break;
      case gateway_event_kind::none:
        FUZZ_CHECK(!ev->note.empty());
        break;
    }
  }

  // The signature as sent: it verifies only if it is the body's HMAC (any case)
  // under one of the non-empty secrets.
  const std::vector<std::string> secrets{secret, "", previous};
  const auto ours = razorpay_webhook::sign(secret, body);
  const auto theirs = razorpay_webhook::sign(previous, body);
  FUZZ_CHECK(ours.size() == 64);
  bool ok = razorpay_webhook::verify_signature(secrets, body, signature);
  if (ok) FUZZ_CHECK(signature.size() == 64);
  FUZZ_CHECK(!razorpay_webhook::verify_signature({""}, body, signature));
  FUZZ_CHECK(!razorpay_webhook::verify_signature({}, body, signature));

  // A correct signature verifies, with either secret and in either case; one
  // changed character does not.
  FUZZ_CHECK(razorpay_webhook::verify_signature(secrets, body, ours));
  FUZZ_CHECK(razorpay_webhook::verify_signature(secrets, body, theirs));
  std::string upper = ours;
  for (auto& c : upper)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  FUZZ_CHECK(razorpay_webhook::verify_signature(secrets, body, upper));
  std::string forged = ours;
  forged[size % 64] = forged[size % 64] == '0' ? '1' : '0';
  FUZZ_CHECK(!razorpay_webhook::verify_signature({secret}, body, forged));
  FUZZ_CHECK(!razorpay_webhook::verify_signature({previous}, body, ours));
  return 0;
}
