// The accelerator under `auto` (issue #14): the real probe on whatever host this is picks an
// accelerator that runs an instance, says why, and records the choice once; on a host whose KVM
// aborts every qemu (a fake qemu that aborts under -accel kvm, as seen on machines of this kind)
// auto yields tcg and instances start; a configured kvm that aborts qemu says what to set.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

bool dev_kvm_opens() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// The absolute path of `name` in PATH, or empty.
std::string in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  for (std::size_t start = 0; start <= dirs.size();) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
    if (candidate.is_absolute() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

// Puts the fake qemu first in the server's PATH as qemu-system-x86_64.
void with_kvm_that_aborts(server_harness& s) {
  auto real = in_path("qemu-system-x86_64");
  ASSERT_FALSE(real.empty()) << "no qemu-system-x86_64 in PATH";
  auto dir = s.root() / "fake-bin";
  fs::create_directories(dir);
  fs::create_symlink(KASO_FAKE_QEMU_BIN, dir / "qemu-system-x86_64");
  const char* path = std::getenv("PATH");
  s.set_env("PATH", dir.string() + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
  s.set_env("KASO_FAKE_QEMU_REAL", real);
}

// The argument after `-accel` in the command line of the process `pid`.
std::string accel_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  for (std::string a; std::getline(in, a, '\0');) args.push_back(a);
  for (std::size_t k = 0; k + 1 < args.size(); ++k) {
    if (args[k] == "-accel") return args[k + 1];
  }
  return {};
}

std::vector<nlohmann::json> host_events(const server_harness& s) {
  auto all = s.get_json("/api/v1/events?kind=host");
  return {all.begin(), all.end()};
}

TEST(accelerator_it, the_real_probe_picks_an_accelerator_that_runs_an_instance_and_records_it_once) {
  fixture f;
  auto info = f.s.get_json("/api/v1/server");
  const std::string accel = info["accelerator"];
  EXPECT_TRUE(accel == "kvm" || accel == "tcg") << info.dump();
  EXPECT_FALSE(info["accelerator_reason"].get<std::string>().empty());
  std::cerr << "[accelerator] " << accel << ": " << info["accelerator_reason"].get<std::string>() << "\n";
  if (!dev_kvm_opens()) EXPECT_EQ(accel, "tcg");

  auto recorded = host_events(f.s);
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["type"], "host.accelerator_chosen");
  EXPECT_EQ(recorded[0]["payload"]["accelerator"], accel);
  EXPECT_EQ(recorded[0]["payload"]["configured"], "auto");

  f.create("vm1", {{"bootstrapper", "none"}});
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump();
  pid_t pid = started.body["pid"];
  ASSERT_GT(pid, 0);
  EXPECT_EQ(accel_of(pid), accel);
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).body["state"], "stopped");

  // The same choice at the next start is not recorded again; the CLI shows it.
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  EXPECT_EQ(host_events(f.s).size(), 1u);
  auto shown = f.s.kaso({"server", "info"});
  EXPECT_NE(shown.stdout_text.find("Accelerator"), std::string::npos) << shown.stdout_text;
  EXPECT_NE(shown.stdout_text.find(accel), std::string::npos) << shown.stdout_text;
}

// Issue #16: server info says which qemu runs the VMs (the binary found in PATH, its version) and
// where the server keeps its socket, log, images and instances.
TEST(accelerator_it, issue_16_server_info_names_the_qemu_and_the_paths) {
  fixture f;
  auto info = f.s.get_json("/api/v1/server");
  const std::string binary = info["qemu"]["binary"];
  EXPECT_TRUE(fs::path(binary).is_absolute()) << binary;
  EXPECT_TRUE(fs::exists(binary)) << binary;
  auto version = run({binary, "--version"}).stdout_text;
  EXPECT_EQ(info["qemu"]["version"], version.substr(0, version.find('\n')));
  EXPECT_EQ(info["qemu"]["version"].get<std::string>().rfind("QEMU emulator version", 0), 0u) << info.dump();
  EXPECT_EQ(info["paths"]["socket"], f.s.socket().string());
  EXPECT_EQ(info["paths"]["events"], (f.s.state_path() / "events").string());
  EXPECT_EQ(info["paths"]["images"], (f.s.state_path() / "images").string());
  EXPECT_EQ(info["paths"]["instances"], (f.s.state_path() / "instances").string());
  auto shown = f.s.kaso({"server", "info"}).stdout_text;
  EXPECT_NE(shown.find(binary), std::string::npos) << shown;
  EXPECT_NE(shown.find("Qemu Version"), std::string::npos) << shown;
  EXPECT_NE(shown.find((f.s.state_path() / "instances").string()), std::string::npos) << shown;
}

TEST(accelerator_it, issue_14_a_kvm_that_aborts_qemu_yields_tcg_and_instances_start) {
  if (!dev_kvm_opens()) GTEST_SKIP() << "/dev/kvm does not open here, so auto never probes (unit-tested)";
  fixture f(with_kvm_that_aborts);
  auto info = f.s.get_json("/api/v1/server");
  EXPECT_EQ(info["accelerator"], "tcg");
  const std::string reason = info["accelerator_reason"];
  EXPECT_NE(reason.find("could not run under KVM"), std::string::npos) << reason;
  EXPECT_NE(reason.find("signal 6"), std::string::npos) << reason;
  EXPECT_NE(reason.find("failed to set MSR 0x10a"), std::string::npos) << reason;
  auto recorded = host_events(f.s);
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["payload"]["accelerator"], "tcg");
  EXPECT_EQ(recorded[0]["payload"]["reason"], reason);
  EXPECT_NE(f.s.log().find("Accelerator tcg, no hardware acceleration"), std::string::npos) << f.s.log();

  f.create("vm1", {{"bootstrapper", "none"}});
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump();
  pid_t pid = started.body["pid"];
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(alive(pid));
  EXPECT_EQ(accel_of(pid), "tcg");
  EXPECT_EQ(f.s.get_json("/api/v1/instances/vm1")["state"], "running");
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).body["state"], "stopped");
}

TEST(accelerator_it, issue_14_a_configured_kvm_that_aborts_qemu_says_what_to_set) {
  if (!dev_kvm_opens()) GTEST_SKIP() << "/dev/kvm does not open here: accelerator kvm cannot be configured";
  fixture f([](server_harness& s) {
    with_kvm_that_aborts(s);
    s.write_config({{"accelerator", "kvm"}});
  });
  EXPECT_EQ(f.s.get_json("/api/v1/server")["accelerator"], "kvm");
  f.create("vm1", {{"bootstrapper", "none"}});
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  EXPECT_NE(started.status, 200);
  const std::string message = started.body["error"].value("message", "");
  EXPECT_NE(message.find("signal 6"), std::string::npos) << started.body.dump();
  EXPECT_NE(message.find("set \"accelerator\": \"tcg\""), std::string::npos) << started.body.dump();
  auto vm = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_NE(vm["message"].get<std::string>().find("\"accelerator\": \"tcg\""), std::string::npos) << vm.dump();
  auto cli = f.s.kaso({"instance", "start", "vm1"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.stderr_text.find("accelerator"), std::string::npos) << cli.stderr_text;
}

}  // namespace
}  // namespace kaso::testing
