// Tests of run_process with real programs from the base system (sh, cat, head, ls, sleep).
#include "platform/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kaso::platform {
namespace {

using namespace std::chrono_literals;

TEST(run_process, captures_stdout_stderr_and_exit_code) {
  auto r = run_process({"sh", "-c", "printf out; printf err >&2; exit 3"}, 5s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stdout_text, "out");
  EXPECT_EQ(r->stderr_text, "err");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->term_signal, 0);
  EXPECT_FALSE(r->succeeded());
}

TEST(run_process, arguments_are_passed_verbatim_without_a_shell) {
  auto r = run_process({"printf", "%s|", "a b", "$HOME", "*", ";rm -rf /"}, 5s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stdout_text, "a b|$HOME|*|;rm -rf /|");
  EXPECT_TRUE(r->succeeded());
}

TEST(run_process, stdin_is_dev_null) {
  auto r = run_process({"cat"}, 5s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stdout_text, "");
  EXPECT_TRUE(r->succeeded());
}

TEST(run_process, output_larger_than_a_pipe_buffer_is_complete) {
  auto r = run_process({"head", "-c", "3000000", "/dev/zero"}, 10s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stdout_text.size(), 3000000u);
}

TEST(run_process, reports_the_signal_that_ended_the_child) {
  auto r = run_process({"sh", "-c", "kill -TERM $$"}, 5s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->term_signal, 15);
  EXPECT_EQ(r->exit_code, -1);
}

TEST(run_process, missing_program_is_not_found) {
  auto r = run_process({"kaso-no-such-program-xyz"}, 5s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
  auto abs = run_process({"/nonexistent/dir/prog"}, 5s);
  ASSERT_FALSE(abs.ok());
  EXPECT_EQ(abs.error().code(), errc::not_found);
}

TEST(run_process, non_executable_file_is_permission_denied) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("kaso-noexec-" + std::to_string(::getpid()));
  std::ofstream(path) << "#!/bin/sh\necho hi\n";
  auto r = run_process({path.string()}, 5s);
  std::filesystem::remove(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::permission_denied);
}

TEST(run_process, empty_argv_is_invalid) {
  auto r = run_process({}, 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
}

TEST(run_process, timeout_kills_the_child_and_its_group) {
  const auto start = std::chrono::steady_clock::now();
  // The background sleep inherits the stdout pipe: only a group kill lets us see EOF early.
  auto r = run_process({"sh", "-c", "sleep 20 & sleep 20"}, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::timeout);
  EXPECT_NE(r.error().message().find("sh"), std::string::npos);
  EXPECT_LT(took, 3s);
}

TEST(run_process, our_descriptors_do_not_leak_into_the_child) {
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 0);
  ASSERT_EQ(::dup2(leaky, 77), 77);
  auto r = run_process({"ls", "/proc/self/fd"}, 5s);
  ::close(77);
  ::close(leaky);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  // 0, 1, 2 and the directory ls is reading; nothing of ours.
  std::istringstream lines(r->stdout_text);
  int entries = 0;
  for (std::string line; std::getline(lines, line); ++entries) {
    EXPECT_LE(std::stoi(line), 3) << r->stdout_text;
  }
  EXPECT_EQ(entries, 4) << r->stdout_text;
}

}  // namespace
}  // namespace kaso::platform
