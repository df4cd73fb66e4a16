// A directory links to its entity actors; one entity failing must end only
// that entity, while a shutdown still ends the directory.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include "actors/common/child_failures.hpp"
#include "actors/messages.hpp"

namespace {

using namespace checkout;
using namespace std::chrono_literals;

caf::behavior child(caf::event_based_actor* self) {
  return {[=](expire_atom) { self->quit(caf::sec::request_timeout); },
          [=](remove_atom) { self->quit(); }};
}

// Spawns a linked, monitored child on (create_atom) and answers its handle;
// (ping_atom) answers whether the parent still handles messages.
caf::behavior parent(caf::event_based_actor* self) {
  outlive_failed_children(self, "unit");
  return {[=](create_atom) {
            auto c = self->spawn(child);
            self->link_to(c);
            return c;
          },
          [=](ping_atom) { return true; }};
}

struct child_failures : ::testing::Test {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  caf::actor spawn_child_of(const caf::actor& p) {
    caf::actor c;
    self->request(p, 5s, create_atom::value)
        .receive([&](caf::actor& x) { c = std::move(x); },
                 [&](caf::error& e) { ADD_FAILURE() << sys.render(e); });
    return c;
  }
  // Whether `a` has ended within five seconds.
  bool ends(const caf::actor& a) {
    self->monitor(a);
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; }, caf::after(5s) >> [] {});
    return down;
  }
};

TEST_F(child_failures, a_failed_child_ends_alone_and_a_shutdown_ends_the_parent) {
  auto p = sys.spawn(parent);
  auto failing = spawn_child_of(p);
  auto ending = spawn_child_of(p);
  auto bystander = spawn_child_of(p);
  self->send(failing, expire_atom::value);  // quits with an error
  ASSERT_TRUE(ends(failing));
  self->send(ending, remove_atom::value);  // quits normally
  ASSERT_TRUE(ends(ending));
  bool alive = false;
  self->request(p, 5s, ping_atom::value)
      .receive([&](bool b) { alive = b; }, [&](caf::error& e) { ADD_FAILURE() << sys.render(e); });
  EXPECT_TRUE(alive) << "the parent ended with its child";

  caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  EXPECT_TRUE(ends(p));
  EXPECT_TRUE(ends(bystander)) << "a linked child ends with its parent";
}

// An actor pool ends its workers with an exit message that names the pool.
TEST_F(child_failures, a_shutdown_sent_by_another_actor_ends_the_parent) {
  auto p = sys.spawn(parent);
  auto kid = spawn_child_of(p);
  self->send_exit(p, caf::exit_reason::user_shutdown);
  EXPECT_TRUE(ends(p));
  EXPECT_TRUE(ends(kid));
}

}  // namespace
