// Issue #17: kaso launch. Its own choices as data (launch_plan.hpp), then the whole verb against
// a fake kaso-server with a wait that does not sleep: a file image imported, the user's key made
// an identity once and reused after, the instance created as "primary", started and waited for,
// and the refusal when there is no key.
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/command.hpp"
#include "cli/launch/launch_plan.hpp"
#include "cli/launch/verbs.hpp"
#include "image_test_data.hpp"
#include "instance_test_data.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

namespace fs = std::filesystem;
using namespace launch;

const std::string key_line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn alice@laptop";

TEST(launch_plan, issue_17_the_default_key_is_ed25519_first_and_the_identity_is_the_login_user) {
  testing::temp_dir home;
  EXPECT_FALSE(default_public_key(home.path()));
  fs::create_directories(home.path() / ".ssh");
  testing::write_file(home.path() / ".ssh" / "id_rsa.pub", "ssh-rsa AAAAB3 a\n");
  EXPECT_EQ(default_public_key(home.path()), home.path() / ".ssh" / "id_rsa.pub");
  testing::write_file(home.path() / ".ssh" / "id_ed25519.pub", key_line + "\n");
  EXPECT_EQ(default_public_key(home.path()), home.path() / ".ssh" / "id_ed25519.pub");
  EXPECT_EQ(identity_name_for("Alice"), "alice");
  EXPECT_EQ(identity_name_for("root"), "kaso") << "cloud-init must not remake root";
  EXPECT_EQ(identity_name_for("bad name"), "kaso");
  EXPECT_EQ(identity_name_for(""), "kaso");
}

TEST(launch_plan, issue_17_an_identity_is_reused_when_it_holds_the_same_key) {
  auto ids = nlohmann::json::array({{{"id", 1}, {"name", "debugger"}, {"public_key", nullptr}},
                                    {{"id", 4}, {"name", "al"}, {"public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn other"}}});
  EXPECT_EQ(identity_with_key(ids, key_line), std::optional<std::string>("4")) << "the comment does not matter";
  EXPECT_FALSE(identity_with_key(ids, "ssh-ed25519 AAAAdifferent alice"));
  EXPECT_EQ(key_material("not a key"), "");
}

TEST(launch_plan, issue_17_names_for_the_instance_and_a_file_image) {
  EXPECT_EQ(free_instance_name(nlohmann::json::array()), "primary");
  EXPECT_EQ(free_instance_name(nlohmann::json::array({{{"name", "primary"}}, {{"name", "primary-2"}}})), "primary-3");
  EXPECT_EQ(image_name_for_file("/var/cache/Kaso Test.qcow2"), "kaso-test");
  EXPECT_EQ(image_name_for_file("debian-12-genericcloud-amd64.raw.xz"), "debian-12-genericcloud-amd64");
  EXPECT_EQ(image_name_for_file("/x/.qcow2"), "image");
  EXPECT_TRUE(names_a_file("./disk.qcow2"));
  EXPECT_FALSE(names_a_file("ubuntu-noble"));
}

class launch_verb : public ::testing::Test {
 protected:
  testing::fake_api_server server;
  std::string old_home_ = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";
  std::string old_user_ = std::getenv("USER") != nullptr ? std::getenv("USER") : "";

  void SetUp() override {
    ::setenv("HOME", server.dir().c_str(), 1);
    ::setenv("USER", "alice", 1);
  }
  void TearDown() override {
    ::setenv("HOME", old_home_.c_str(), 1);
    ::setenv("USER", old_user_.c_str(), 1);
  }

  testing::outcome launch(const std::vector<std::string>& args) {
    task::wait_env env{[] {}, [this] { return clock_ += std::chrono::seconds(1); }, [](const std::ostream&) { return std::size_t{0}; }};
    auto verb = make_launch(env);
    std::ostringstream out, err;
    auto connect = [this]() -> result<api_client> { return api_client(parse_endpoint(server.address()).value()); };
    int code = run_command(*verb, args, connect, out, err);
    return {code, out.str(), err.str()};
  }

  std::vector<std::string> request_lines() {
    std::vector<std::string> lines;
    for (const auto& r : server.requests()) lines.push_back(r.method + " " + r.target);
    return lines;
  }

  std::chrono::steady_clock::time_point clock_{};
};

TEST_F(launch_verb, issue_17_a_file_and_the_users_key_become_a_ready_instance) {
  auto disk = testing::write_file(server.dir() / "Debian-Test.qcow2", "not really a disk");
  fs::create_directories(server.dir() / ".ssh");
  testing::write_file(server.dir() / ".ssh" / "id_ed25519.pub", key_line + "\n");
  server.answer("POST", "/api/v1/images", 202, testing::image_task(7, "running", 0, 0, 0, "image.import"));
  server.answer("GET", "/api/v1/tasks/7", 200, testing::image_task(7, "completed", 1, 1, 0, "image.import", 3));
  server.answer("GET", "/api/v1/identities", 200, nlohmann::json::array());
  server.answer("POST", "/api/v1/identities", 201, {{"id", 5}, {"name", "alice"}, {"public_key", key_line}});
  server.answer("GET", "/api/v1/instances", 200, nlohmann::json::array());
  auto vm = testing::running_instance(9, "primary");
  server.answer("POST", "/api/v1/instances", 201, vm);
  server.answer("POST", "/api/v1/instances/primary/start", 200, vm);
  vm["ready"] = true;
  vm["ready_after_s"] = 12.5;
  vm["boot_stage"] = "ssh";
  server.answer("GET", "/api/v1/instances/primary", 200, vm);

  auto r = launch({disk.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Launched primary (ready after 12.5 s)\nGet in with: kaso instance shell primary\n");
  EXPECT_NE(r.err.find("Importing " + disk.string() + " as image debian-test\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Created identity alice from " + (server.dir() / ".ssh" / "id_ed25519.pub").string() +
                       ": log in to the instance as alice\n"),
            std::string::npos)
      << r.err;
  auto requests = server.requests();
  auto find = [&](const std::string& method, const std::string& target) {
    for (const auto& q : requests) {
      if (q.method == method && q.target == target) return q.json();
    }
    return nlohmann::json();
  };
  EXPECT_EQ(find("POST", "/api/v1/images"), (nlohmann::json{{"name", "debian-test"}, {"file", disk.string()}}));
  EXPECT_EQ(find("POST", "/api/v1/identities"), (nlohmann::json{{"name", "alice"}, {"public_key", key_line}}));
  EXPECT_EQ(find("POST", "/api/v1/instances"),
            (nlohmann::json{{"name", "primary"}, {"image", "debian-test"}, {"network", "default_host_network"},
                            {"identities", {"5"}}}));
}

TEST_F(launch_verb, issue_17_an_existing_identity_with_the_key_is_reused_and_a_catalogue_name_downloaded) {
  fs::create_directories(server.dir() / ".ssh");
  testing::write_file(server.dir() / ".ssh" / "id_ed25519.pub", key_line + "\n");
  server.answer("GET", "/api/v1/images/catalogue", 200, nlohmann::json::array({{{"name", "ubuntu-noble"}}}));
  server.answer("POST", "/api/v1/images", 202, testing::image_task(7, "running", 0, 0, 0));
  server.answer("GET", "/api/v1/tasks/7", 200, testing::image_task(7, "completed", 1, 1, 0, "image.download", 3));
  server.answer("GET", "/api/v1/identities", 200, nlohmann::json::array({{{"id", 2}, {"name", "me"}, {"public_key", key_line}}}));
  auto vm = testing::running_instance(9, "web");
  server.answer("POST", "/api/v1/instances", 201, vm);
  server.answer("POST", "/api/v1/instances/web/start", 200, vm);
  vm["ready"] = true;
  vm["ready_after_s"] = 3;
  server.answer("GET", "/api/v1/instances/web", 200, vm);
  auto r = launch({"-n", "web", "--vcpu", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto lines = request_lines();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "POST /api/v1/identities"), 0) << "reused, not made again";
  for (const auto& q : server.requests()) {
    if (q.method == "POST" && q.target == "/api/v1/images") {
      EXPECT_EQ(q.json(), (nlohmann::json{{"name", "ubuntu-noble"}, {"predefined", "ubuntu-noble"}}));
    }
    if (q.method == "POST" && q.target == "/api/v1/instances") {
      EXPECT_EQ(q.json()["identities"], nlohmann::json::array({"2"}));
      EXPECT_EQ(q.json()["vcpu"], 2);
    }
  }
}

TEST_F(launch_verb, issue_17_no_key_and_no_identity_says_what_to_do_and_creates_nothing) {
  server.answer("GET", "/api/v1/images/debian", 200, {{"id", 1}, {"name", "debian"}});
  auto r = launch({"debian"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: no SSH public key in ~/.ssh (id_ed25519.pub, id_ecdsa.pub, id_rsa.pub) to log in with: make "
                   "one with ssh-keygen -t ed25519, or give --identity NAME\n");
  for (const auto& line : request_lines()) EXPECT_EQ(line.rfind("GET ", 0), 0u) << line;
}

TEST_F(launch_verb, issue_17_an_unknown_image_is_one_line) {
  server.answer("GET", "/api/v1/images/catalogue", 200, nlohmann::json::array({{{"name", "ubuntu-noble"}}}));
  auto r = launch({"nonesuch", "--identity", "alice"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: 'nonesuch' is no image, no file and no catalogue entry (kaso image catalogue lists what can "
                   "be downloaded)\n");
}

}  // namespace
}  // namespace kaso::cli
