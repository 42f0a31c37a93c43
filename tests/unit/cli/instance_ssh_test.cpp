// Issue #17: into an instance without knowing its port, user or host key. The pure parts of
// kaso instance shell|exec|copy (who logs in, the known_hosts kaso writes, the ssh and scp argv),
// then exec against a fake kaso-server with a fake ssh in PATH that records its argv and exits
// with a status of its own; kaso instance logs; start --wait.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/instance/ssh_access.hpp"
#include "instance_test_data.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using instance::copy_end;
using instance::parse_copy_end;
using instance::ssh_target;
using instance::ssh_target_of;
using testing::running_vm1;
namespace fs = std::filesystem;

nlohmann::json identities() {
  return nlohmann::json::array({{{"id", 1}, {"name", "debugger"}, {"public_key", nullptr}, {"password_set", true}},
                                {{"id", 2}, {"name", "tester"}, {"public_key", "ssh-ed25519 AAAAC3Nz tester"}}});
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(ssh_access, issue_17_the_user_is_the_first_identity_with_a_key_and_the_keys_are_the_phoned_home_ones) {
  auto t = ssh_target_of(running_vm1(), identities(), std::nullopt);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->user, "tester") << "identity 1 has only a password";
  EXPECT_EQ(t->port, 40022);
  EXPECT_EQ(t->host_keys, (std::map<std::string, std::string>{{"ssh-ed25519", testing::host_key}}));
  EXPECT_EQ(ssh_target_of(running_vm1(), identities(), std::string("root"))->user, "root");
}

TEST(ssh_access, issue_17_no_host_key_no_port_or_no_user_is_refused_with_what_to_do) {
  auto vm = running_vm1();
  vm["phone_home"] = nullptr;
  auto no_key = ssh_target_of(vm, identities(), std::nullopt);
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().message().find("has not phoned home"), std::string::npos) << no_key.error().message();
  vm = running_vm1();
  vm["ssh_port"] = 0;
  EXPECT_FALSE(ssh_target_of(vm, identities(), std::nullopt).ok());
  vm = running_vm1();
  vm["identity_ids"] = nlohmann::json::array({1});
  auto no_user = ssh_target_of(vm, identities(), std::nullopt);
  ASSERT_FALSE(no_user.ok());
  EXPECT_NE(no_user.error().message().find("--user"), std::string::npos);
}

TEST(ssh_access, issue_17_known_hosts_holds_only_the_recorded_keys_under_the_alias) {
  testing::temp_dir dir;
  auto t = *ssh_target_of(running_vm1(), identities(), std::nullopt);
  auto file = dir.path() / "known_hosts" / "vm1";
  ASSERT_TRUE(instance::write_known_hosts(file, t).ok());
  EXPECT_EQ(read_all(file), "kaso-vm1 ssh-ed25519 " + testing::host_key + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(ssh_access, issue_17_ssh_checks_the_host_key_strictly_and_quotes_the_command_words) {
  auto t = *ssh_target_of(running_vm1(), identities(), std::nullopt);
  auto argv = instance::ssh_argv(t, "/h/.kaso/known_hosts/vm1", std::string("/h/key"), {"echo", "a b", "it's"});
  EXPECT_EQ(argv, (std::vector<std::string>{
                      "ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes", "-o",
                      "UserKnownHostsFile=/h/.kaso/known_hosts/vm1", "-o", "GlobalKnownHostsFile=/dev/null", "-o",
                      "HostKeyAlias=kaso-vm1", "-o", "LogLevel=ERROR", "-i", "/h/key", "-o", "IdentitiesOnly=yes", "-p",
                      "40022", "tester@127.0.0.1", "--", "'echo' 'a b' 'it'\\''s'"}));
  auto shell = instance::ssh_argv(t, "/k", std::nullopt, {});
  EXPECT_EQ(shell.back(), "tester@127.0.0.1") << "no command: a login shell";
}

TEST(ssh_access, issue_17_copy_ends_name_an_instance_before_a_colon_without_a_slash) {
  auto remote = parse_copy_end("vm1:/etc/hostname");
  EXPECT_EQ(remote.instance, std::optional<std::string>("vm1"));
  EXPECT_EQ(remote.path, "/etc/hostname");
  EXPECT_FALSE(parse_copy_end("./a:b").instance);
  EXPECT_FALSE(parse_copy_end("/tmp/x").instance);
  EXPECT_FALSE(parse_copy_end(":x").instance);
  auto t = *ssh_target_of(running_vm1(), identities(), std::nullopt);
  auto argv = instance::scp_argv(t, "/k", std::nullopt, true, parse_copy_end("dir"), parse_copy_end("vm1:/tmp"));
  std::vector<std::string> tail(argv.end() - 6, argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"-P", "40022", "-r", "--", "dir", "tester@127.0.0.1:/tmp"}));
}

// A fake ssh first in PATH, and HOME in the test's directory, for the verbs run end to end.
class instance_ssh_verbs : public testing::verb_fixture {
 protected:
  void SetUp() override {
    old_path_ = std::getenv("PATH");
    old_home_ = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";
    auto bin = server.dir() / "bin";
    fs::create_directories(bin);
    testing::write_file(bin / "ssh", "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > \"$(dirname \"$0\")/argv\"\nexit 7\n");
    fs::permissions(bin / "ssh", fs::perms::owner_all);
    ::setenv("PATH", (bin.string() + ":" + old_path_).c_str(), 1);
    ::setenv("HOME", server.dir().c_str(), 1);
    server.answer("GET", "/api/v1/identities", 200, identities());
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    ::setenv("HOME", old_home_.c_str(), 1);
  }
  std::string old_path_, old_home_;
};

TEST_F(instance_ssh_verbs, issue_17_exec_runs_ssh_with_the_recorded_key_and_returns_its_status) {
  auto vm = running_vm1();
  vm["ready"] = true;
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto r = kaso({"instance", "exec", "vm1", "-i", "/h/key", "--", "hostname", "-f"});
  EXPECT_EQ(r.code, 7) << r.err;
  auto argv = read_all(server.dir() / "bin" / "argv");
  EXPECT_NE(argv.find("StrictHostKeyChecking=yes\n"), std::string::npos) << argv;
  EXPECT_NE(argv.find("tester@127.0.0.1\n--\n'hostname' '-f'\n"), std::string::npos) << argv;
  EXPECT_EQ(read_all(server.dir() / ".kaso" / "known_hosts" / "vm1"), "kaso-vm1 ssh-ed25519 " + testing::host_key + "\n");
}

TEST_F(instance_ssh_verbs, issue_17_exec_by_name_takes_the_words_after_dashes_as_the_command) {
  auto vm = running_vm1();
  vm["ready"] = true;
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto r = kaso({"instance", "exec", "--name", "vm1", "--", "true"});
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_NE(read_all(server.dir() / "bin" / "argv").find("--\n'true'\n"), std::string::npos);
  auto usage = kaso({"instance", "exec", "vm1"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("give the command to run after --"), std::string::npos) << usage.err;
}

TEST_F(instance_ssh_verbs, issue_17_a_stopped_instance_is_one_line_saying_how_to_start_it) {
  auto vm = testing::stopped_vm2();
  vm["name"] = "vm1";
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto r = kaso({"instance", "shell", "vm1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: instance vm1 is stopped: start it with kaso instance start vm1 --wait\n");
  EXPECT_FALSE(fs::exists(server.dir() / "bin" / "argv")) << "ssh never ran";
}

TEST_F(instance_ssh_verbs, issue_17_copy_needs_exactly_one_instance_side) {
  EXPECT_EQ(kaso({"instance", "copy", "a", "b"}).code, 2);
  EXPECT_EQ(kaso({"instance", "copy", "vm1:a", "vm1:b"}).code, 2);
  EXPECT_EQ(kaso({"instance", "copy", "vm1:", "b"}).code, 2);
}

class instance_logs : public testing::verb_fixture {};

TEST_F(instance_logs, issue_17_logs_print_the_console_and_n_keeps_the_last_lines) {
  server.answer_text("GET", "/api/v1/instances/vm1/console-log?tail=4194304", 200, "one\r\ntwo\r\nthree\r\n");
  auto all = kaso({"instance", "logs", "vm1"});
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "one\r\ntwo\r\nthree\r\n");
  auto last = kaso({"instance", "logs", "vm1", "-n", "2"});
  EXPECT_EQ(last.out, "two\r\nthree\r\n");
  EXPECT_EQ(kaso({"instance", "logs", "vm1", "-n", "0"}).out, "");
  auto missing = kaso({"instance", "logs", "nope"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.out, "");
}

class instance_wait : public testing::verb_fixture {};

TEST_F(instance_wait, issue_17_start_wait_returns_once_ready_and_says_how_to_get_in) {
  auto vm = running_vm1();
  server.answer("POST", "/api/v1/instances/vm1/start", 200, vm);
  vm["ready"] = true;
  vm["ready_after_s"] = 41.5;
  vm["boot_stage"] = "ssh";
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto r = kaso({"instance", "start", "vm1", "--wait"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Started instance vm1 (pid 1234)\nvm1 is ready (after 41.5 s): kaso instance shell vm1\n");
  EXPECT_EQ(r.err, "vm1: SSH ready\n");
}

TEST_F(instance_wait, issue_17_create_start_wait_creates_starts_and_waits) {
  auto vm = running_vm1();
  vm["state"] = "created";
  server.answer("POST", "/api/v1/instances", 201, vm);
  vm["state"] = "running";
  server.answer("POST", "/api/v1/instances/vm1/start", 200, vm);
  vm["ready"] = true;
  vm["ready_after_s"] = 30.5;
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto r = kaso({"instance", "create", "-n", "vm1", "--network", "n", "--image", "i", "--start", "--wait"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Created instance with id 1\nvm1 is ready (after 30.5 s): kaso instance shell vm1\n");
  auto started = kaso({"instance", "create", "-n", "vm1", "--network", "n", "--image", "i", "--start"});
  EXPECT_EQ(started.out, "Created instance with id 1\nStarted instance vm1 (pid 1234)\n");
  EXPECT_EQ(kaso({"instance", "create", "-n", "vm1", "--network", "n", "--image", "i", "--wait"}).code, 2)
      << "--wait goes with --start";
}

TEST_F(instance_wait, issue_17_a_boot_that_ends_or_never_gets_ready_fails_with_its_console) {
  auto vm = running_vm1();
  server.answer("POST", "/api/v1/instances/vm1/start", 200, vm);
  vm["ready"] = false;
  vm["boot_stage"] = "firmware";
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  server.answer_text("GET", "/api/v1/instances/vm1/console-log?tail=8192", 200, "SeaBIOS (version 1.16)\r\nBooting from Hard Disk...\r\nBoot failed: not a bootable disk\r\n");
  auto r = kaso({"instance", "start", "vm1", "--wait", "--wait-timeout", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Last console lines of vm1:\n  | SeaBIOS (version 1.16)\n  | Booting from Hard Disk...\n"
                       "  | Boot failed: not a bootable disk\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("kaso: instance vm1 was not ready within 1 s (it reached: firmware)"), std::string::npos) << r.err;
  vm["state"] = "crashed";
  vm["message"] = "qemu was killed by signal 9";
  server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  auto crashed = kaso({"instance", "start", "vm1", "--wait"});
  EXPECT_EQ(crashed.code, 1);
  EXPECT_NE(crashed.err.find("kaso: instance vm1 is crashed: qemu was killed by signal 9"), std::string::npos) << crashed.err;
  EXPECT_EQ(kaso({"instance", "start", "vm1", "--wait-timeout", "5"}).code, 2) << "--wait-timeout goes with --wait";
}

}  // namespace
}  // namespace kaso::cli
