// Images through the real kaso-server: a download from a loopback HTTP server verified end to end,
// a wrong checksum that leaves nothing behind, a local file import, refusals that record nothing,
// and removal that deletes the file. Issue #3 (server side).
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "crypto/sha256.hpp"
#include "eventually.hpp"
#include "server_harness.hpp"
#include "slow_http_server.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json post_image(const server_harness& s, const nlohmann::json& body, int expected_status) {
  auto res = s.http()->Post("/api/v1/images", body.dump(), "application/json");
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, expected_status) << res->body;
  return nlohmann::json::parse(res->body, nullptr, false);
}


void run(const std::vector<std::string>& argv) {
  auto r = platform::run_process(argv, std::chrono::seconds(60));
  ASSERT_TRUE(r.ok() && r->succeeded()) << argv[0] << ": " << (r.ok() ? r->stderr_text : r.error().message());
}

// A qcow2 of 64 MiB virtual size holding `data_mib` MiB of written data (so it is that large).
fs::path make_qcow2(const fs::path& dir, const std::string& name, int data_mib = 0) {
  auto path = dir / name;
  run({"qemu-img", "create", "-q", "-f", "qcow2", path.string(), "64M"});
  if (data_mib > 0) run({"qemu-io", "-f", "qcow2", "-c", "write -P 0xab 0 " + std::to_string(data_mib) + "M", path.string()});
  return path;
}

// Waits (bounded) until `pred` holds for the task; returns the last view.
template <class Pred>
nlohmann::json wait_task_until(const server_harness& s, std::uint64_t id, Pred pred) {
  nlohmann::json t;
  if (!eventually([&] { return pred(t = s.get_json("/api/v1/tasks/" + std::to_string(id))); }, std::chrono::seconds(60))) {
    ADD_FAILURE() << "task " << id << " never reached the expected state: " << t.dump();
  }
  return t;
}

nlohmann::json wait_task(const server_harness& s, std::uint64_t id) {
  return wait_task_until(s, id, [](const nlohmann::json& t) { return t["state"] != "running"; });
}

std::vector<std::string> event_types(const server_harness& s) {
  std::vector<std::string> out;
  // The predefined networks' events and the host's accelerator come first in every log; images do
  // not care.
  for (auto& e : s.get_json("/api/v1/events")) {
    if (e["kind"] != "network" && e["kind"] != "host") out.push_back(e["type"]);
  }
  return out;
}

TEST(images_it, a_download_is_verified_registered_and_recorded) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  auto served = make_qcow2(s.root() / "www", "disk.qcow2");
  auto digest = crypto::sha256_file(served).value();
  slow_http_server http(s.root() / "www", 0);
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
  slow_http_server http(s.root() / "www", 0);
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

// Issue #16: a file that cannot be imported is refused before a task starts, also with --no-wait.
TEST(images_it, issue_16_a_missing_or_unreadable_file_is_refused_before_any_task) {
  server_harness s;
  s.start();
  auto missing = s.call("POST", "/api/v1/images", {{"name", "gone"}, {"file", (s.root() / "missing.qcow2").string()}});
  EXPECT_EQ(missing.status, 404) << missing.body.dump();
  auto fifo = s.root() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto not_a_file = s.call("POST", "/api/v1/images", {{"name", "pipe"}, {"file", fifo.string()}});
  EXPECT_EQ(not_a_file.status, 409) << not_a_file.body.dump();
  EXPECT_NE(not_a_file.body["error"]["message"].get<std::string>().find("not a regular file"), std::string::npos);
  auto cli = s.kaso({"image", "create", "-n", "gone", "--file", (s.root() / "missing.qcow2").string(), "--no-wait"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_EQ(cli.stdout_text.find("Started task"), std::string::npos) << cli.stdout_text;
  EXPECT_NE(cli.stderr_text.find("missing.qcow2"), std::string::npos) << cli.stderr_text;
  EXPECT_TRUE(event_types(s).empty()) << "no task was started";
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
  EXPECT_TRUE(event_types(s).empty());
  auto disk = make_qcow2(s.root(), "d.qcow2");
  auto task = post_image(s, {{"name", "d"}, {"file", disk.string()}}, 202);
  ASSERT_EQ(wait_task(s, task["id"])["state"], "completed");
  auto path = s.get_json("/api/v1/images/d")["path"].get<std::string>();
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(s.http()->Delete("/api/v1/images/d")->status, 200);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(s.http()->Get("/api/v1/images/d")->status, 404);
}

TEST(images_it, progress_rises_and_a_cancel_leaves_nothing) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  auto served = make_qcow2(s.root() / "www", "big.qcow2", 8);
  slow_http_server http(s.root() / "www", 1 << 20);
  auto task = post_image(s, {{"name", "big"}, {"url", http.url("big.qcow2")}}, 202);
  auto first = wait_task_until(s, task["id"], [](const nlohmann::json& t) { return t["progress"]["done"] > 0; });
  auto later = wait_task_until(s, task["id"], [&](const nlohmann::json& t) {
    return t["progress"]["done"] > first["progress"]["done"];
  });
  EXPECT_EQ(later["progress"]["total"], fs::file_size(served));
  EXPECT_GT(later["progress"]["rate"].get<double>(), 0.0);
  auto res = s.http()->Post("/api/v1/tasks/" + std::to_string(task["id"].get<int>()) + "/cancel", "", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["state"], "cancelled");
  // The worker notices the cancel within a chunk; then nothing of the task is left.
  eventually([&] { return fs::is_empty(s.state_path() / "images"); }, std::chrono::seconds(20));
  EXPECT_TRUE(fs::is_empty(s.state_path() / "images"));
  EXPECT_TRUE(s.get_json("/api/v1/images").empty());
  EXPECT_EQ(event_types(s), (std::vector<std::string>{"task.started", "task.cancelled"}));
}

TEST(images_it, a_download_interrupted_by_kill_9_resumes_with_a_range_request) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  auto served = make_qcow2(s.root() / "www", "big.qcow2", 8);
  auto digest = crypto::sha256_file(served).value();
  slow_http_server http(s.root() / "www", 2 << 20);
  auto task = post_image(s, {{"name", "big"}, {"url", http.url("big.qcow2")}, {"sha256", digest}}, 202);
  wait_task_until(s, task["id"], [](const nlohmann::json& t) { return t["progress"]["done"] > (1 << 20); });
  s.kill9();
  s.start();
  auto done = wait_task(s, task["id"]);
  ASSERT_EQ(done["state"], "completed") << done.dump();
  EXPECT_EQ(crypto::sha256_file(s.get_json("/api/v1/images/big")["path"].get<std::string>()).value(), digest);
  auto requests = http.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests.front(), "GET /big.qcow2 range=");
  EXPECT_NE(requests.back().find("range=bytes="), std::string::npos) << requests.back();
  EXPECT_EQ(requests.back().find("range=bytes=0-"), std::string::npos) << "resumed, not restarted";
}

TEST(images_it, two_requests_for_the_same_url_share_one_download) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  make_qcow2(s.root() / "www", "big.qcow2", 4);
  slow_http_server http(s.root() / "www", 2 << 20);
  auto first = post_image(s, {{"name", "one"}, {"url", http.url("big.qcow2")}}, 202);
  auto second = post_image(s, {{"name", "two"}, {"url", http.url("big.qcow2")}}, 202);
  EXPECT_EQ(first["id"], second["id"]);
  ASSERT_EQ(wait_task(s, first["id"])["state"], "completed");
  auto one = s.get_json("/api/v1/images/one"), two = s.get_json("/api/v1/images/two");
  EXPECT_NE(one["path"], two["path"]);
  EXPECT_EQ(one["sha256"], two["sha256"]);
  EXPECT_EQ(http.requests().size(), 1u) << "one download";
  EXPECT_EQ(s.http()->Delete("/api/v1/images/one")->status, 200);
  EXPECT_TRUE(fs::exists(two["path"].get<std::string>())) << "removing one keeps the other's file";
}

TEST(images_it, a_compressed_image_is_unpacked_on_the_way_in) {
  server_harness s;
  s.start();
  fs::create_directories(s.root() / "www");
  auto disk = make_qcow2(s.root() / "www", "disk.qcow2", 1);
  run({"gzip", "-k", disk.string()});
  slow_http_server http(s.root() / "www", 0);
  auto task = post_image(s, {{"name", "gz"}, {"url", http.url("disk.qcow2.gz")}}, 202);
  ASSERT_EQ(wait_task(s, task["id"])["state"], "completed");
  auto image = s.get_json("/api/v1/images/gz");
  EXPECT_EQ(image["format"], "qcow2");
  EXPECT_EQ(crypto::sha256_file(image["path"].get<std::string>()).value(), crypto::sha256_file(disk).value());
}

}  // namespace
}  // namespace kaso::testing
