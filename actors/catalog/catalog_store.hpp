// SQL for the internships table; plain functions run inside a db_job.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/catalog/internship.hpp"

namespace checkout::catalog_store {

// False when the id is taken.
bool insert(pqxx::transaction_base& txn, const internship& item);
std::optional<internship> find(pqxx::transaction_base& txn, const std::string& id);
std::vector<internship> find_many(pqxx::transaction_base& txn, const std::vector<std::string>& ids);
std::optional<internship> update(pqxx::transaction_base& txn, const std::string& id,
                                 const internship_patch& patch);
// Up to `count` internships with an id above `after` ('' for the first page),
// in id order (keyset paging), of `category` when it is not empty, active ones
// only unless `include_inactive`. With a category the scan walks the
// internships_category (category, id) index; without one, the primary key.
std::vector<internship> list(pqxx::transaction_base& txn, const std::string& category,
                             const std::string& after, int count, bool include_inactive);

std::string plans_to_json(const std::vector<plan>& plans);
std::vector<plan> plans_from_json(const std::string& json);

}  // namespace checkout::catalog_store
