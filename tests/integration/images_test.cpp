// Images through the real kaso-server: a download from a loopback HTTP server verified end to end,
// a wrong checksum that leaves nothing behind, a local file import, refusals that record nothing,
// and removal that deletes the file. Issue #3 (server side).
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/sha256.hpp"
#include "server_harness.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

// A loopback HTTP server serving files of a directory.
struct file_server {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  explicit file_server(const fs::path& dir) {
    server.set_mount_point("/", dir.string());
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~file_server() {
    server.stop();
    thread.join();
  }
  std::string url(const std::string& name) const { return "http://127.0.0.1:" + std::to_string(port) + "/" + name; }
};

nlohmann::json post_image(const server_harness& s, const nlohmann::json& body, int expected_status) {
  auto res = s.http()->Post("/api/v1/images", body.dump(), "application/json");
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, expected_status) << res->body;
  return nlohmann::json::parse(res->body, nullptr, false);
}

nlohmann::json wait_task(const server_harness& s, std::uint64_t id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  nlohmann::json t;
  do {
    t = s.get_json("/api/v1/tasks/" + std::to_string(id));
    if (t["state"] != "running") return t;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  ADD_FAILURE() << "task " << id << " still running";
  return t;
}

fs::path make_qcow2(const fs::path& dir, const std::string& name) {
  auto path = dir / name;
  auto r = platform::run_process({"qemu-img", "create", "-q", "-f", "qcow2", path.string(), "64M"}, std::chrono::seconds(30));
  EXPECT_TRUE(r.ok() && r->succeeded());
  return path;
}

std::vector<std::string> event_types(const server_harness& s) {
  std::vector<std::string> out;
  for (auto& e : s.get_json("/api/v1/events")) out.push_back(e["type"]);
  return out;
}

TEST(images_it, a_download_is_verified_registered_and_recorded) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  auto served = make_qcow2(s.root() / "www", "disk.qcow2");
  auto digest = crypto::sha256_file(served).value();
  file_server http(s.root() / "www");
  auto task = post_image(s, {{"name", "disk"}, {"url", http.url("disk.qcow2")}, {"sha256", digest}}, 202);
  auto done = wait_task(s, task["id"]);
  ASSERT_EQ(done["state"], "completed") << done.dump();
  auto image = s.get_json("/api/v1/images/disk");
  EXPECT_EQ(image["format"], "qcow2");
  EXPECT_EQ(image["virtual_size"], 64u << 20);
  EXPECT_EQ(image["sha256"], digest);
  EXPECT_EQ(crypto::sha256_file(image["path"].get<std::string>()).value(), digest) << "the bytes as served";
  EXPECT_EQ(event_types(s), (std::vector<std::string>{"task.started", "image.created", "task.completed"}));
  s.stop();
  s.start();
  EXPECT_EQ(s.get_json("/api/v1/images/disk"), image) << "still there after a restart";
}

TEST(images_it, a_wrong_checksum_fails_the_task_and_leaves_nothing) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  make_qcow2(s.root() / "www", "disk.qcow2");
  file_server http(s.root() / "www");
  auto task = post_image(s, {{"name", "disk"}, {"url", http.url("disk.qcow2")}, {"sha256", std::string(64, 'a')}}, 202);
  auto done = wait_task(s, task["id"]);
  EXPECT_EQ(done["state"], "failed");
  EXPECT_NE(done["message"].get<std::string>().find("checksum mismatch"), std::string::npos);
  EXPECT_TRUE(s.get_json("/api/v1/images").empty());
  EXPECT_TRUE(fs::is_empty(s.state_path() / "images")) << "no partial image";
  auto missing = post_image(s, {{"name", "gone"}, {"url", http.url("nope.qcow2")}}, 202);
  EXPECT_EQ(wait_task(s, missing["id"])["state"], "failed");
}

TEST(images_it, a_local_file_is_imported_and_a_non_image_refused) {
  server_harness s;
  s.start();
  auto disk = make_qcow2(s.root(), "local.qcow2");
  auto task = post_image(s, {{"name", "local"}, {"file", disk.string()}}, 202);
  ASSERT_EQ(wait_task(s, task["id"])["state"], "completed");
  EXPECT_EQ(s.get_json("/api/v1/images/local")["format"], "qcow2");
  std::ofstream(s.root() / "notes.txt") << std::string(2 << 20, 'x');
  auto text = post_image(s, {{"name", "notes"}, {"file", (s.root() / "notes.txt").string()}}, 202);
  auto failed = wait_task(s, text["id"]);
  EXPECT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(s.get_json("/api/v1/images").size(), 1u);
}

TEST(images_it, refused_requests_record_nothing_and_remove_deletes_the_file) {
  server_harness s;
  s.start();
  for (const auto& body : std::vector<nlohmann::json>{
           {{"name", "x"}, {"url", "file:///etc/passwd"}},
           {{"name", "x"}, {"url", "ftp://127.0.0.1/x"}},
           {{"name", "x"}, {"url", "http://user:secret@127.0.0.1/x"}},
           {{"name", "../x"}, {"url", "http://127.0.0.1/x"}},
           {{"name", "x"}},
           {{"name", "x"}, {"url", "http://127.0.0.1/x"}, {"file", "/tmp/x"}},
           {{"name", "x"}, {"file", "relative/path"}},
           {{"name", "x"}, {"predefined", "no-such-image"}},
           {{"name", "x"}, {"url", "http://127.0.0.1/x"}, {"min_ram", -5}},
           {{"name", "x"}, {"url", "http://127.0.0.1/x"}, {"sha256", "xyz"}},
       }) {
    auto res = s.http()->Post("/api/v1/images", body.dump(), "application/json");
    ASSERT_TRUE(res);
    EXPECT_GE(res->status, 400) << body.dump();
    EXPECT_LT(res->status, 500) << body.dump() << " -> " << res->body;
    EXPECT_TRUE(nlohmann::json::parse(res->body).contains("error"));
    EXPECT_EQ(res->body.find("secret"), std::string::npos) << "credentials are never echoed";
  }
  EXPECT_TRUE(s.get_json("/api/v1/events").empty());
  auto disk = make_qcow2(s.root(), "d.qcow2");
  auto task = post_image(s, {{"name", "d"}, {"file", disk.string()}}, 202);
  ASSERT_EQ(wait_task(s, task["id"])["state"], "completed");
  auto path = s.get_json("/api/v1/images/d")["path"].get<std::string>();
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(s.http()->Delete("/api/v1/images/d")->status, 200);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(s.http()->Get("/api/v1/images/d")->status, 404);
}

}  // namespace
}  // namespace kaso::testing
