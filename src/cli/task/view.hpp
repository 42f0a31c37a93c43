// How tasks look in tables: the list's columns and the get view's fields. Pure functions of the
// API's task JSON; a missing field shows as an empty cell.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace kaso::cli::task {

// Columns ID, Kind, State, Object, Progress %, Message; `tasks` is the API's array.
table list_table(const nlohmann::json& tasks);

// Id, Kind, State, Object, Progress, Rate, Message, Created, Modified.
std::vector<field> fields_of(const nlohmann::json& task);

// The task's object: "image jammy", with " (id 1)" once the task has created it.
std::string object_text(const nlohmann::json& task);

}  // namespace kaso::cli::task
