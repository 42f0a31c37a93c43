// `kaso image create` waiting for its task: the progress it shows, what it prints when the task
// completes, fails or is cancelled, and Ctrl-C detaching from a task that goes on. The fake
// server answers GET /tasks/7 from a script that a test's pause advances between two polls, so
// the waits are deterministic (no sleeps), except the test that sends a real SIGINT.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

#include "cli/command.hpp"
#include "cli/image/verbs.hpp"
#include "image_test_data.hpp"
#include "run_kaso.hpp"

namespace kaso::cli {
namespace {

using testing::image_task;
using testing::jammy_url;
using testing::MiB;

const std::string task_path = "/api/v1/tasks/7";

// A wait_env whose pause answers the next poll from `script` (the last answer repeats) and whose
// clock moves `tick` per reading.
struct scripted_wait {
  testing::fake_api_server& server;
  std::vector<nlohmann::json> script;
  std::chrono::seconds tick{1};
  std::size_t terminal_width = 0;  // 0: not a terminal
  std::function<void()> on_pause = [] {};
  std::size_t next = 0;
  std::chrono::steady_clock::time_point clock{};

  void start() { advance(); }

  void advance() {
    if (next < script.size()) server.answer("GET", task_path, 200, script[next++]);
  }

  task::wait_env env() {
    auto pause = [this] {
      advance();
      on_pause();
    };
    auto now = [this] { return clock += tick; };
    auto width = [this](const std::ostream&) { return terminal_width; };
    return {pause, now, width};
  }
};

class image_create_wait : public ::testing::Test {
 protected:
  testing::fake_api_server server;
  scripted_wait wait{server, {}};

  image_create_wait() {
    server.answer("POST", "/api/v1/images", 202, image_task(7, "running", 0, 0, 0));
  }

  // `kaso image create ARGS` with the scripted wait instead of real time.
  testing::outcome create(const std::vector<std::string>& args) {
    wait.start();
    auto verb = image::make_create(wait.env());
    std::ostringstream out, err;
    auto connect = [this]() -> result<api_client> {
      return api_client(parse_endpoint(server.address()).value());
    };
    int code = run_command(*verb, args, connect, out, err);
    return {code, out.str(), err.str()};
  }

  std::vector<std::string> request_lines() {
    std::vector<std::string> lines;
    for (const auto& r : server.requests()) lines.push_back(r.method + " " + r.target);
    return lines;
  }
};

nlohmann::json running(std::uint64_t done_mib) {
  return image_task(7, "running", done_mib * MiB, 650 * MiB, 10.0 * MiB);
}

nlohmann::json completed() {
  return image_task(7, "completed", 650 * MiB, 650 * MiB, 10.0 * MiB, "image.download", 1);
}

std::string bar(std::size_t full, std::size_t spaces) {
  std::string s;
  for (std::size_t i = 0; i < full; ++i) s += "━";
  return s + std::string(spaces, ' ');
}

TEST_F(image_create_wait, polls_until_completed_and_prints_the_new_image_id) {
  wait.script = {running(120), running(390), completed()};

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Created image with id 1\n");
  // Off a terminal: what starts, and the completed line.
  EXPECT_EQ(r.err, "Download image jammy...\n"
                   "Download image jammy... " +
                       bar(40, 0) + " 100% 650.0/650.0 MiB 10.0 MiB/s ETA 0:00:00\n");
  EXPECT_EQ(request_lines(), (std::vector<std::string>{"POST /api/v1/images", "GET " + task_path,
                                                       "GET " + task_path, "GET " + task_path}));
  EXPECT_EQ(server.requests().front().json(),
            (nlohmann::json{{"name", "jammy"}, {"url", jammy_url}}));
}

// Issue #16: off a terminal (a log, a pipe) the start and the end only, however long it takes; with
// -q nothing at all.
TEST_F(image_create_wait, issue_16_off_a_terminal_writes_the_start_and_the_end_only) {
  wait.script = {running(0), running(120), running(390), completed()};
  wait.tick = std::chrono::seconds(5);

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "Download image jammy...\n"
                   "Download image jammy... " +
                       bar(40, 0) + " 100% 650.0/650.0 MiB 10.0 MiB/s ETA 0:00:00\n");
}

TEST_F(image_create_wait, issue_16_quiet_shows_no_progress) {
  wait.script = {running(120), completed()};
  wait.terminal_width = 120;

  auto r = create({"-n", "jammy", "--url", jammy_url, "-q"});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Created image with id 1\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(image_create_wait, on_a_terminal_redraws_one_line_in_colour) {
  wait.script = {running(120), running(390), completed()};
  wait.terminal_width = 120;

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Created image with id 1\n");
  const std::string pink = "\x1b[38;2;249;38;114m", grey = "\x1b[38;2;58;58;58m",
                    green = "\x1b[38;2;114;156;31m", reset = "\x1b[0m", clear = "\x1b[K";
  EXPECT_EQ(r.err, "\rDownload image jammy... " + pink + bar(7, 0) + grey + "╺" + bar(32, 0) +
                       reset + "  18% 120.0/650.0 MiB 10.0 MiB/s ETA 0:00:53" + clear +
                       "\rDownload image jammy... " + pink + bar(24, 0) + grey + "╺" +
                       bar(15, 0) + reset + "  60% 390.0/650.0 MiB 10.0 MiB/s ETA 0:00:26" +
                       clear + "\rDownload image jammy... " + green + bar(40, 0) + reset +
                       " 100% 650.0/650.0 MiB 10.0 MiB/s ETA 0:00:00" + clear + "\n");
}

TEST_F(image_create_wait, on_a_narrow_terminal_narrows_the_bar_to_fit) {
  wait.script = {running(120), completed()};
  wait.terminal_width = 80;

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 0) << r.err;
  const std::string plain = std::regex_replace(r.err, std::regex("\x1b\\[[0-9;]*[mK]"), "");
  // 18% of 11 cells is 2 (and no half): 79 columns in all.
  EXPECT_EQ(plain, "\rDownload image jammy... " + bar(2, 0) + "╺" + bar(8, 0) +
                       "  18% 120.0/650.0 MiB 10.0 MiB/s ETA 0:00:53"
                       "\rDownload image jammy... " +
                       bar(11, 0) + " 100% 650.0/650.0 MiB 10.0 MiB/s ETA 0:00:00\n");
}

TEST_F(image_create_wait, with_json_prints_the_completed_task) {
  wait.script = {completed()};
  auto r = create({"-n", "jammy", "--url", jammy_url, "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, completed().dump(2) + "\n");
}

TEST_F(image_create_wait, a_failed_task_is_exit_1_with_its_message) {
  auto failed = image_task(7, "failed", 3 * MiB, 650 * MiB, 0, "image.download", 0,
                           "download failed: HTTP 404 from " + jammy_url);
  wait.script = {running(0), failed};

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "Download image jammy...\n"
                   "kaso: image jammy: download failed: HTTP 404 from " +
                       jammy_url + "\n");
}

TEST_F(image_create_wait, a_cancelled_task_without_a_message_says_so) {
  wait.script = {image_task(7, "cancelled", 0, 0, 0, "image.import")};
  auto r = create({"-n", "jammy", "--file", "/srv/jammy.qcow2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: image jammy: the task was cancelled\n");
}

TEST_F(image_create_wait, a_task_that_disappears_is_exit_1_with_the_server_message) {
  server.answer("GET", task_path, 404, testing::api_error("not_found", "task 7 does not exist"));
  auto r = create({"-n", "jammy", "--url", jammy_url});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: task 7 does not exist\n");
}

TEST_F(image_create_wait, ctrl_c_between_polls_detaches_and_restores_sigint) {
  wait.script = {running(120)};
  wait.on_pause = [] { std::raise(SIGINT); };

  auto r = create({"-n", "jammy", "--url", jammy_url});

  EXPECT_EQ(r.code, 130);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "Download image jammy...\n"
                   "Detached from task 7; the download goes on (kaso task get 7)\n");
  EXPECT_EQ(request_lines(),
            (std::vector<std::string>{"POST /api/v1/images", "GET " + task_path}));
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

// The real thing: kaso as a user runs it (real 200 ms pauses), SIGINT from another thread.
TEST(image_create_detach, sigint_while_waiting_exits_130_and_leaves_the_task_running) {
  testing::fake_api_server server;
  server.answer("POST", "/api/v1/images", 202, image_task(7, "running", 0, 0, 0));
  server.answer("GET", task_path, 200, running(120));

  testing::outcome r{};
  std::thread kaso([&] {
    r = testing::run_kaso(server, {"image", "create", "-n", "jammy", "--url", jammy_url});
  });
  auto polled = [&] {
    for (const auto& request : server.requests()) {
      if (request.target == task_path) return true;
    }
    return false;
  };
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!polled() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(polled()) << "kaso never polled the task";
  // The handler is installed before the first poll; the signal goes to this thread, the flag
  // it sets is read by kaso's.
  std::raise(SIGINT);
  kaso.join();

  EXPECT_EQ(r.code, 130);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Detached from task 7; the download goes on (kaso task get 7)\n"),
            std::string::npos)
      << r.err;
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.target.find("/cancel"), std::string::npos) << request.target;
    EXPECT_NE(request.method, "DELETE");
  }
}

}  // namespace
}  // namespace kaso::cli
