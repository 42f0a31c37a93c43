// What an image needs of an instance, set by `create` and `modify`: --min-cpu N, --min-ram MB,
// --min-space MB, each a non-negative integer, sent as "min_cpu", "min_ram", "min_space".
// take_minimums checks the command line only.
#pragma once

#include <cstdint>
#include <optional>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli::image {

struct minimums {
  std::optional<std::uint64_t> cpu;
  std::optional<std::uint64_t> ram_mb;
  std::optional<std::uint64_t> space_mb;

  bool empty() const { return !cpu && !ram_mb && !space_mb; }
};

void add_minimum_options(cxxopts::Options& options);
// A value that is not a non-negative integer (or exceeds 64 bits) is an invalid_argument error.
result<minimums> take_minimums(const cxxopts::ParseResult& parsed);

// Adds the given minimums to a request body.
void add_to_body(const minimums& m, nlohmann::json& body);

}  // namespace kaso::cli::image
