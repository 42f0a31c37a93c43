// to_shell_script: see shell_script.hpp.
#include "qemu/shell_script.hpp"

#include <string_view>

namespace kaso::qemu {
namespace {

bool is_bare_word_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
    case '_': case '.': case '/': case ':': case ',': case '@': case '%': case '+': case '=':
    case '-':
      return true;
    default:
      return false;
  }
}

// A word sh reads back as exactly `word`.
std::string quote(std::string_view word) {
  bool bare = !word.empty();
  for (char c : word) {
    bare = bare && is_bare_word_char(c);
  }
  if (bare) {
    return std::string{word};
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

}  // namespace

std::string to_shell_script(const std::vector<std::string>& argv) {
  std::string script =
      "#!/bin/sh\n"
      "# The qemu command line of this VM as Kaso Mashin builds it. Edit and run it to "
      "experiment.\n";
  if (argv.empty()) {
    return script;
  }
  script += "exec " + quote(argv[0]);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    bool starts_option = !argv[i].empty() && argv[i][0] == '-';
    script += starts_option ? " \\\n  " : " ";
    script += quote(argv[i]);
  }
  script += '\n';
  return script;
}

}  // namespace kaso::qemu
