#include <algorithm>
#include <cctype>

#include "actors/audit/audit_messages.hpp"
#include "actors/catalog/catalog_cursor.hpp"
#include "actors/catalog/catalog_messages.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/text.hpp"
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

// An internship's SAC code for its invoices (CONTRACT §16): six digits.
std::optional<std::string> read_sac(fields& f) {
  if (!f.has("sac") || f.is_null("sac")) return std::nullopt;
  auto sac = f.opt_str("sac", 64);
  if (!sac) return std::nullopt;  // not a string: fields said so
  if (sac->size() != 6 || sac->find_first_not_of("0123456789") != std::string::npos)
    f.add_problem("sac must be a SAC code of 6 digits, like 999293");
  return sac;
}

void create_internship(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  auto doc = parse_body(req, out);
  if (!doc) return;
  fields f(*doc);
  internship item;
  item.id = f.opt_str("id", 64).value_or("");
  // The id appears in paths (/internships/{id}): only characters that need no escaping.
  if (!std::all_of(item.id.begin(), item.id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      }))
    f.add_problem("id may contain only letters, digits, '-', '_' and '.'");
  item.title = f.str("title", 200);
  item.category = f.str("category", 100);
  item.price = f.integer("price", 0, 100'000'000'00);
  item.currency = f.str("currency", 3);
  if (f.has("currency") && !item.currency.empty() && !valid_currency(item.currency))
    f.add_problem("currency must be an ISO 4217 code like INR");
  if (!f.is_null("seats")) item.seats_total = static_cast<int>(f.integer("seats", 0, 1'000'000));
  item.active = f.opt_bool("active").value_or(true);
  item.sac = read_sac(f).value_or("");
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
  ask_and_render<internship_reply>(
      api, api->actors.catalog,
      caf::make_message(create_atom::value, item,
                        audit::admin_stamp{admin->user_id, req.correlation_id}),
      req, out, 201, render_internship);
}

void patch_internship(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  // An id that is not text names nothing stored (and PostgreSQL would refuse it).
  if (!valid_text(req.params.at("id")))
    return answer_error(req, out, make_error(errc::internship_not_found));
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
  if (f.has("sac")) p.sac = f.is_null("sac") ? std::string() : read_sac(f).value_or("");
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render<internship_reply>(
      api, api->actors.catalog,
      caf::make_message(patch_atom::value, req.params.at("id"), p,
                        audit::admin_stamp{admin->user_id, req.correlation_id}),
      req, out, 200, render_internship);
}

void get_internship(const api_ptr& api, request&& req, responder out) {
  if (!valid_text(req.params.at("id")))
    return answer_error(req, out, make_error(errc::internship_not_found));
  ask_and_render<internship_reply>(api, api->actors.catalog,
                                   caf::make_message(get_atom::value, req.params.at("id")), req,
                                   out, 200, render_internship);
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

void render_page(json_writer& w, const catalog_page& page) {
  w.Key("internships");
  w.StartArray();
  for (auto& item : page.items) {
    w.StartObject();
    write_internship(w, item);
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_cursor");
  if (page.next_after)
    w.String(catalog_cursor::encode(*page.next_after));
  else
    w.Null();
}

// GET /api/v1/internships?category=&limit=&cursor=&include_inactive=
// Public, like GET /internships/{id}: without include_inactive no
// Authorization header is looked at and only active internships are listed.
// include_inactive=true is an admin's view of the whole catalog, so it needs an
// admin token: 401 without a valid one, 403 without the role. It is refused
// rather than silently ignored so that nobody mistakes the active-only list
// for the whole catalog. Every problem with the parameters is reported at
// once (422, code 1000, one validation message per parameter).
void list_internships(const api_ptr& api, request&& req, responder out) {
  catalog_list_request rq;
  std::vector<std::string> problems;

  auto category = query_param(req, "category");
  if (!category.empty() && (!catalog_cursor::valid_text(category) || utf8_length(category) > 100))
    problems.push_back("category must be UTF-8 text of at most 100 characters");
  rq.category = std::move(category);

  rq.limit = catalog_cursor::default_limit;
  auto limit = query_param(req, "limit");
  if (!limit.empty()) {
    if (auto n = catalog_cursor::parse_limit(limit))
      rq.limit = *n;
    else
      problems.push_back("limit must be an integer from 1 to " +
                         std::to_string(catalog_cursor::max_limit));
  }

  auto cursor = query_param(req, "cursor");
  if (!cursor.empty()) {
    if (auto after = catalog_cursor::decode(cursor))
      rq.after = std::move(*after);
    else
      problems.push_back("cursor must be the next_cursor of an earlier page");
  }

  auto inactive = query_param(req, "include_inactive");
  if (inactive == "true")
    rq.include_inactive = true;
  else if (!inactive.empty() && inactive != "false")
    problems.push_back("include_inactive must be true or false");

  // As on the admin routes, authentication is checked before the parameters.
  if (rq.include_inactive && !authorize_admin(api, req, out)) return;
  if (!problems.empty())
    return answer_error(req, out, make_error(errc::invalid_field, std::move(problems)));
  ask_and_render<catalog_page>(api, api->actors.catalog,
                               caf::make_message(list_atom::value, std::move(rq)), req, out, 200,
                               render_page);
}

}  // namespace

void add_catalog_routes(router& r, const api_ptr& api) {
  r.add("POST", "/api/v1/admin/internships",
        [api](request&& req, responder out) { create_internship(api, std::move(req), out); });
  r.add("PATCH", "/api/v1/admin/internships/{id}",
        [api](request&& req, responder out) { patch_internship(api, std::move(req), out); });
  r.add("GET", "/api/v1/internships",
        [api](request&& req, responder out) { list_internships(api, std::move(req), out); });
  r.add("GET", "/api/v1/internships/{id}",
        [api](request&& req, responder out) { get_internship(api, std::move(req), out); });
}

}  // namespace checkout::http
