// The directory of one entity kind (actors/common/entity_directory.hpp), with
// an entity of the test's own: it finds or spawns one actor per token,
// forgets a passivated one even when its down message comes after the next
// actor of the same token was spawned, outlives a failed child, and ends its
// live children when it ends itself (it monitors them and holds no links).
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <thread>

#include "actors/common/entity_directory.hpp"
#include "actors/common/ids.hpp"
#include "actors/messages.hpp"

namespace checkout {
namespace {

using namespace std::chrono_literals;

// get: the entity's own handle; expire: it fails; passivate: it ends.
using probe_requests =
    caf::typed_actor<caf::replies_to<get_atom>::with<caf::actor>, caf::reacts_to<expire_atom>>;
using probe_actor = probe_requests::extend<caf::reacts_to<passivate_atom>>;
using probe_directory_actor = routed_by_token<probe_requests>::extend_with<entity_parent_actor>;

probe_actor::behavior_type probe(probe_actor::pointer self) {
  return {[=](get_atom) { return caf::actor_cast<caf::actor>(self); },
          [=](expire_atom) { self->quit(caf::sec::request_timeout); },
          [=](passivate_atom) { self->quit(); }};
}

struct probe_entity {
  using actor = probe_actor;
  using requests = probe_requests;
  using directory = probe_directory_actor;
  struct local_state {};
  static constexpr const char* directory_name = "test_probe_directory";
  static constexpr errc not_found = errc::cart_not_found;
  static actor spawn(caf::actor_system& sys, const actor_context&, std::string, entity_parent_actor,
                     bool) {
    return sys.spawn(probe);
  }
};

using probes = entity_directory<probe_entity>;

probe_directory_actor::behavior_type probe_directory(probes::self_ptr self, actor_context ctx) {
  return probes::make_behavior(self, std::move(ctx));
}

struct entity_directory_test : ::testing::Test {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  probe_directory_actor dir = sys.spawn(probe_directory, actor_context{});

  ~entity_directory_test() override { caf::anon_send_exit(dir, caf::exit_reason::user_shutdown); }

  caf::expected<caf::actor> try_actor_of(const std::string& token) {
    caf::expected<caf::actor> found{caf::actor{}};
    self->request(dir, 5s, token, get_atom::value)
        .receive([&](caf::actor& a) { found = std::move(a); },
                 [&](caf::error& e) { found = std::move(e); });
    return found;
  }
  caf::actor actor_of(const std::string& token) {
    auto found = try_actor_of(token);
    if (!found) ADD_FAILURE() << sys.render(found.error());
    return found ? *found : caf::actor{};
  }
  // Whether `a` has ended within five seconds.
  template <class Handle>
  bool ends(const Handle& a) {
    self->monitor(a);
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; }, caf::after(5s) >> [] {});
    return down;
  }
};

TEST_F(entity_directory_test, one_actor_per_token_whatever_its_case) {
  auto token = new_uuid();
  auto upper = token;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto a = actor_of(token);
  ASSERT_TRUE(a);
  EXPECT_EQ(actor_of(upper), a);
  EXPECT_NE(actor_of(new_uuid()), a);
}

TEST_F(entity_directory_test, a_late_down_message_of_a_passivated_actor_leaves_its_successor) {
  auto token = new_uuid();
  auto first = actor_of(token);
  self->send(dir, idle_atom::value, token);
  // Asked right after the idle report: the directory spawns the successor
  // before the first actor's down message reaches it.
  auto second = actor_of(token);
  EXPECT_NE(second, first);
  ASSERT_TRUE(ends(first));
  // Had the down message of `first` removed `second`, a third actor would answer.
  EXPECT_EQ(actor_of(token), second);
}

TEST_F(entity_directory_test, a_failed_actor_is_dropped_and_the_directory_goes_on) {
  auto failing_token = new_uuid();
  auto failing = actor_of(failing_token);
  auto bystander_token = new_uuid();
  auto bystander = actor_of(bystander_token);
  self->send(dir, failing_token, expire_atom::value);
  ASSERT_TRUE(ends(failing));
  // Until the directory has its down message, a request still goes to the
  // failed actor and is answered request_receiver_down (as the client of a
  // failing entity is); after it, a new actor answers.
  caf::actor next;
  for (int i = 0; i < 100 && !next; ++i) {
    auto found = try_actor_of(failing_token);
    if (found) {
      next = *found;
    } else {
      EXPECT_EQ(found.error(), caf::sec::request_receiver_down) << sys.render(found.error());
      std::this_thread::sleep_for(10ms);
    }
  }
  ASSERT_TRUE(next);
  EXPECT_NE(next, failing);
  EXPECT_EQ(actor_of(bystander_token), bystander);
}

TEST_F(entity_directory_test, the_live_actors_end_with_the_directory) {
  auto a = actor_of(new_uuid());
  auto b = actor_of(new_uuid());
  auto passivated_token = new_uuid();
  auto passivated = actor_of(passivated_token);
  self->send(dir, idle_atom::value, passivated_token);
  ASSERT_TRUE(ends(passivated));
  caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
  EXPECT_TRUE(ends(dir));
  EXPECT_TRUE(ends(a));
  EXPECT_TRUE(ends(b));
}

TEST_F(entity_directory_test, a_malformed_token_is_not_found) {
  self->request(dir, 5s, std::string("not-a-token"), get_atom::value)
      .receive([&](caf::actor&) { ADD_FAILURE() << "answered"; },
               [&](caf::error& e) { EXPECT_TRUE(is_errc(e, errc::cart_not_found)); });
}

}  // namespace
}  // namespace checkout
