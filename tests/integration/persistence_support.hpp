// A PostgreSQL schema of a test's own: the test migrates into it from nothing
// and it is dropped afterwards, so tests neither see nor leave rows.
// (The database itself is this test process's own: support/test_services.)
#pragma once

#include <pqxx/pqxx>
#include <random>
#include <string>

#include "support/test_services.hpp"

namespace persistence_test {

using test_services::database_url;
using test_services::eventually;

class scratch_schema {
 public:
  scratch_schema() : name_("mt_" + std::to_string(std::random_device{}() % 100000000)) {
    pqxx::connection c(database_url());
    pqxx::work w(c);
    w.exec0("CREATE SCHEMA " + name_);
    w.commit();
  }
  ~scratch_schema() {
    pqxx::connection c(database_url());
    pqxx::work w(c);
    w.exec0("DROP SCHEMA " + name_ + " CASCADE");
    w.commit();
  }
  scratch_schema(const scratch_schema&) = delete;
  scratch_schema& operator=(const scratch_schema&) = delete;

  // The database URL with this schema first on the search_path.
  std::string url() const {
    auto base = database_url();
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name_;
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace persistence_test
