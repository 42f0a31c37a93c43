// API figures against a real kaso-server on a temporary path: idle RSS, single-command latency
// through the API, 64 concurrent clients creating identities (group commit end to end), and
// GET /api/v1/identities with 1,000 identities.
//   kaso_bench_api
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_server.hpp"
#include "bench_util.hpp"

using kaso::bench::steady;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";


std::unique_ptr<httplib::Client> client(const std::string& socket) {
  auto c = std::make_unique<httplib::Client>(socket);
  c->set_address_family(AF_UNIX);
  c->set_keep_alive(true);
  return c;
}

bool create(httplib::Client& c, const std::string& name) {
  auto body = nlohmann::json{{"name", name}, {"public_key", key_line}}.dump();
  auto res = c.Post("/api/v1/identities", body, "application/json");
  return res && res->status == 201;
}

}  // namespace

int main() {
  auto server = kaso::bench::start_server("api", KASO_SERVER_BIN);
  if (server.pid < 0) {
    std::fprintf(stderr, "kaso-server did not come up (log in %s)\n", server.dir.c_str());
    return 1;
  }
  const std::filesystem::path dir = server.dir;
  const std::string socket = server.socket.string();
  const pid_t pid = server.pid;
  auto c = client(socket);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kaso::bench::figure("server idle RSS, empty", kaso::bench::rss_mb(pid), "MB", "< 30");

  std::vector<double> latency;
  for (int i = 0; i < 300; ++i) {
    auto t0 = steady::now();
    create(*c, "single" + std::to_string(i));
    latency.push_back(kaso::bench::ms_since(t0));
  }
  kaso::bench::figure("POST identity (synced), one client, median", kaso::bench::percentile(latency, 50), "ms", "< 2");

  const int clients = 64, per_client = 20;
  std::vector<std::thread> threads;
  auto t0 = steady::now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      auto own = client(socket);
      for (int i = 0; i < per_client; ++i) create(*own, "c" + std::to_string(t) + "-" + std::to_string(i));
    });
  }
  for (auto& th : threads) th.join();
  kaso::bench::figure("POST identity, 64 concurrent clients", clients * per_client / (kaso::bench::ms_since(t0) / 1000.0),
                      "events/s", ">= 10,000 (store level)");

  std::vector<double> gets;
  std::size_t count = 0;
  for (int i = 0; i < 500; ++i) {
    auto t1 = steady::now();
    auto res = c->Get("/api/v1/identities");
    gets.push_back(kaso::bench::ms_since(t1));
    if (res) count = nlohmann::json::parse(res->body).size();
  }
  std::printf("GET /api/v1/identities returns %zu identities\n", count);
  kaso::bench::figure("GET /api/v1/identities, p50", kaso::bench::percentile(gets, 50), "ms", "-");
  kaso::bench::figure("GET /api/v1/identities, p99", kaso::bench::percentile(gets, 99), "ms", "< 5");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kaso::bench::figure("server idle RSS, with these identities", kaso::bench::rss_mb(pid), "MB", "< 30");

  kaso::bench::end_child(pid);
  std::filesystem::remove_all(dir);
}
