// PostgreSQL faults under load: every backend of the database terminated
// (pool, relay, idempotency, LISTEN connections alike) while checkouts go on.
// The service must reconnect by itself and lose or repeat nothing.
#include <gtest/gtest.h>

#include "fault_support.hpp"

using namespace std::chrono_literals;

namespace {

// Terminates every other session of the service's role on this process's own
// database (current_database(): the clone isolated_services made, never the
// demo's or another suite's); answers how many.
long long terminate_backends() {
  return fault::query(
             "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid() "
             // The service's role; an operator's superuser session is not ours to end.
             "AND usename = current_user")[0][0]
      .as<long long>();
}

TEST(fault_postgres, backends_terminated_during_a_stream) {
  constexpr int checkouts = 200;
  fault::bus_tap tap;
  e2e::server srv({{"ENROLLMENT_RETRY_BASE", "50ms"}, {"ENROLLMENT_RETRY_MAX", "500ms"}});

  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 8;
  opts.lines = 2;
  opts.internships = fault::make_internships(srv.port(), 3, 12000);
  opts.user_prefix = "pgkill";

  std::vector<long long> terminated;
  std::string error;
  auto stream = fault::run_stream(srv.port(), opts, [&](const std::atomic<int>& done) {
    for (int percent : {25, 50, 75}) {
      fault::reached(done, checkouts * percent / 100);
      try {
        terminated.push_back(terminate_backends());
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
  });
  ASSERT_TRUE(error.empty()) << error;

  auto f = fault::audit(stream.checkouts, tap, 90s);
  std::string counts;
  for (auto n : terminated) counts += (counts.empty() ? "" : ",") + std::to_string(n);
  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("backends_terminated", counts);
  fault::report("figures", f.line());
  std::string why;
  for (auto& p : f.problems) why += "\n  " + p;
  EXPECT_EQ(f.unfinished, 0) << why;
  EXPECT_EQ(f.lost, 0) << why;
  EXPECT_EQ(f.duplicated, 0) << why;
  ASSERT_EQ(terminated.size(), 3u);
  for (auto n : terminated) EXPECT_GT(n, 0);  // the service's sessions were among them
  EXPECT_TRUE(srv.alive());
  EXPECT_TRUE(test_services::eventually(
      [&] { return e2e::call(srv.port(), "GET", "/readyz").status == 200; }, 10s));
}

}  // namespace
