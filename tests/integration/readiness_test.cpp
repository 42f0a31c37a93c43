// Issue #17 through the real kaso-server and a real qemu (TCG, firmware only: no guest OS, so
// never ready): qemu logs the serial console to console.log, the boot watcher reads this boot's
// part of it for the stage the API shows, GET .../console-log and `kaso instance logs` serve it
// with bounded queries, and `start --wait` on a guest that never boots fails with the console's
// last lines while the instance keeps running. (Readiness itself needs sshd in a guest: the end
// to end test checks instance.ready on every boot.)
#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

void append(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::app | std::ios::binary) << text; }

std::string cmdline_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(readiness_it, issue_17_the_console_is_logged_served_and_read_for_the_boot_stage) {
  fixture f;
  auto vm = f.create("vm1", {{"restart", "never"}});
  const fs::path log = vm["console_log_path"].get<std::string>();
  EXPECT_EQ(log, fs::path(vm["path"].get<std::string>()) / "console.log");
  append(log, "an earlier boot: Linux version 5.10\r\nold login: \r\n");
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump();
  EXPECT_NE(cmdline_of(started.body["pid"]).find("logfile=" + log.string() + ",logappend=on"), std::string::npos);
  auto firmware = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(firmware["boot_stage"], "firmware") << "an earlier boot's lines do not count";
  EXPECT_EQ(firmware["ready"], false);
  append(log, "[    0.000000] Linux version 6.1.0-27-cloud-amd64\r\n");
  wait_instance(f.s, "vm1", [](const nlohmann::json& i) { return i["boot_stage"] == "kernel"; });
  append(log, "Debian GNU/Linux 12 vm1 ttyS0\r\n\r\nvm1 login: ");
  auto at_login = wait_instance(f.s, "vm1", [](const nlohmann::json& i) { return i["boot_stage"] == "login_prompt"; });
  EXPECT_EQ(at_login["ready"], false) << "no sshd answers: not ready";

  auto http = f.s.http();
  auto tail = http->Get("/api/v1/instances/vm1/console-log?tail=11");
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 200);
  EXPECT_EQ(tail->body, "vm1 login: ");
  auto end = tail->get_header_value("X-Kaso-Console-End");
  EXPECT_EQ(end, std::to_string(fs::file_size(log)));
  append(log, "more\r\n");
  auto next = http->Get("/api/v1/instances/vm1/console-log?from=" + end);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "more\r\n");
  for (const char* bad : {"tail=abc", "tail=4194305", "from=-1", "tail=1e3"}) {
    auto refused = http->Get(std::string("/api/v1/instances/vm1/console-log?") + bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
    EXPECT_NE(refused->body.find("\"error\""), std::string::npos) << refused->body;
  }
  EXPECT_EQ(call(f.s, "GET", "/api/v1/instances/nope/console-log").status, 404);
  auto cli = f.s.kaso({"instance", "logs", "vm1", "-n", "1"});
  EXPECT_EQ(cli.exit_code, 0) << cli.stderr_text;
  EXPECT_EQ(cli.stdout_text, "vm1 login: more\r\n");

  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
  auto stopped = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(stopped["boot_stage"], nullptr);
  EXPECT_EQ(stopped["ready"], false);
  auto kept = f.s.kaso({"instance", "logs", "vm1"});
  EXPECT_NE(kept.stdout_text.find("an earlier boot"), std::string::npos) << "kept across boots";
}

TEST(readiness_it, issue_17_start_wait_on_a_guest_that_never_boots_fails_with_its_console) {
  fixture f;
  auto vm = f.create("vm2", {{"restart", "never"}});
  append(vm["console_log_path"].get<std::string>(), "Boot failed: not a bootable disk\r\n");
  auto r = f.s.kaso({"instance", "start", "vm2", "--wait", "--wait-timeout", "2"}, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_text.rfind("Started instance vm2 (pid ", 0), 0u) << r.stdout_text;
  EXPECT_NE(r.stderr_text.find("vm2: firmware\n"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("Last console lines of vm2:\n  | Boot failed: not a bootable disk\n"), std::string::npos)
      << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("kaso: instance vm2 was not ready within 2 s (it reached: firmware); kaso instance logs "
                               "vm2 shows its console\n"),
            std::string::npos)
      << r.stderr_text;
  auto still = f.s.get_json("/api/v1/instances/vm2");
  EXPECT_EQ(still["state"], "running") << "a wait that gives up leaves the instance as it is";
  auto types = event_types(f.s, "instance");
  EXPECT_EQ(std::count(types.begin(), types.end(), "instance.ready"), 0);
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm2/stop", {{"force", true}}).status, 200);
}

}  // namespace
}  // namespace kaso::testing
