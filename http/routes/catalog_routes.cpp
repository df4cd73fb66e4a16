#include <cctype>

#include "actors/common/ids.hpp"
#include "http/routes/render.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

bool valid_currency(const std::string& c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

void render_internship(json_writer& w, const internship_reply& r) {
  w.Key("internship");
  w.StartObject();
  write_internship(w, r.item);
  w.EndObject();
}

void create_internship(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  internship item;
  item.id = f.opt_str("id", 64).value_or("");
  item.title = f.str("title", 200);
  item.category = f.str("category", 100);
  item.price = f.integer("price", 0, 100'000'000'00);
  item.currency = f.str("currency", 3);
  if (f.has("currency") && !item.currency.empty() && !valid_currency(item.currency))
    f.add_problem("currency must be an ISO 4217 code like INR");
  if (!f.is_null("seats")) item.seats_total = static_cast<int>(f.integer("seats", 0, 1'000'000));
  item.active = f.opt_bool("active").value_or(true);
  if (auto plans = f.array("plans", false)) {
    for (rapidjson::SizeType i = 0; i < plans->Size(); ++i) {
      auto name = "plans[" + std::to_string(i) + "]";
      auto& el = (*plans)[i];
      if (!el.IsObject()) {
        f.add_problem(name + " must be an object");
        continue;
      }
      auto pf = f.nested(el, name);
      auto price = pf.integer("price", 0, 100'000'000'00);
      auto per = pf.object("period", true);
      std::optional<period> p;
      if (per) p = read_period(f, *per, name + ".period");
      if (p) item.plans.push_back({*p, price});
    }
  }
  if (!f.ok()) return answer_error(req, out, f.error());
  if (item.id.empty()) item.id = new_uuid();
  ask_and_render<internship_reply>(api, api->actors.catalog,
                                   caf::make_message(create_atom::value, item), req, out, 201,
                                   render_internship);
}

void patch_internship(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  internship_patch p;
  p.price = f.opt_integer("price", 0, 100'000'000'00);
  if (f.has("seats")) {
    p.seats_set = true;
    if (!f.is_null("seats")) p.seats = static_cast<int>(f.integer("seats", 0, 1'000'000));
  }
  p.active = f.opt_bool("active");
  p.title = f.opt_str("title", 200);
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render<internship_reply>(api, api->actors.catalog,
                                   caf::make_message(patch_atom::value, req.params.at("id"), p),
                                   req, out, 200, render_internship);
}

void get_internship(const api_ptr& api, request&& req, responder out) {
  ask_and_render<internship_reply>(api, api->actors.catalog,
                                   caf::make_message(get_atom::value, req.params.at("id")), req,
                                   out, 200, render_internship);
}

}  // namespace

void add_catalog_routes(router& r, const api_ptr& api) {
  r.add("POST", "/api/v1/admin/internships",
        [api](request&& req, responder out) { create_internship(api, std::move(req), out); });
  r.add("PATCH", "/api/v1/admin/internships/{id}",
        [api](request&& req, responder out) { patch_internship(api, std::move(req), out); });
  r.add("GET", "/api/v1/internships/{id}",
        [api](request&& req, responder out) { get_internship(api, std::move(req), out); });
}

}  // namespace checkout::http
