// Helpers for the bootstrap tests: see test_support.hpp.
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "platform/process.hpp"
#include "temp_dir.hpp"

namespace kaso::bootstrap::testing {

std::string run_ok(const std::vector<std::string>& argv) {
  auto out = platform::run_process(argv, std::chrono::seconds{60});
  if (!out) {
    ADD_FAILURE() << argv.at(0) << ": " << out.error().to_string();
    return "";
  }
  if (!out->succeeded()) {
    ADD_FAILURE() << argv.at(0) << " exited " << out->exit_code << ": " << out->stderr_text;
    return "";
  }
  return out->stdout_text;
}

std::vector<nlohmann::json> parse_yaml_all(const std::vector<std::string>& texts) {
  // run_process gives the child /dev/null as stdin, so the documents go through files.
  temp_dir dir;
  EXPECT_TRUE(dir.ok());
  std::vector<std::string> argv = {"python3", "-c",
                                   "import sys, yaml, json\n"
                                   "docs = []\n"
                                   "for path in sys.argv[1:]:\n"
                                   "    with open(path, 'rb') as f:\n"
                                   "        docs.append(yaml.safe_load(f))\n"
                                   "print(json.dumps(docs))\n"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    argv.push_back(dir.file("document-" + std::to_string(i) + ".yaml"));
    std::ofstream{argv.back(), std::ios::binary} << texts[i];
  }
  const std::string printed = run_ok(argv);
  auto parsed = nlohmann::json::parse(printed, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array() || parsed.size() != texts.size()) {
    ADD_FAILURE() << "PyYAML's output is not what was asked for: " << printed;
    return std::vector<nlohmann::json>(texts.size());
  }
  return parsed.get<std::vector<nlohmann::json>>();
}

nlohmann::json parse_yaml(const std::string& text) { return parse_yaml_all({text}).at(0); }

}  // namespace kaso::bootstrap::testing
