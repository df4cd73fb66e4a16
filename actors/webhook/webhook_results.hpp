// The values of `result` in checkout_webhooks_total{gateway,result}: every
// answer the intake can count, in one list, so start-up registers each of
// them at 0 (actors/health/preregistered_series.hpp) and a value nobody listed
// cannot add a series behind the dashboards' back: it is counted as "other".
// Pure; tests/unit/actors_ops_console_test.cpp.
#pragma once

#include <string_view>

namespace checkout::webhook_results {

// What each means for the delivery that was counted:
inline constexpr const char* all[] = {
    "applied",          // changed its order
    "already_applied",  // its order was already in the state it leads to
    "refunded",         // a capture after expiry with no seat left: refunded at the gateway
    "ignored",          // a type or state the order does not act on
    "duplicate",        // this event id was delivered before
    "accepted",         // stored; the inbox worker applies it (the order was busy or slow)
    "amount_mismatch",  // amount or currency differ from the order's (code 7002)
    "wrong_gateway",    // names another gateway's payment (CONTRACT §13)
    "unknown_order",    // names no order of ours
    "bad_signature",    // refused: signature missing, wrong or stale (code 7001)
    "malformed",        // signed but not an event we can read
    "error",            // not stored (database): a 5xx, the gateway retries
    "other",            // a value missing from this list (a bug: add it here)
};

// `result` when it is listed, otherwise "other".
const char* counted(std::string_view result);

}  // namespace checkout::webhook_results
