// The one instrumentation point: an instrumented actor is counted when it is
// spawned, handles messages, queues them, passivates and ends; operators find
// it by id without sending it anything; its log lines carry kind and id.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <thread>

#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "config/log_context.hpp"

namespace {

using namespace checkout;
using namespace std::chrono_literals;

struct probe_state {
  static inline const char* name = "unit_probe";
  static inline const char* id_key = "probe_token";
};

struct quiet_state {
  static inline const char* name = "unit_quiet";
  static constexpr bool listed = false;
};

caf::behavior probed(instrumented_actor<probe_state>* self, std::string id) {
  self->set_instance_id(std::move(id));
  return {
      [=](int ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return ms;
      },
      // The log fields in force while a message is handled.
      [=](get_atom) {
        std::string out;
        auto fields = logging::current_fields();
        for (auto* f = fields.begin; f != fields.end; ++f)
          out += std::string(f->key) + "=" + std::string(f->value) + ";";
        return out;
      },
      [=](inspect_atom) { return self->snapshot_base(); },
      [=](passivate_atom) { self->passivate(); },
  };
}

caf::behavior quiet(instrumented_actor<quiet_state>*) {
  return {[](int x) { return x; }};
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds limit = 3s) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return f();
}

class instrumented : public ::testing::Test {
 protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
};

TEST_F(instrumented, counts_messages_times_them_and_passivation_ends_it) {
  auto& kind = kind_of<probe_state>();
  auto spawned = kind.spawned.load();
  auto live = kind.live.load();
  auto passivated = kind.passivated.load();
  auto messages = kind.messages.load();
  auto timed = kind.message_seconds.read().cumulative.back();

  auto a = sys.spawn(probed, std::string("p-1"));
  EXPECT_EQ(kind.spawned.load(), spawned + 1);
  EXPECT_EQ(kind.live.load(), live + 1);
  caf::scoped_actor self{sys};
  for (int i = 0; i < 5; ++i)
    self->request(a, 2s, 0).receive([](int) {}, [](caf::error& e) { FAIL() << to_string(e); });
  // Counted right after the handler returns, so just after the reply arrives.
  EXPECT_TRUE(eventually([&] { return kind.messages.load() == messages + 5; }));
  EXPECT_EQ(kind.message_seconds.read().cumulative.back(), timed + 5);

  // Found by id without a message: the address of the very actor.
  EXPECT_EQ(kind.find("p-1"), a.address());
  self->request(a, 2s, inspect_atom::value)
      .receive(
          [](actor_snapshot& s) {
            EXPECT_EQ(s.kind, "unit_probe");
            EXPECT_EQ(s.id, "p-1");
            EXPECT_EQ(s.messages, 5);
            EXPECT_GT(s.last_message_at, 0);
          },
          [](caf::error& e) { FAIL() << to_string(e); });

  self->send(a, passivate_atom::value);
  EXPECT_TRUE(eventually([&] { return kind.live.load() == live; }));
  EXPECT_EQ(kind.passivated.load(), passivated + 1);
  EXPECT_FALSE(kind.find("p-1"));
}

TEST_F(instrumented, a_backed_up_mailbox_shows_in_the_kind_depth_and_drains_to_zero) {
  auto& kind = kind_of<probe_state>();
  auto a = sys.spawn<caf::detached>(probed, std::string("p-slow"));
  caf::scoped_actor self{sys};
  for (int i = 0; i < 20; ++i) self->send(a, 20);  // 20 messages of 20 ms each
  std::int64_t deepest = 0;
  eventually([&] {
    deepest = std::max(deepest, kind.mailbox_total.load());
    return deepest >= 10;
  });
  EXPECT_GE(deepest, 10) << "the depth after the first messages was not seen";
  EXPECT_GE(kind.mailbox_max(), 0);
  EXPECT_TRUE(eventually([&] { return kind.mailbox_total.load() == 0; }, 5s));
  self->send_exit(a, caf::exit_reason::user_shutdown);
}

TEST_F(instrumented, log_lines_written_while_handling_carry_the_kind_and_the_id) {
  auto a = sys.spawn(probed, std::string("p-log"));
  caf::scoped_actor self{sys};
  self->request(a, 2s, get_atom::value)
      .receive(
          [](std::string& fields) {
            EXPECT_NE(fields.find("actor_kind=unit_probe;"), std::string::npos) << fields;
            EXPECT_NE(fields.find("probe_token=p-log;"), std::string::npos) << fields;
          },
          [](caf::error& e) { FAIL() << to_string(e); });
  // Outside the actor, nothing is left behind on this thread.
  auto fields = logging::current_fields();
  EXPECT_EQ(fields.begin, fields.end);
  self->send_exit(a, caf::exit_reason::user_shutdown);
}

TEST_F(instrumented, short_lived_helpers_are_counted_but_never_listed) {
  auto& kind = kind_of<quiet_state>();
  auto spawned = kind.spawned.load();
  auto a = sys.spawn(quiet);
  caf::scoped_actor self{sys};
  self->request(a, 2s, 7).receive([](int x) { EXPECT_EQ(x, 7); },
                                  [](caf::error& e) { FAIL() << to_string(e); });
  EXPECT_EQ(kind.spawned.load(), spawned + 1);
  int listed = 0;
  kind.visit_live([&](const metrics::actor_probe&) { ++listed; });
  EXPECT_EQ(listed, 0);
  self->send_exit(a, caf::exit_reason::user_shutdown);
  EXPECT_TRUE(eventually([&] { return kind.live.load() == 0; }));
}

}  // namespace
