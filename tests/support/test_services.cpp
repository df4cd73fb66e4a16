#include "support/test_services.hpp"

#include <cstdlib>
#include <stdexcept>

namespace test_services {
namespace {

std::string required(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(std::string(name) +
                             " is not set: run the integration suites through scripts/test "
                             "(or source scripts/lib/test_services.sh; prepare_test_services)");
  return v;
}

}  // namespace

std::string database_url() {
  return required("DATABASE_URL");
}
std::string amqp_url() {
  return required("AMQP_URL");
}

}  // namespace test_services
