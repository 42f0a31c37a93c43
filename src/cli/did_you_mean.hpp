// "Did you mean" for the words a user types wrong (issue #16): groups, verbs and options. The
// nearest known word by edit distance (a swap of two neighbours counts once, as a typo is), when
// it is near enough to be the word meant: at most 2 edits, and at most a third of the word (dashes
// aside; words of fewer than 3 letters get no suggestion). And
// cxxopts' option errors in our one style: straight quotes, and a suggestion for an unknown option.
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>

namespace kaso::cli {

// The known word nearest to `typed`, or "" when none is near enough (or `typed` is itself known).
std::string nearest(std::string_view typed, const std::vector<std::string>& known);

// " (did you mean 'list'?)" for the nearest of `known`, or "".
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known);

// Every option `options` knows, as typed: "--output", "-o".
std::vector<std::string> option_words(const cxxopts::Options& options);

// The message of a cxxopts error in our style: the option as typed, in straight quotes
// ("option '--name' is missing an argument"), and for an unknown one the nearest of `known`
// ("option '--outptu' does not exist (did you mean '--output'?)").
std::string option_error_text(const cxxopts::exceptions::exception& e, const std::vector<std::string>& known);

}  // namespace kaso::cli
