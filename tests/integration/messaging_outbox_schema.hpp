// A private PostgreSQL schema holding an outbox table exactly like the
// migration's, for one test. The relay finds it through search_path, so it
// sees only this test's rows: it neither publishes nor marks rows that earlier
// tests of the suite left in this process's database, and nothing here
// depends on the real migration.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "integration/messaging_support.hpp"

namespace checkout::messaging::testing {

struct inserted_row {
  std::int64_t id = 0;
  std::string event_id;
};

class outbox_schema {
 public:
  outbox_schema() : name_("msgtest_" + unique_suffix()) {
    pqxx::connection c(database_url());
    pqxx::work t(c);
    t.exec0("CREATE SCHEMA " + name_);
    t.exec0("SET LOCAL search_path TO " + name_);
    t.exec0(
        "CREATE TABLE IF NOT EXISTS outbox (id BIGSERIAL PRIMARY KEY, event_id UUID NOT NULL "
        "UNIQUE, event_type TEXT NOT NULL, correlation_id TEXT NOT NULL DEFAULT '', body TEXT NOT "
        "NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), published_at TIMESTAMPTZ)");
    t.exec0("CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id) WHERE published_at IS NULL");
    t.exec0(
        "CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$");
    t.exec0(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'outbox_inserted' "
        "AND tgrelid = 'outbox'::regclass) THEN CREATE TRIGGER outbox_inserted AFTER INSERT ON "
        "outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify(); END IF; END $$");
    t.commit();
  }

  ~outbox_schema() {
    try {
      pqxx::connection c(database_url());
      pqxx::work t(c);
      t.exec0("DROP SCHEMA " + name_ + " CASCADE");
      t.commit();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
    }
  }

  // The database URL under which `outbox` means this schema's table.
  std::string url() const {
    std::string base = database_url();
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name_;
  }

  // Inserts rows in one committed transaction (one NOTIFY, like the service).
  std::vector<inserted_row> insert(const std::string& event_type, int count,
                                   const std::string& correlation_id = "corr") {
    pqxx::connection c(url());
    return insert(c, event_type, count, correlation_id);
  }

  // The same on a connection to url() that the caller keeps open, for many
  // small commits in a row.
  std::vector<inserted_row> insert(pqxx::connection& c, const std::string& event_type, int count,
                                   const std::string& correlation_id = "corr") {
    pqxx::work t(c);
    std::vector<inserted_row> rows;
    for (int i = 0; i < count; ++i) {
      auto r = t.exec_params1(
          "INSERT INTO outbox (event_id, event_type, correlation_id, body) VALUES "
          "(gen_random_uuid(), $1::text, $2, json_build_object('n', $3::int, 'type', "
          "$1::text)::text) "
          "RETURNING id, event_id::text",
          event_type, correlation_id, i);
      rows.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>()});
    }
    t.commit();
    return rows;
  }

  std::string body_of(const inserted_row& row) {
    pqxx::connection c(url());
    pqxx::read_transaction t(c);
    return t.exec_params1("SELECT body FROM outbox WHERE id = $1", row.id)[0].as<std::string>();
  }

  // How many rows of this schema's outbox carry a published_at.
  std::size_t published_count() {
    pqxx::connection c(url());
    pqxx::read_transaction t(c);
    return t.exec1("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")[0]
        .as<std::size_t>();
  }

  // How many of `rows` carry a published_at.
  std::size_t published(const std::vector<inserted_row>& rows) {
    pqxx::connection c(url());
    pqxx::read_transaction t(c);
    std::size_t n = 0;
    for (const auto& row : rows) {
      n += t.exec_params1("SELECT published_at IS NOT NULL FROM outbox WHERE id = $1", row.id)[0]
                   .as<bool>()
               ? 1
               : 0;
    }
    return n;
  }

 private:
  std::string name_;
};

}  // namespace checkout::messaging::testing
