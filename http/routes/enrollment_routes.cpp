#include "http/routes/render.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {

void add_enrollment_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/enrollments", [api](request&& req, responder out) {
    std::optional<auth_user> user;
    if (!authenticate(api, req, out, true, user)) return;
    ask_and_render<enrollment_list>(api, api->enrollments,
                                    caf::make_message(list_atom::value, user->user_id), req, out,
                                    200, [](json_writer& w, const enrollment_list& l) {
                                      w.Key("enrollments");
                                      w.StartArray();
                                      for (auto& e : l.items) {
                                        w.StartObject();
                                        write_enrollment(w, e);
                                        w.EndObject();
                                      }
                                      w.EndArray();
                                    });
  });
}

}  // namespace checkout::http
