// How a verb names the one object it works on: a positional REF, or --id ID, or --name NAME,
// exactly one of them. REF and NAME are sent as typed (the server looks REF up as a name first,
// then as a numeric id); ID must be a number. Pure functions over cxxopts.
#pragma once

#include <string>
#include <string_view>

#include <cxxopts.hpp>

#include "util/error.hpp"

namespace kaso::cli {

// Declares the positional REF and --id/--name; `noun` reads "identity", "image", ...
void add_object_ref_options(cxxopts::Options& options, std::string_view noun);

// The reference to send. REQUIRES: add_object_ref_options declared the options. Neither or more
// than one of them, or a non-numeric --id, is an invalid_argument error.
result<std::string> take_object_ref(const cxxopts::ParseResult& parsed);

// The synopsis fragment for a verb's usage line: "(REF | --id ID | --name NAME)".
inline constexpr std::string_view object_ref_synopsis = "(REF | --id ID | --name NAME)";

}  // namespace kaso::cli
