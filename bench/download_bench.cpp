// Image download figures: a 1 GiB qcow2 served from a loopback HTTP server, fetched by `curl -o`
// and by kaso-server (POST /api/v1/images, until the task completes), in the same run; the
// throughput ratio and the server's RSS while downloading.
//   kaso_bench_download [size_mib=1024]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_util.hpp"
#include "platform/process.hpp"

using kaso::bench::steady;
namespace fs = std::filesystem;

namespace {


void serve_file(httplib::Server& server, const fs::path& file) {
  server.Get("/disk.qcow2", [file](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(fs::file_size(file), "application/octet-stream",
                             [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               thread_local std::ifstream in;
                               thread_local std::vector<char> buf(1 << 20);
                               if (!in.is_open()) in.open(file, std::ios::binary);
                               in.seekg(static_cast<std::streamoff>(offset));
                               in.read(buf.data(), static_cast<std::streamsize>(std::min(buf.size(), length)));
                               return sink.write(buf.data(), static_cast<std::size_t>(in.gcount()));
                             });
  });
}

}  // namespace

int main(int argc, char** argv) {
  const int mib = argc > 1 ? std::stoi(argv[1]) : 1024;
  char tmpl[] = "/tmp/kaso-bench-dl-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  auto image = dir / "disk.qcow2";
  kaso::platform::run_process({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "preallocation=falloc",
                               image.string(), std::to_string(mib) + "M"},
                              std::chrono::minutes(5));
  std::printf("served file: %.0f MiB\n", static_cast<double>(fs::file_size(image)) / (1 << 20));

  httplib::Server http;
  serve_file(http, image);
  int port = http.bind_to_any_port("127.0.0.1");
  std::thread server_thread([&] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::yield();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/disk.qcow2";

  auto t0 = steady::now();
  kaso::platform::run_process({"curl", "-sS", "-o", (dir / "curl.out").string(), url}, std::chrono::minutes(10));
  double curl_ms = kaso::bench::ms_since(t0);
  fs::remove(dir / "curl.out");
  // The same with what kaso also does before it registers an image: make the file durable, and
  // hash it (curl then sha256sum).
  t0 = steady::now();
  kaso::platform::run_process({"curl", "-sS", "-o", (dir / "curl.out").string(), url}, std::chrono::minutes(10));
  kaso::platform::run_process({"sync", (dir / "curl.out").string()}, std::chrono::minutes(10));
  double curl_sync_ms = kaso::bench::ms_since(t0);
  kaso::platform::run_process({"sha256sum", (dir / "curl.out").string()}, std::chrono::minutes(10));
  double curl_sync_hash_ms = kaso::bench::ms_since(t0);
  fs::remove(dir / "curl.out");

  std::ofstream(dir / "kaso.json") << "{}";
  pid_t pid = fork();
  if (pid == 0) {
    execl(KASO_SERVER_BIN, "kaso-server", "-c", (dir / "kaso.json").c_str(), "-p", (dir / "state").c_str(),
          "--log-level", "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  httplib::Client api((dir / "state" / "kaso.sock").string());
  api.set_address_family(AF_UNIX);
  while (!api.Get("/api/v1/server")) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  double idle = kaso::bench::rss_mb(pid);
  t0 = steady::now();
  auto res = api.Post("/api/v1/images", nlohmann::json{{"name", "big"}, {"url", url}}.dump(), "application/json");
  auto task = "/api/v1/tasks/" + std::to_string(nlohmann::json::parse(res->body)["id"].get<int>());
  double peak = idle;
  std::string state = "running";
  while (state == "running") {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    peak = std::max(peak, kaso::bench::rss_mb(pid));
    state = nlohmann::json::parse(api.Get(task.c_str())->body)["state"];
  }
  double kaso_ms = kaso::bench::ms_since(t0);
  std::printf("task ended: %s\n", state.c_str());
  kaso::bench::figure("curl -o, MiB/s", mib / (curl_ms / 1000), "MiB/s", "-");
  kaso::bench::figure("kaso image create --url (to task completed), MiB/s", mib / (kaso_ms / 1000), "MiB/s", "-");
  kaso::bench::figure("throughput ratio kaso / curl -o", curl_ms / kaso_ms, "x", ">= 0.9");
  kaso::bench::figure("throughput ratio kaso / (curl -o; sync FILE)", curl_sync_ms / kaso_ms, "x", "-");
  kaso::bench::figure("throughput ratio kaso / (curl -o; sync; sha256sum)", curl_sync_hash_ms / kaso_ms, "x", "-");
  kaso::bench::figure("server RSS idle before", idle, "MB", "-");
  kaso::bench::figure("server RSS peak while downloading", peak, "MB", "flat");

  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  http.stop();
  server_thread.join();
  fs::remove_all(dir);
}
