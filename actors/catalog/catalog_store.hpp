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

std::string plans_to_json(const std::vector<plan>& plans);
std::vector<plan> plans_from_json(const std::string& json);

}  // namespace checkout::catalog_store
