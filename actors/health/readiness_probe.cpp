#include "actors/health/readiness_probe.hpp"

#include <spdlog/spdlog.h>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <optional>
#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "persistence/db_pool.hpp"

namespace checkout {
namespace {

using steady = std::chrono::steady_clock;
using check_atom = caf::atom_constant<caf::atom("check")>;

// A finished round answers every /readyz for this long without checking
// again: a burst of probes costs one broker connection and one query, and a
// caller never waits for a round it did not need.
constexpr auto fresh_for = std::chrono::milliseconds(250);

// Deadlines travel as steady_clock ticks: a plain integer in a message.
std::int64_t ticks(steady::time_point t) {
  return t.time_since_epoch().count();
}

// The broker check blocks (connect, handshake), so it runs in a detached
// actor of its own, one check at a time. The probe's request gives up after
// the timeout; a check that hangs longer only delays this actor, and the
// requests that queued behind it meanwhile are past their deadline and are
// dropped at once, so at most one check ever runs and none piles up.
struct broker_checker_state {
  static inline const char* name = actor_kinds::broker_checker.name;
};

caf::behavior broker_checker(instrumented_actor<broker_checker_state>*, broker_check check,
                             std::chrono::milliseconds timeout) {
  return {
      [=](check_atom, std::int64_t deadline) -> std::string {
        if (ticks(steady::now()) >= deadline) return "check skipped: nobody waits for it";
        try {
          return check(timeout);
        } catch (const std::exception& e) {
          return e.what();
        }
      },
  };
}

struct probe_state {
  caf::actor checker;
  std::optional<readiness> last;
  steady::time_point last_at;
  // The current round: who waits for it, and how many parts are still out.
  std::vector<caf::typed_response_promise<readiness>> waiting;
  int outstanding = 0;
  readiness round;
  static inline const char* name = actor_kinds::readiness_probe.name;
};

using probe_actor = instrumented_actor<probe_state>;

std::string not_answering(std::chrono::milliseconds timeout) {
  return "not answering within " + std::to_string(timeout.count()) + " ms";
}

// What an error of a part means to an operator, on one line.
std::string reason(probe_actor* self, const caf::error& err, std::chrono::milliseconds timeout) {
  if (err == caf::sec::request_timeout) return not_answering(timeout);
  if (err.category() == persistence::db_error_category && err.context().size() == 1 &&
      err.context().match_element<std::string>(0)) {
    auto text = err.context().get_as<std::string>(0);
    return text.substr(0, text.find('\n'));
  }
  return self->system().render(err);
}

// The details go to the log (which masks secrets), once per change, so
// a burst of probes during an outage logs one line per part.
void log_change(const std::optional<readiness>& before, const readiness& now) {
  auto note = [](const char* part, const std::string& was, const std::string& is) {
    if (was == is) return;
    if (is.empty()) {
      spdlog::info("readiness: {} is up again", part);
    } else {
      spdlog::warn("readiness: {} is down: {}", part, is);
    }
  };
  note("database", before ? before->database_error : std::string(), now.database_error);
  note("broker", before ? before->broker_error : std::string(), now.broker_error);
}

void part_done(probe_actor* self) {
  auto& st = self->state;
  if (--st.outstanding > 0) return;
  log_change(st.last, st.round);
  st.last = st.round;
  st.last_at = steady::now();
  for (auto& rp : st.waiting) rp.deliver(st.round);
  st.waiting.clear();
}

// Both checks at once, each bounded by the same timeout: the round ends
// within about `timeout` whichever of them hangs.
void start_round(probe_actor* self, const actor_context& ctx, std::chrono::milliseconds timeout) {
  auto& st = self->state;
  st.round = readiness{};
  st.outstanding = 2;
  auto deadline = steady::now() + timeout;
  self->request(st.checker, timeout, check_atom::value, ticks(deadline))
      .then(
          [=](std::string& err) {
            self->state.round.broker_error = std::move(err);
            part_done(self);
          },
          [=](caf::error& err) {
            self->state.round.broker_error = reason(self, err, timeout);
            part_done(self);
          });
  // The pool's workers may all be stuck on a hung database: a check that
  // reaches one after its asker gave up returns at once instead of queueing
  // more work behind it.
  persistence::db_job job{[deadline](pqxx::connection& c) {
    if (steady::now() >= deadline)
      return caf::make_message(
          persistence::make_db_error(persistence::db_errc::unavailable, "check skipped"));
    pqxx::read_transaction txn(c);
    txn.exec1("SELECT 1");
    return caf::make_message(ack_reply{});
  }};
  self->request(ctx.db, timeout, std::move(job))
      .then([=](ack_reply&) { part_done(self); },
            [=](caf::error& err) {
              self->state.round.database_error = reason(self, err, timeout);
              part_done(self);
            });
}

caf::behavior readiness_probe(probe_actor* self, actor_context ctx, broker_check check_broker) {
  auto timeout = ctx.cfg->readyz_timeout;
  self->state.checker =
      self->spawn<caf::detached + caf::linked>(broker_checker, std::move(check_broker), timeout);
  return {
      [=](ping_atom) -> caf::result<readiness> {
        auto& st = self->state;
        if (st.last && steady::now() - st.last_at < fresh_for) return *st.last;
        auto rp = self->make_response_promise<readiness>();
        st.waiting.push_back(rp);
        // A caller arriving mid-round joins it: it waits less than a timeout.
        if (st.outstanding == 0) start_round(self, ctx, timeout);
        return rp;
      },
  };
}

}  // namespace

std::vector<std::string> readiness::problems() const {
  std::vector<std::string> out;
  if (!database_error.empty()) out.push_back("database: unavailable");
  if (!broker_error.empty()) out.push_back("broker: unavailable");
  return out;
}

caf::actor spawn_readiness_probe(caf::actor_system& sys, const actor_context& ctx,
                                 broker_check check_broker) {
  return sys.spawn(readiness_probe, ctx, std::move(check_broker));
}

}  // namespace checkout
