// Append-to-delivery latency of the event stream (GET /api/v1/events?follow=true) against a real
// kaso-server on a temporary path: 10 followers on the Unix socket, one client appending N events
// (POST /api/v1/identities, each synced, one after the other), every event timed in every follower.
//   kaso_bench_tail [N]   (default 2000)
// Two figures per event and follower:
//   - from just before its POST is sent to its arrival in the follower (steady clock): the whole
//     path a user sees, including the request and the synced write;
//   - from the time the store recorded in the event (system clock, taken as the write batch is
//     made, before its sync) to its arrival: commit and delivery.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_server.hpp"
#include "bench_util.hpp"

using kaso::bench::steady;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";
constexpr int followers = 10;

std::unique_ptr<httplib::Client> client(const std::string& socket) {
  auto c = std::make_unique<httplib::Client>(socket);
  c->set_address_family(AF_UNIX);
  c->set_keep_alive(true);
  c->set_read_timeout(60, 0);
  return c;
}

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// What one follower saw: per event index (the identity "e<i>"), its arrival times.
struct arrivals {
  std::vector<steady::time_point> at;
  std::vector<double> after_record_ms;
  int count = 0;
  explicit arrivals(int n) : at(n), after_record_ms(n, -1) {}
};

void follow_once(const std::string& socket, int n, arrivals& seen, std::atomic<int>& connected, bool& began) {
  auto c = client(socket);
  std::string buffer;
  c->Get(
      "/api/v1/events?follow=true&kind=identity&last=0", httplib::Headers{},
      [&](const httplib::Response& r) {
        began = true;
        ++connected;
        return r.status == 200;
      },
      [&](const char* data, std::size_t size) {
        auto arrived = steady::now();
        auto arrived_us = now_us();
        buffer.append(data, size);
        for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
          auto message = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          auto data_at = message.find("\ndata: ");
          if (data_at == std::string::npos) continue;
          auto e = nlohmann::json::parse(message.substr(data_at + 7));
          auto name = e["payload"].value("name", std::string());
          if (name.size() < 2 || name[0] != 'e') continue;
          int i = std::stoi(name.substr(1));
          seen.at[i] = arrived;
          seen.after_record_ms[i] = static_cast<double>(arrived_us - e["time_us"].get<std::int64_t>()) / 1000.0;
          ++seen.count;
        }
        return seen.count < n;
      });
}

// Follows until n events were seen. A connection refused before the stream began is tried again
// (ten followers connecting at once overflowed httplib's listen backlog of 5, before kaso-server
// raised it to 128).
void follow(const std::string& socket, int n, arrivals& seen, std::atomic<int>& connected) {
  bool began = false;
  for (int attempt = 0; attempt < 100 && !began; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    follow_once(socket, n, seen, connected, began);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 2000;
  auto server = kaso::bench::start_server("tail", KASO_SERVER_BIN);
  if (server.pid < 0) {
    std::fprintf(stderr, "kaso-server did not come up (log in %s)\n", server.dir.c_str());
    return 1;
  }
  const std::filesystem::path dir = server.dir;
  const std::string socket = server.socket.string();
  const pid_t pid = server.pid;
  auto c = client(socket);

  std::vector<arrivals> seen(followers, arrivals(n));
  std::atomic<int> connected{0};
  std::vector<std::thread> threads;
  for (int f = 0; f < followers; ++f) {
    threads.emplace_back([&, f] { follow(socket, n, seen[f], connected); });
  }
  while (connected < followers) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::vector<steady::time_point> sent(n);
  int failed = 0;
  auto t0 = steady::now();
  for (int i = 0; i < n; ++i) {
    auto body = nlohmann::json{{"name", "e" + std::to_string(i)}, {"public_key", key_line}}.dump();
    sent[i] = steady::now();
    auto res = c->Post("/api/v1/identities", body, "application/json");
    if (!res || res->status != 201) ++failed;
  }
  const double append_s = kaso::bench::ms_since(t0) / 1000.0;
  for (auto& t : threads) t.join();

  std::vector<double> from_post, from_record;
  int missing = 0;
  for (const auto& s : seen) {
    for (int i = 0; i < n; ++i) {
      if (s.after_record_ms[i] < 0) {
        ++missing;
        continue;
      }
      from_post.push_back(std::chrono::duration<double, std::milli>(s.at[i] - sent[i]).count());
      from_record.push_back(s.after_record_ms[i]);
    }
  }
  std::printf("%d events appended in %.2f s (%.0f/s), %d failed; %d followers, %d deliveries missing\n", n,
              append_s, n / append_s, failed, followers, missing);
  if (!from_post.empty()) {
    using kaso::bench::figure;
    using kaso::bench::percentile;
    figure("POST sent -> delivered to a follower, median", percentile(from_post, 50), "ms", "-");
    figure("POST sent -> delivered to a follower, p99", percentile(from_post, 99), "ms", "< 50");
    figure("POST sent -> delivered to a follower, max", percentile(from_post, 100), "ms", "-");
    figure("event recorded -> delivered to a follower, median", percentile(from_record, 50), "ms", "-");
    figure("event recorded -> delivered to a follower, p99", percentile(from_record, 99), "ms", "< 50");
    figure("event recorded -> delivered to a follower, max", percentile(from_record, 100), "ms", "-");
  }
  kaso::bench::end_child(pid);
  std::filesystem::remove_all(dir);
  return missing == 0 && failed == 0 ? 0 : 1;
}
