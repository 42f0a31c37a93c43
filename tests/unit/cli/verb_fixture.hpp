// verb_fixture: what the verb tests share. Each test has its own fake kaso-server, runs kaso
// against it, and checks the one request the verb sent. A test suite derives from it, so that its
// tests keep their suite's name (`class image_verbs : public testing::verb_fixture {};`). Also
// write_file, for the files a verb reads (a key file, a configuration).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "fake_api_server.hpp"
#include "run_kaso.hpp"

namespace kaso::cli::testing {

// Writes `text` to `path` as is; returns `path`.
inline std::filesystem::path write_file(const std::filesystem::path& path,
                                        const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class verb_fixture : public ::testing::Test {
 protected:
  fake_api_server server;

  // kaso with `args` against `server`.
  outcome kaso(std::vector<std::string> args) { return run_kaso(server, std::move(args)); }

  // The one request the server received; a failure (and an empty request) when there were more
  // or none.
  recorded_request only_request() {
    auto requests = server.requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? recorded_request{} : requests.front();
  }
};

}  // namespace kaso::cli::testing
