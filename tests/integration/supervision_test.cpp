// Supervision through the real kaso-server and real qemu (TCG, host-only network with
// restrict=on): a qemu killed with SIGKILL is restarted under on-failure; a crash loop ends in
// `failed` after the limit and a user's start clears it; a clean guest poweroff (a boot sector
// that powers the machine off through ACPI) is not restarted under on-failure but is under always,
// and is recognised for a re-adopted qemu too; a stop cancels a scheduled restart; --autostart
// starts an instance when the server starts; an instance manager made to fail is restarted and
// its VM keeps running and stays watched; the CLI's restart options. Issue #5.
#include <signal.h>
#include <stdlib.h>

#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

// A 1 MiB raw disk whose boot sector waits `delay_us` (BIOS int 15h, ah=86h), then powers the
// machine off through ACPI (SLP_EN with S5 in PM1a_CNT: port 0x604 on q35, 0xb004 elsewhere).
fs::path poweroff_disk(const fs::path& dir, std::uint32_t delay_us) {
  std::vector<unsigned char> code = {
      0xFB,                                          // sti
      0xB4, 0x86,                                    // mov ah, 0x86
      0xB9, static_cast<unsigned char>(delay_us >> 16), static_cast<unsigned char>(delay_us >> 24),  // mov cx, high
      0xBA, static_cast<unsigned char>(delay_us), static_cast<unsigned char>(delay_us >> 8),         // mov dx, low
      0xCD, 0x15,                                    // int 0x15
      0xB8, 0x00, 0x20,                              // mov ax, 0x2000
      0xBA, 0x04, 0x06, 0xEF,                        // mov dx, 0x604; out dx, ax
      0xBA, 0x04, 0xB0, 0xEF,                        // mov dx, 0xb004; out dx, ax
      0xFA, 0xF4, 0xEB, 0xFD,                        // cli; hlt; jmp hlt
  };
  std::vector<unsigned char> disk(1 << 20, 0);
  std::copy(code.begin(), code.end(), disk.begin());
  disk[510] = 0x55;
  disk[511] = 0xAA;
  auto path = dir / ("poweroff-" + std::to_string(delay_us) + ".raw");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(disk.data()), static_cast<std::streamsize>(disk.size()));
  return path;
}

nlohmann::json events_of(const server_harness& s, const nlohmann::json& instance) {
  return s.get_json("/api/v1/events?kind=instance&id=" + instance["id"].dump());
}

std::vector<std::string> types_of(const nlohmann::json& evs, std::size_t from = 0) {
  std::vector<std::string> out;
  for (std::size_t k = from; k < evs.size(); ++k) out.push_back(evs[k]["type"]);
  return out;
}

bool has(const std::vector<std::string>& types, const std::string& type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

pid_t start(fixture& f, const std::string& name) {
  auto started = call(f.s, "POST", "/api/v1/instances/" + name + "/start");
  EXPECT_EQ(started.status, 200) << started.body.dump();
  pid_t pid = started.body.value("pid", 0);
  EXPECT_GT(pid, 0) << "no qemu pid for " << name;
  return pid;
}

// Kills qemu with SIGKILL and waits until the supervisor runs a new one; returns its pid.
pid_t kill_and_wait_for_restart(fixture& f, const std::string& name, pid_t pid) {
  if (!kill_qemu(pid)) {
    ADD_FAILURE() << "qemu " << pid << " of " << name << " could not be killed";
    return 0;
  }
  auto again = wait_instance(f.s, name, [pid](const nlohmann::json& i) { return i["state"] == "running" && i["pid"] != pid; });
  return again.value("pid", 0);
}

TEST(supervision_it, a_qemu_killed_with_sigkill_is_restarted_under_on_failure) {
  fixture f;
  auto vm = f.create("vm1", {{"restart_backoff_ms", 0}});
  EXPECT_EQ(vm["restart"]["policy"], "on-failure") << "the default";
  pid_t first = start(f, "vm1");
  auto before = events_of(f.s, vm).size();
  pid_t second = kill_and_wait_for_restart(f, "vm1", first);
  EXPECT_TRUE(alive(second));
  std::ifstream cmdline("/proc/" + std::to_string(second) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), {});
  EXPECT_NE(args.find("qemu-system-x86_64"), std::string::npos);
  auto evs = events_of(f.s, vm);
  EXPECT_EQ(types_of(evs, before), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled",
                                                             "instance.starting", "instance.restarted"}));
  EXPECT_EQ(evs[before]["payload"]["signal"], 9);
  EXPECT_EQ(evs[before]["payload"]["reason"], "qemu was killed by signal 9");
  EXPECT_EQ(evs[before]["cause"]["origin"], "supervisor");
  EXPECT_EQ(evs[before + 1]["payload"]["delay_ms"], 0);
  EXPECT_EQ(evs.back()["payload"]["pid"], second);
  EXPECT_EQ(evs.back()["payload"]["attempt"], 1);
  // The restarted qemu is watched like the first: stopping it is a stop, not a crash.
  auto stopped = call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}});
  EXPECT_EQ(stopped.body["state"], "stopped");
  EXPECT_FALSE(alive(second));
}

TEST(supervision_it, a_crash_loop_ends_in_failed_and_a_user_start_clears_it) {
  fixture f;
  auto vm = f.create("loop", {{"restart_limit", 2}, {"restart_window", 600}, {"restart_backoff_ms", 0}});
  pid_t pid = start(f, "loop");
  for (int k = 0; k < 2; ++k) pid = kill_and_wait_for_restart(f, "loop", pid);
  ASSERT_TRUE(kill_qemu(pid));
  auto failed = wait_instance(f.s, "loop", [](const nlohmann::json& i) { return i["state"] == "failed"; });
  EXPECT_NE(failed["message"].get<std::string>().find("gave up after 2 restarts within 600 s"), std::string::npos)
      << failed["message"];
  EXPECT_EQ(types_of(events_of(f.s, vm)).back(), "instance.gave_up");
  EXPECT_EQ(failed["pid"], 0);

  pid_t again = start(f, "loop");
  EXPECT_TRUE(alive(again)) << "a user's start clears failed";
  auto restarted = kill_and_wait_for_restart(f, "loop", again);
  EXPECT_GT(restarted, 0) << "with a fresh restart history";
  call(f.s, "POST", "/api/v1/instances/loop/stop", {{"force", true}});
}

TEST(supervision_it, a_guest_poweroff_restarts_only_under_always) {
  fixture f;
  f.add_image("poweroff", poweroff_disk(f.s.root(), 3000000));
  nlohmann::json common = {{"image", "poweroff"}, {"bootstrapper", "none"}, {"restart_backoff_ms", 0}};
  auto calm = common;
  calm["restart"] = "on-failure";
  auto keen = common;
  keen["restart"] = "always";
  auto on_failure = f.create("calm", calm);
  auto always = f.create("keen", keen);
  pid_t calm_pid = start(f, "calm");
  pid_t keen_pid = start(f, "keen");

  auto stopped = wait_instance(f.s, "calm", [](const nlohmann::json& i) { return i["state"] == "stopped"; }, std::chrono::seconds(90));
  EXPECT_FALSE(alive(calm_pid));
  auto calm_events = events_of(f.s, on_failure);
  EXPECT_EQ(calm_events.back()["type"], "instance.stopped");
  EXPECT_EQ(calm_events.back()["payload"]["ended_by"], "guest");
  EXPECT_EQ(calm_events.back()["payload"]["exit_code"], 0);
  EXPECT_FALSE(has(types_of(calm_events), "instance.restart_scheduled")) << "a poweroff is not a failure";

  wait_instance(f.s, "keen", [keen_pid](const nlohmann::json& i) { return i["state"] == "running" && i["pid"] != keen_pid; },
                std::chrono::seconds(90));
  auto keen_types = types_of(events_of(f.s, always));
  auto poweroff = std::find(keen_types.begin(), keen_types.end(), "instance.stopped");
  ASSERT_NE(poweroff, keen_types.end());
  EXPECT_EQ(std::vector<std::string>(poweroff, poweroff + 4),
            (std::vector<std::string>{"instance.stopped", "instance.restart_scheduled", "instance.starting",
                                      "instance.restarted"}));
  EXPECT_FALSE(has(keen_types, "instance.crashed"));
  call(f.s, "POST", "/api/v1/instances/keen/stop", {{"force", true}});
}

// A qemu that is no longer our child (the server restarted) gives no exit status: its QMP
// SHUTDOWN event tells a guest poweroff from a crash.
TEST(supervision_it, a_readopted_guest_poweroff_is_a_stop) {
  fixture f;
  f.add_image("poweroff", poweroff_disk(f.s.root(), 8000000));
  auto vm = f.create("calm", {{"image", "poweroff"}, {"bootstrapper", "none"}});
  pid_t pid = start(f, "calm");
  f.s.kill9();
  f.s.start();
  ASSERT_EQ(f.s.get_json("/api/v1/instances/calm")["pid"], pid) << "re-adopted";
  auto stopped = wait_instance(f.s, "calm", [](const nlohmann::json& i) { return i["state"] != "running"; }, std::chrono::seconds(90));
  EXPECT_EQ(stopped["state"], "stopped");
  auto evs = events_of(f.s, vm);
  EXPECT_EQ(evs.back()["type"], "instance.stopped");
  EXPECT_EQ(evs.back()["payload"]["ended_by"], "guest");
}

TEST(supervision_it, a_stop_cancels_a_scheduled_restart) {
  fixture f;
  auto vm = f.create("slow", {{"restart_backoff_ms", 600000}, {"restart_backoff_max_ms", 600000}});
  pid_t pid = start(f, "slow");
  ASSERT_TRUE(kill_qemu(pid));
  auto restarting = wait_instance(f.s, "slow", [](const nlohmann::json& i) { return i["state"] == "restarting"; });
  EXPECT_FALSE(restarting["restart"]["due"].is_null());
  auto stopped = call(f.s, "POST", "/api/v1/instances/slow/stop");
  EXPECT_EQ(stopped.status, 200);
  EXPECT_EQ(stopped.body["state"], "stopped");
  EXPECT_EQ(types_of(events_of(f.s, vm)).back(), "instance.restart_cancelled");
  // A restart that was due when the server stopped is scheduled again at its start.
  f.create("later", {{"restart_backoff_ms", 1000}});
  pid_t later = start(f, "later");
  ASSERT_TRUE(kill_qemu(later));
  wait_instance(f.s, "later", [](const nlohmann::json& i) { return i["state"] == "restarting"; });
  f.s.kill9();
  f.s.start();
  wait_instance(f.s, "later", [later](const nlohmann::json& i) { return i["state"] == "running" && i["pid"] != later; });
  call(f.s, "POST", "/api/v1/instances/later/stop", {{"force", true}});
}

TEST(supervision_it, autostart_starts_instances_when_the_server_starts) {
  fixture f;
  auto vm = f.create("auto", {{"autostart", true}});
  f.create("manual");
  EXPECT_EQ(vm["autostart"], true);
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  auto running = wait_instance(f.s, "auto", [](const nlohmann::json& i) { return i["state"] == "running"; });
  EXPECT_TRUE(alive(running["pid"].get<pid_t>()));
  EXPECT_EQ(f.s.get_json("/api/v1/instances/manual")["state"], "created");
  auto evs = events_of(f.s, vm);
  auto starting = std::find_if(evs.begin(), evs.end(), [](const nlohmann::json& e) { return e["type"] == "instance.starting"; });
  ASSERT_NE(starting, evs.end());
  EXPECT_EQ((*starting)["cause"]["origin"], "autostart");
  // Running when the server stops: re-adopted at the next start, not started twice.
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  EXPECT_EQ(f.s.get_json("/api/v1/instances/auto")["pid"], running["pid"]);
  call(f.s, "POST", "/api/v1/instances/auto/stop", {{"force", true}});
}

// Instances are started by name: an instance may be named like another's id.
TEST(supervision_it, autostart_starts_the_instance_itself_when_another_is_named_by_its_id) {
  fixture f;
  auto a = f.create("a", {{"autostart", true}});
  f.create(a["id"].dump());
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  auto running = wait_instance(f.s, "a", [](const nlohmann::json& i) { return i["state"] == "running"; });
  EXPECT_EQ(f.s.get_json("/api/v1/instances/" + a["id"].dump())["state"], "created") << "not the one named like a's id";
  call(f.s, "POST", "/api/v1/instances/a/stop", {{"force", true}});
}

TEST(supervision_it, a_failed_instance_manager_is_restarted_and_its_vm_unaffected) {
  ::setenv("KASO_FAULT_INJECTION", "1", 1);
  fixture f;
  ::unsetenv("KASO_FAULT_INJECTION");
  auto vm = f.create("steady", {{"bootstrapper", "ci"}, {"restart_backoff_ms", 0}});
  pid_t pid = start(f, "steady");
  auto guest_socket = fs::path(vm["path"].get<std::string>()) / "guest.sock";
  ASSERT_TRUE(fs::exists(guest_socket));
  auto failed = call(f.s, "POST", "/api/v1/debug/fail/instances");
  ASSERT_EQ(failed.status, 202) << failed.body.dump();
  // The restarted manager answers from the log (during the few milliseconds of its restart,
  // requests answer 503), and its VM is the same process.
  reply after;
  ASSERT_TRUE(eventually([&] {
    after = call(f.s, "GET", "/api/v1/instances/steady");
    EXPECT_TRUE(after.status == 200 || after.status == 503) << after.body.dump();
    return after.status == 200;
  }));
  EXPECT_EQ(after.body["state"], "running");
  EXPECT_EQ(after.body["pid"], pid);
  EXPECT_TRUE(alive(pid));
  EXPECT_NE(f.s.log().find("instance manager failed"), std::string::npos) << f.s.log();
  eventually([&] { return f.s.log().find("re-adopted") != std::string::npos; });
  EXPECT_NE(f.s.log().find("qemu pid " + std::to_string(pid) + " re-adopted"), std::string::npos) << f.s.log();
  EXPECT_TRUE(fs::exists(guest_socket)) << "the old listener did not remove its successor's socket";
  // Still watched: a crash is noticed by the new manager and the VM restarted.
  pid_t restarted = kill_and_wait_for_restart(f, "steady", pid);
  EXPECT_TRUE(alive(restarted));
  call(f.s, "POST", "/api/v1/instances/steady/stop", {{"force", true}});
}

TEST(supervision_it, the_cli_sets_and_shows_the_policy) {
  fixture f;
  auto created = f.s.kaso({"instance", "create", "-n", "cli1", "--network-id", "default_host_network", "--image-id", "blank",
                           "--ram", "64", "-s", "128M", "--identity", "alice", "--restart", "always", "--restart-limit", "3", "--restart-window",
                           "30", "--restart-backoff", "50", "--restart-backoff-max", "400", "--autostart"});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  auto vm = f.s.kaso_json({"instance", "get", "cli1"});
  EXPECT_EQ(vm["autostart"], true);
  EXPECT_EQ(vm["restart"]["policy"], "always");
  EXPECT_EQ(vm["restart"]["limit"], 3);
  EXPECT_EQ(vm["restart"]["window"], 30);
  EXPECT_EQ(vm["restart"]["backoff_ms"], 50);
  EXPECT_EQ(vm["restart"]["backoff_max_ms"], 400);
  auto modified = f.s.kaso({"instance", "modify", "cli1", "--restart", "never", "--no-autostart"});
  ASSERT_EQ(modified.exit_code, 0) << modified.stderr_text;
  vm = f.s.kaso_json({"instance", "get", "cli1"});
  EXPECT_EQ(vm["restart"]["policy"], "never");
  EXPECT_EQ(vm["autostart"], false);
  auto shown = f.s.kaso({"instance", "get", "cli1"});
  EXPECT_NE(shown.stdout_text.find("never, at most 3 in 30 s, backoff 50-400 ms"), std::string::npos) << shown.stdout_text;

  auto events_before = f.s.get_json("/api/v1/events").size();
  for (const auto& bad : std::vector<std::vector<std::string>>{{"--restart", "sometimes"},
                                                               {"--restart-limit", "-1"},
                                                               {"--restart-window", "0"},
                                                               {"--restart-backoff", "5000", "--restart-backoff-max", "100"},
                                                               {"--autostart", "--no-autostart"}}) {
    std::vector<std::string> argv = {"instance", "modify", "cli1"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    auto r = f.s.kaso(argv);
    EXPECT_NE(r.exit_code, 0) << bad[0];
    EXPECT_EQ(std::count(r.stderr_text.begin(), r.stderr_text.end(), '\n'), 1) << r.stderr_text;
  }
  EXPECT_EQ(call(f.s, "PATCH", "/api/v1/instances/cli1", {{"restart_window", "60"}}).status, 400);
  EXPECT_EQ(call(f.s, "PATCH", "/api/v1/instances/cli1", {{"autostart", 1}}).status, 400);
  EXPECT_EQ(f.s.get_json("/api/v1/events").size(), events_before) << "refusals record nothing";
}

}  // namespace
}  // namespace kaso::testing
