// Referrals (CONTRACT §16): a signed-in user's code and the orders placed
// with it, and the operators' report of all referrals.
#include "actors/common/json_write.hpp"
#include "actors/common/time.hpp"
#include "actors/referral/referral_messages.hpp"
#include "http/routes/handler_support.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

void write_referred(json_writer& w, const referral_store::referred_order& r, bool for_admin) {
  w.StartObject();
  key_string(w, "order_token", r.order_token);
  key_string(w, "status", r.status);
  key_string_or_null(w, "reward_coupon", r.reward_coupon);
  w.Key("reward_usable");
  w.Bool(r.reward_active && !r.reward_used);
  key_string(w, "created_at", to_rfc3339(r.created_at));
  if (for_admin) {
    key_string(w, "code", r.code);
    key_string(w, "referrer_id", r.referrer_id);
    key_string(w, "referred_user_id", r.referred_user_id);
    w.Key("reward_used");
    w.Bool(r.reward_used);
  }
  w.EndObject();
}

void my_referrals(const api_ptr& api, request&& req, responder out) {
  std::optional<auth_user> user;
  if (!authenticate(api, req, out, true, user)) return;
  ask_and_render<referral_summary>(
      api, api->coupons, caf::make_message(referral_atom::value, referral_query{user->user_id}),
      req, out, 200, [](json_writer& w, const referral_summary& s) {
        key_string(w, "code", s.code);
        w.Key("referred");
        w.StartArray();
        for (auto& r : s.referred) write_referred(w, r, false);
        w.EndArray();
      });
}

void referral_report_route(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  referral_report_query q;
  auto limit = query_param(req, "limit");
  if (!limit.empty()) {
    int n = 0;
    bool digits = limit.size() <= 4 && limit.find_first_not_of("0123456789") == std::string::npos;
    if (digits) n = std::stoi(limit);
    if (!digits || n < 1 || n > 1000)
      return answer_error(
          req, out, make_error(errc::invalid_field, "limit must be an integer from 1 to 1000"));
    q.limit = n;
  }
  ask_and_render<referral_report>(api, api->coupons, caf::make_message(referral_atom::value, q),
                                  req, out, 200, [](json_writer& w, const referral_report& r) {
                                    w.Key("totals");
                                    w.StartObject();
                                    w.Key("referrals");
                                    w.Int64(r.totals.referrals);
                                    w.Key("paid");
                                    w.Int64(r.totals.paid);
                                    w.Key("rewarded");
                                    w.Int64(r.totals.rewarded);
                                    w.Key("refunded");
                                    w.Int64(r.totals.refunded);
                                    w.Key("rewards_used");
                                    w.Int64(r.totals.rewards_used);
                                    w.EndObject();
                                    w.Key("referrals");
                                    w.StartArray();
                                    for (auto& x : r.referrals) write_referred(w, x, true);
                                    w.EndArray();
                                  });
}

}  // namespace

void add_referral_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/referrals/me",
        [api](request&& req, responder out) { my_referrals(api, std::move(req), out); });
  r.add("GET", "/api/v1/admin/referrals",
        [api](request&& req, responder out) { referral_report_route(api, std::move(req), out); });
}

}  // namespace checkout::http
