// Helpers for the bootstrap tests: reading our documents back with the tools a guest or a user
// would use (PyYAML as cloud-init does, isoinfo). Tests only; one test thread each.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kaso::bootstrap::testing {

// Runs argv (no shell), expects exit status 0 and returns its stdout; on failure records a test
// failure (with stderr) and returns "".
std::string run_ok(const std::vector<std::string>& argv);

// Parses `text` with PyYAML's safe_load, as cloud-init does, and returns the result as JSON.
// A parse error records a test failure and gives null.
nlohmann::json parse_yaml(const std::string& text);
// The same for many documents with one python3 process: the results in the order of `texts`.
std::vector<nlohmann::json> parse_yaml_all(const std::vector<std::string>& texts);

}  // namespace kaso::bootstrap::testing
