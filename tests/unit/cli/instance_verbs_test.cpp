// The instance verbs that manage instances (list, get, create, modify, remove) against a fake
// kaso-server: the exact request each one sends and the exact text it prints. start, stop and
// restart are in instance_power_test.cpp, console in instance_console_test.cpp, command-line
// errors in instance_usage_test.cpp.
#include <gtest/gtest.h>

#include "instance_test_data.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::running_vm1;
using testing::stopped_vm2;

class instance_verbs : public testing::verb_fixture {};

TEST_F(instance_verbs, list_prints_state_and_the_ssh_forward) {
  server.answer("GET", "/api/v1/instances", 200,
                nlohmann::json::array({running_vm1(), stopped_vm2()}));

  auto r = kaso({"instance", "list"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────┬──────┬─────────┬───────┬──────────┬────────────┬─────────────────╮\n"
            "│ ID │ Name │ State   │ Ready │ Image ID │ Network ID │ SSH             │\n"
            "├────┼──────┼─────────┼───────┼──────────┼────────────┼─────────────────┤\n"
            "│ 1  │ vm1  │ running │ no    │ 1        │ 1          │ 127.0.0.1:40022 │\n"
            "│ 2  │ vm2  │ stopped │       │ 2        │ 1          │                 │\n"
            "╰────┴──────┴─────────┴───────┴──────────┴────────────┴─────────────────╯\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/instances");
}

TEST_F(instance_verbs, list_prints_exactly_the_api_json) {
  auto answer = nlohmann::json::array({running_vm1(), stopped_vm2()});
  server.answer("GET", "/api/v1/instances", 200, answer);
  auto r = kaso({"instance", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, answer.dump(2) + "\n");
}

TEST_F(instance_verbs, get_of_a_running_instance_shows_every_field) {
  server.answer("GET", "/api/v1/instances/vm1", 200, running_vm1());

  auto r = kaso({"instance", "get", "vm1"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭──────────────────────┬───────────────────────────────────────────────────────╮\n"
            "│ Field                │ Value                                                 │\n"
            "├──────────────────────┼───────────────────────────────────────────────────────┤\n"
            "│ Id                   │ 1                                                     │\n"
            "│ Name                 │ vm1                                                   │\n"
            "│ State                │ running                                               │\n"
            "│ PID                  │ 1234                                                  │\n"
            "│ Last exit            │                                                       │\n"
            "│ Message              │                                                       │\n"
            "│ Ready                │ no                                                    │\n"
            "│ Pending              │                                                       │\n"
            "│ Autostart            │ true                                                  │\n"
            "│ Restart              │ on-failure, at most 5 in 60 s, backoff 1000-30000 ms  │\n"
            "│ Restarts (recent)    │ 0                                                     │\n"
            "│ Restart due          │                                                       │\n"
            "│ Path                 │ /home/u/var/kaso/instances/vm1                        │\n"
            "│ MAC                  │ 52:54:00:12:34:56                                     │\n"
            "│ vCPUs                │ 2                                                     │\n"
            "│ RAM (MB)             │ 2048                                                  │\n"
            "│ Display              │ headless                                              │\n"
            "│ Bootstrapper         │ ci-disk                                               │\n"
            "│ Image ID             │ 1                                                     │\n"
            "│ Network ID           │ 1                                                     │\n"
            "│ Identity IDs         │ 1, 2                                                  │\n"
            "│ Static IPv4          │                                                       │\n"
            "│ SSH forward          │ 127.0.0.1:40022                                       │\n"
            "│ Port forwards        │                                                       │\n"
            "│ User data            │                                                       │\n"
            "│ OS Disk Path         │ /home/u/var/kaso/instances/vm1/os.qcow2               │\n"
            "│ OS Disk Size         │ 5.0 GiB (5368709120 bytes)                            │\n"
            "│ Seed Path            │ /home/u/var/kaso/instances/vm1/seed.img               │\n"
            "│ VM Script Path       │ /home/u/var/kaso/instances/vm1/vm.sh                  │\n"
            "│ QMP Socket Path      │ /home/u/var/kaso/instances/vm1/qmp.sock               │\n"
            "│ Console Socket Path  │ /home/u/var/kaso/instances/vm1/console.sock           │\n"
            "│ VNC Socket Path      │                                                       │\n"
            "│ Log Path             │ /home/u/var/kaso/instances/vm1/vm.log                 │\n"
            "│ Console Log Path     │                                                       │\n"
            "│ Phone home IP        │ 172.16.4.10                                           │\n"
            "│ Phone home hostname  │ vm1                                                   │\n"
            "│ Phone home host keys │ ssh-ed25519                                           │\n"
            "│                      │ AAAAC3NzaC1lZDI1NTE5AAAAIHZtMWhvc3RrZXl2bTFob3N0a2V5d │\n"
            "│                      │ m0xaG9zdGtleXZt                                       │\n"
            "│ Phone home time      │ 2026-11-25T10:02:00.000000Z                           │\n"
            "│ Version              │ 3                                                     │\n"
            "│ Created              │ 2026-11-25T10:00:00.000000Z                           │\n"
            "│ Modified             │ 2026-11-25T10:02:00.000000Z                           │\n"
            "╰──────────────────────┴───────────────────────────────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/instances/vm1");
}

TEST_F(instance_verbs, get_of_a_stopped_instance_shows_how_qemu_ended) {
  server.answer("GET", "/api/v1/instances/2", 200, stopped_vm2());

  auto r = kaso({"instance", "get", "--id", "2"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out,
            "╭──────────────────────┬──────────────────────────────────────────────────────╮\n"
            "│ Field                │ Value                                                │\n"
            "├──────────────────────┼──────────────────────────────────────────────────────┤\n"
            "│ Id                   │ 2                                                    │\n"
            "│ Name                 │ vm2                                                  │\n"
            "│ State                │ stopped                                              │\n"
            "│ PID                  │                                                      │\n"
            "│ Last exit            │ killed by signal 9                                   │\n"
            "│ Message              │ qemu was killed by signal 9                          │\n"
            "│ Ready                │                                                      │\n"
            "│ Pending              │                                                      │\n"
            "│ Autostart            │ true                                                 │\n"
            "│ Restart              │ on-failure, at most 5 in 60 s, backoff 1000-30000 ms │\n"
            "│ Restarts (recent)    │ 0                                                    │\n"
            "│ Restart due          │                                                      │\n"
            "│ Path                 │ /home/u/var/kaso/instances/vm2                       │\n"
            "│ MAC                  │ 52:54:00:12:34:56                                    │\n"
            "│ vCPUs                │ 2                                                    │\n"
            "│ RAM (MB)             │ 2048                                                 │\n"
            "│ Display              │ headless                                             │\n"
            "│ Bootstrapper         │ ci-disk                                              │\n"
            "│ Image ID             │ 2                                                    │\n"
            "│ Network ID           │ 1                                                    │\n"
            "│ Identity IDs         │ 1                                                    │\n"
            "│ Static IPv4          │ 172.16.4.20                                          │\n"
            "│ SSH forward          │                                                      │\n"
            "│ Port forwards        │                                                      │\n"
            "│ User data            │                                                      │\n"
            "│ OS Disk Path         │ /home/u/var/kaso/instances/vm2/os.qcow2              │\n"
            "│ OS Disk Size         │ 5.0 GiB (5368709120 bytes)                           │\n"
            "│ Seed Path            │ /home/u/var/kaso/instances/vm2/seed.img              │\n"
            "│ VM Script Path       │ /home/u/var/kaso/instances/vm2/vm.sh                 │\n"
            "│ QMP Socket Path      │ /home/u/var/kaso/instances/vm2/qmp.sock              │\n"
            "│ Console Socket Path  │ /home/u/var/kaso/instances/vm2/console.sock          │\n"
            "│ VNC Socket Path      │                                                      │\n"
            "│ Log Path             │ /home/u/var/kaso/instances/vm2/vm.log                │\n"
            "│ Console Log Path     │                                                      │\n"
            "│ Phone home IP        │                                                      │\n"
            "│ Phone home hostname  │                                                      │\n"
            "│ Phone home host keys │                                                      │\n"
            "│ Phone home time      │                                                      │\n"
            "│ Version              │ 3                                                    │\n"
            "│ Created              │ 2026-11-25T10:00:00.000000Z                          │\n"
            "│ Modified             │ 2026-11-25T10:02:00.000000Z                          │\n"
            "╰──────────────────────┴──────────────────────────────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/instances/2");
}

TEST_F(instance_verbs, get_by_encoded_name_prints_json) {
  server.answer("GET", "/api/v1/instances/web%20server", 200, running_vm1());
  auto r = kaso({"instance", "get", "--name", "web server", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, running_vm1().dump(2) + "\n");
  EXPECT_EQ(only_request().target, "/api/v1/instances/web%20server");
}

TEST_F(instance_verbs, get_of_an_unknown_instance_prints_the_server_message) {
  server.answer("GET", "/api/v1/instances/nope", 404,
                testing::api_error("not_found", "instance 'nope' does not exist"));
  auto r = kaso({"instance", "get", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'nope' does not exist\n");
}

TEST_F(instance_verbs, create_sends_every_option_with_references_as_typed) {
  server.answer("POST", "/api/v1/instances", 201, running_vm1());

  auto r = kaso({"instance", "create", "-n", "vm1", "--vcpu", "2", "--ram", "2048", "--display",
                 "vnc", "--network-id", "3", "--image-id", "jammy", "--identity-id", "1",
                 "--identity", "mrmat", "--identity-id", "debug", "--static-ip4", "172.16.4.20",
                 "-b", "ci-disk", "-s", "10G"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Created instance with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/instances");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.json(),
            (nlohmann::json{{"name", "vm1"},
                            {"vcpu", 2},
                            {"ram", 2048},
                            {"display", "vnc"},
                            {"network", "3"},
                            {"image", "jammy"},
                            {"identities", {"1", "mrmat", "debug"}},
                            {"static_ip4", "172.16.4.20"},
                            {"bootstrapper", "ci-disk"},
                            {"disk_size", 10737418240}}));
}

TEST_F(instance_verbs, create_with_the_short_aliases_and_defaults_prints_json) {
  server.answer("POST", "/api/v1/instances", 201, running_vm1());

  auto r = kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network",
                 "--image", "1", "--size", "5368709120", "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, running_vm1().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"name", "vm1"},
                                                   {"network", "default_host_network"},
                                                   {"image", "1"},
                                                   {"identities", nlohmann::json::array()},
                                                   {"disk_size", 5368709120}}));
}

// Issue #16: --no-identity asks for an instance nobody logs in to; it does not go with an identity.
TEST_F(instance_verbs, issue_16_no_identity_is_sent_as_asked_and_not_with_an_identity) {
  server.answer("POST", "/api/v1/instances", 201, running_vm1());
  auto r = kaso({"instance", "create", "-n", "vm1", "--network", "n", "--image", "i", "--no-identity"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(only_request().json()["no_identity"], true);
  auto both = kaso({"instance", "create", "-n", "vm1", "--network", "n", "--image", "i", "--no-identity",
                    "--identity", "me"});
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.err, "kaso: give --identity-id or --no-identity, not both (see 'kaso instance create -h')\n");
}

TEST_F(instance_verbs, create_reports_the_server_error_message) {
  server.answer("POST", "/api/v1/instances", 400,
                testing::api_error("invalid_argument", "image 'jammy' needs at least 2 vCPUs"));
  auto r = kaso({"instance", "create", "-n", "vm1", "--network-id", "1", "--image-id", "jammy",
                 "--vcpu", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: image 'jammy' needs at least 2 vCPUs\n");
  EXPECT_EQ(only_request().json()["vcpu"], 1);
}

TEST_F(instance_verbs, modify_patches_only_the_given_fields) {
  auto modified = running_vm1();
  modified["name"] = "web";
  modified["ram"] = 4096;
  server.answer("PATCH", "/api/v1/instances/vm1", 200, modified);

  auto r = kaso({"instance", "modify", "vm1", "-n", "web", "--ram", "4096"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Modified instance with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/api/v1/instances/vm1");
  EXPECT_EQ(request.json(), (nlohmann::json{{"name", "web"}, {"ram", 4096}}));
}

// Issue #16: a change to a running instance that waits for its next start is said so.
TEST_F(instance_verbs, issue_16_modify_says_what_waits_for_the_next_start) {
  auto modified = running_vm1();
  modified["ram"] = 4096;
  modified["pending"] = {{"ram", 4096}, {"vcpu", 2}};
  server.answer("PATCH", "/api/v1/instances/vm1", 200, modified);
  auto r = kaso({"instance", "modify", "vm1", "--ram", "4096", "--vcpu", "2"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Modified instance with id 1\n"
                   "vm1 runs as it was started until it next starts; then vcpu 2, ram 4096 MB: kaso instance restart vm1\n");
}

TEST_F(instance_verbs, modify_by_name_prints_json) {
  server.answer("PATCH", "/api/v1/instances/vm1", 200, running_vm1());

  auto r = kaso({"instance", "modify", "--name", "vm1", "--vcpu", "4", "--display", "headless",
                 "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, running_vm1().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"vcpu", 4}, {"display", "headless"}}));
}

TEST_F(instance_verbs, modify_of_a_running_instance_shows_the_server_message) {
  server.answer("PATCH", "/api/v1/instances/vm1", 409,
                testing::api_error("conflict", "instance 'vm1' is running: stop it first"));
  auto r = kaso({"instance", "modify", "vm1", "--vcpu", "4"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'vm1' is running: stop it first\n");
}

TEST_F(instance_verbs, remove_prints_the_removed_id) {
  server.answer("DELETE", "/api/v1/instances/2", 200, {{"removed", stopped_vm2()}});

  auto r = kaso({"instance", "remove", "--id", "2"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Removed instance with id 2\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.target, "/api/v1/instances/2");
}

TEST_F(instance_verbs, remove_with_force_asks_for_it_in_the_query) {
  auto answer = nlohmann::json{{"removed", running_vm1()}};
  server.answer("DELETE", "/api/v1/instances/my%20vm?force=true", 200, answer);

  auto r = kaso({"instance", "remove", "my vm", "--force", "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, answer.dump(2) + "\n");
  EXPECT_EQ(only_request().target, "/api/v1/instances/my%20vm?force=true");
}

TEST_F(instance_verbs, remove_of_a_running_instance_shows_the_server_message) {
  server.answer("DELETE", "/api/v1/instances/vm1", 409,
                testing::api_error("conflict", "instance 'vm1' is running (use --force)"));
  auto r = kaso({"instance", "remove", "--name", "vm1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'vm1' is running (use --force)\n");
}

}  // namespace
}  // namespace kaso::cli
