// Running the kaso program in-process, as a test sees it: exit code, stdout, stderr. The variant
// taking a fake_api_server points kaso at it and at the all-defaults configuration file in its
// directory (so ~/.kaso is never read).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "fake_api_server.hpp"

namespace kaso::cli::testing {

struct outcome {
  int code;
  std::string out;
  std::string err;
};

inline outcome run_kaso(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = kaso::cli::run(args, out, err);
  return {code, out.str(), err.str()};
}

inline outcome run_kaso(const fake_api_server& server, std::vector<std::string> args) {
  args.insert(args.begin(),
              {"-c", server.config_file().string(), "--server", server.address()});
  return run_kaso(args);
}

}  // namespace kaso::cli::testing
