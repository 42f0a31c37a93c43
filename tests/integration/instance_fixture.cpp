#include "instance_fixture.hpp"

#include <cstdlib>
#include <fstream>

#include "platform/child_process.hpp"

namespace kaso::testing {

platform::process_output run(const std::vector<std::string>& argv) {
  auto r = platform::run_process(argv, std::chrono::seconds(60));
  EXPECT_TRUE(r.ok()) << argv[0];
  return r.ok() ? *r : platform::process_output{};
}

std::vector<std::string> event_types(const server_harness& s, const std::string& kind) {
  std::vector<std::string> out;
  for (auto& e : s.get_json("/api/v1/events?kind=" + kind)) out.push_back(e["type"]);
  return out;
}

fixture::fixture(const std::function<void(server_harness&)>& before_start) {
  if (before_start) before_start(s);
  s.start();
  image_file = s.root() / "blank.qcow2";
  run({"qemu-img", "create", "-q", "-f", "qcow2", image_file.string(), "64M"});
  add_image("blank", image_file);
  auto key = make_ssh_key(s.root(), "alice");
  std::ifstream in(key);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(call(s, "POST", "/api/v1/identities", {{"name", "alice"}, {"public_key", line}}).status, 201);
}

fixture::~fixture() {
  const auto root = s.root().string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
    if (pid <= 0) continue;
    auto argv = platform::process_cmdline(pid);
    if (!argv.ok() || argv->empty() || argv->front().find("qemu-system") == std::string::npos) continue;
    for (const auto& arg : *argv) {
      if (arg.find(root) != std::string::npos) {
        (void)kill_qemu(pid);
        break;
      }
    }
  }
}

void fixture::add_image(const std::string& name, const std::filesystem::path& path) {
  auto task = call(s, "POST", "/api/v1/images", {{"name", name}, {"file", path.string()}});
  EXPECT_EQ(task.status, 202) << task.body.dump();
  EXPECT_TRUE(eventually([&] { return call(s, "GET", "/api/v1/images/" + name).status == 200; }))
      << "image " << name << " was not imported";
}

nlohmann::json fixture::create(const std::string& name, nlohmann::json extra, int expect) {
  nlohmann::json body = {{"name", name}, {"image", "blank"}, {"network", "default_host_network"},
                         {"identities", {"alice"}}, {"ram", 64}, {"disk_size", 128 << 20}};
  body.update(extra);
  auto r = call(s, "POST", "/api/v1/instances", body);
  EXPECT_EQ(r.status, expect) << r.body.dump();
  return r.body;
}

}  // namespace kaso::testing
