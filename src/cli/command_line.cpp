// The argv split; the global options that take a value are listed here and in app.cpp.
#include "cli/command_line.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace kaso::cli {
namespace {

// Global options whose value is the next word (when not given as --opt=value or -cVALUE).
constexpr std::array<std::string_view, 3> options_with_value{"-c", "--config", "--server"};

}  // namespace

split_command_line split_arguments(const std::vector<std::string>& args) {
  split_command_line out;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const auto& word = args[i];
    if (word == "--") {
      ++i;
      break;
    }
    if (word.size() < 2 || word[0] != '-') break;
    out.head.push_back(word);
    bool takes_value = std::find(options_with_value.begin(), options_with_value.end(), word) !=
                       options_with_value.end();
    if (takes_value && i + 1 < args.size()) out.head.push_back(args[++i]);
  }
  if (i < args.size()) {
    out.group = args[i];
    out.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  }
  return out;
}

}  // namespace kaso::cli
