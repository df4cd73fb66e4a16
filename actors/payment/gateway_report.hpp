// GET /api/v1/admin/gateways, its pure part: every gateway the service knows,
// whether this configuration enables it, which is the default, and the
// breaker of each enabled one as the payment router answered (status_atom).
// Breakers live in each instance's memory: the answer is the instance's that
// took the request. No I/O: tests/unit/actors_ops_console_test.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/common/json_write.hpp"
#include "actors/payment/payment_messages.hpp"

namespace checkout::payment {

// Every gateway name the service has an adapter for.
inline constexpr const char* known_gateways[] = {"razorpay", "stripe", "sandbox"};

struct gateway_row {
  std::string name;
  bool enabled = false;
  bool is_default = false;
  std::optional<gateway_status> breaker;  // enabled ones only
};

// `statuses`: the router's answer, one per enabled gateway.
std::vector<gateway_row> gateway_report(const std::vector<gateway_status>& statuses,
                                        const std::string& default_gateway);

// {gateways: [{name, enabled, default, breaker: {state, failures, accepting,
// opened_at} | null}]} into an open object; opened_at is null while closed.
void write_gateways(json_writer& w, const std::vector<gateway_row>& rows);

}  // namespace checkout::payment
