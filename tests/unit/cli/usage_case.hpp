// Command-line error cases for parameterised tests: each is exit 2, one line `kaso: ...` on
// stderr, nothing on stdout, and no connection attempt (the server given does not exist). Cases
// get readable names in gtest and ctest ("3_identity_nope") instead of their bytes.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "run_kaso.hpp"

namespace kaso::cli::testing {

struct usage_case {
  std::vector<std::string> args;
  std::string message;  // the stderr line without "kaso: " and '\n'
};

// How gtest prints a case in a failure message.
inline void PrintTo(const usage_case& c, std::ostream* os) {
  *os << "kaso";
  for (const auto& a : c.args) *os << " '" << a << "'";
}

// kaso with `args` against a configuration file and a server that do not exist.
inline outcome run_offline(std::vector<std::string> args) {
  args.insert(args.begin(), {"-c", "/nonexistent/kaso.json", "--server", "unix:/nonexistent.sock"});
  return run_kaso(args);
}

inline void expect_usage_error(const usage_case& c) {
  auto r = run_offline(c.args);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: " + c.message + "\n");
}

// The name generator for INSTANTIATE_TEST_SUITE_P: the case's index (which keeps names unique),
// then its arguments with every run of other characters than letters and digits made one '_'.
inline std::string usage_case_name(const ::testing::TestParamInfo<usage_case>& info) {
  std::string name = std::to_string(info.index);
  for (const auto& a : info.param.args) {
    name += '_';
    for (char c : a) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        name += c;
      } else if (name.back() != '_') {
        name += '_';
      }
    }
    while (name.back() == '_') name.pop_back();
  }
  return info.param.args.empty() ? name + "_no_arguments" : name;
}

}  // namespace kaso::cli::testing
