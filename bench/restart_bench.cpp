// Crash-to-relaunch (issue #5): a real kaso-server supervises an instance with a zero backoff
// (restart policy on-failure); each round kills its qemu with SIGKILL and measures
//   spawned:    from the SIGKILL until a new qemu process of that instance exists (seen by
//               scanning /proc in a tight loop: resolution well under a millisecond);
//   restarted:  from the SIGKILL until the server recorded instance.restarted, i.e. until kaso saw
//               the new qemu answer QMP with "running" (the event's own timestamp).
// Target: median spawned < 100 ms (systemd's default RestartSec). The VM is firmware only, on
// default_host_network (user networking, restrict=on). Run it alone on the machine it measures.
//   kaso_bench_restart [--rounds N] [--server-bin PATH]
#include <dirent.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "bench_server.hpp"
#include "bench_util.hpp"

using namespace kaso::bench;
namespace fs = std::filesystem;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";
constexpr auto wait_limit = std::chrono::seconds(60);

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A qemu process other than `old` whose command line names `marker` (the instance directory).
pid_t find_qemu(const std::string& marker, pid_t old) {
  DIR* d = opendir("/proc");
  pid_t found = 0;
  while (dirent* e = readdir(d)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0 || pid == old) continue;
    auto cmdline = read_text("/proc/" + std::string(e->d_name) + "/cmdline");
    if (cmdline.find("qemu-system") != std::string::npos && cmdline.find(marker) != std::string::npos) {
      found = pid;
      break;
    }
  }
  closedir(d);
  return found;
}

// The time of the last instance.restarted of instance `id` with this pid, once recorded.
std::int64_t restarted_at(const fs::path& socket, const std::string& id, pid_t pid) {
  auto evs = call(socket, "GET", "/api/v1/events?kind=instance&id=" + id).body;
  if (!evs.is_array()) return 0;
  for (auto it = evs.rbegin(); it != evs.rend(); ++it) {
    if ((*it)["type"] == "instance.restarted" && (*it)["payload"]["pid"] == pid) return (*it)["time_us"].get<std::int64_t>();
  }
  return 0;
}

bool run_quiet(const std::vector<std::string>& argv, const fs::path& log) {
  pid_t pid = spawn(argv, log);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 20;
  std::string server_bin = KASO_SERVER_BIN;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--server-bin") == 0) server_bin = argv[i + 1];
  }
  auto started_server = start_server("restart", server_bin);
  const fs::path dir = started_server.dir;
  const fs::path socket = started_server.socket;
  const pid_t server = started_server.pid;
  auto deadline = steady::now() + wait_limit;
  bool ok = server > 0;
  ok = ok && call(socket, "POST", "/api/v1/identities", {{"name", "bench"}, {"public_key", key_line}}).status == 201;
  ok = ok && run_quiet({"qemu-img", "create", "-q", "-f", "qcow2", (dir / "blank.qcow2").string(), "64M"}, dir / "tools.log");
  ok = ok && call(socket, "POST", "/api/v1/images", {{"name", "blank"}, {"file", (dir / "blank.qcow2").string()}}).status == 202;
  while (ok && call(socket, "GET", "/api/v1/images/blank").status != 200 && steady::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto vm = call(socket, "POST", "/api/v1/instances",
                 {{"name", "crashy"}, {"image", "blank"}, {"network", "default_host_network"}, {"identities", {"bench"}},
                  {"ram", 64}, {"disk_size", 128 << 20}, {"bootstrapper", "none"}, {"restart_backoff_ms", 0},
                  {"restart_limit", 1000}, {"restart_window", 1}});
  auto started = call(socket, "POST", "/api/v1/instances/crashy/start");
  if (!ok || vm.status != 201 || started.status != 200) {
    std::fprintf(stderr, "set-up failed: %s %s\n%s\n", vm.body.dump().c_str(), started.body.dump().c_str(),
                 read_text(dir / "server.log").c_str());
    end_child(server);
    return 1;
  }
  const std::string marker = vm.body["path"].get<std::string>() + "/";
  const std::string id = vm.body["id"].dump();
  pid_t pid = started.body["pid"];
  std::vector<double> spawned, restarted;
  for (int r = 0; r < rounds && ok; ++r) {
    // Each round waits a second first, so that the restart window (1 s) never fills up.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto t0 = steady::now();
    auto t0_us = now_us();
    if (auto s = kaso::platform::signal_program(pid, SIGKILL, "qemu-system"); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.error().message().c_str());
      ok = false;
      break;
    }
    pid_t next = 0;
    while ((next = find_qemu(marker, pid)) == 0 && steady::now() - t0 < wait_limit) {
    }
    spawned.push_back(ms_since(t0));
    std::int64_t at = 0;
    while (next != 0 && (at = restarted_at(socket, id, next)) == 0 && steady::now() - t0 < wait_limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ok = next != 0 && at != 0;
    restarted.push_back(static_cast<double>(at - t0_us) / 1000.0);
    pid = next;
  }
  if (!ok) std::fprintf(stderr, "a restart was not seen:\n%s\n", read_text(dir / "server.log").c_str());
  call(socket, "POST", "/api/v1/instances/crashy/stop", {{"force", true}});
  end_child(server);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  if (!ok) return 1;
  std::printf("%d rounds, zero backoff, TCG, firmware-only VM\n", rounds);
  figure("SIGKILL -> new qemu process, median", percentile(spawned, 50), "ms", "< 100 ms");
  figure("SIGKILL -> new qemu process, p90", percentile(spawned, 90), "ms", "-");
  figure("SIGKILL -> instance.restarted (QMP running), median", percentile(restarted, 50), "ms", "-");
  figure("SIGKILL -> instance.restarted (QMP running), p90", percentile(restarted, 90), "ms", "-");
  return 0;
}
