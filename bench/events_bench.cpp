// Event log figures: projection rebuild rate from a 1,000,000-event log, synced append latency of
// a single command, and throughput with 64 concurrent committers (group commit).
//   kaso_bench_events [events=1000000]
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "bench_util.hpp"
#include "domain/rebuild.hpp"

using namespace kaso;
using bench::steady;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";

events::event identity_event(std::uint64_t id, std::uint64_t version) {
  events::event e;
  e.kind = "identity";
  e.id = std::to_string(id);
  e.version = version;
  e.caused_by = {1000, 4242, "unix"};
  if (version == 1) {
    e.type = "identity.created";
    e.payload = {{"name", "user" + e.id}, {"kind", "pubkey"}, {"public_key", key_line},
                 {"key_type", "ssh-ed25519"}, {"fingerprint", "SHA256:WRIaVB6iYyYt4YmaVzZNxz06a2Bk+0yzWBLqKSoO3E4"},
                 {"password_hash", ""}, {"gecos", ""}, {"homedir", ""}, {"shell", ""}};
  } else {
    e.type = "identity.modified";
    e.payload = {{"gecos", "User number " + e.id + " rev " + std::to_string(version)}};
  }
  return e;
}

void rebuild_rate(const std::filesystem::path& dir, std::uint64_t total) {
  auto store = events::event_store::open(dir / "rebuild", events::event_store::mode::read_write).value();
  const std::uint64_t identities = 1000;
  std::vector<std::uint64_t> versions(identities + 1, 0);
  std::vector<events::event> batch;
  for (std::uint64_t n = 0; n < total; ++n) {
    std::uint64_t id = n % identities + 1;
    batch.push_back(identity_event(id, ++versions[id]));
    if (batch.size() == 10000) {
      store->append(std::move(batch));
      batch.clear();
    }
  }
  if (!batch.empty()) store->append(std::move(batch));
  for (int round = 0; round < 3; ++round) {
    auto t0 = steady::now();
    auto s = domain::rebuild(*store).value();
    double ms = bench::ms_since(t0);
    std::printf("rebuild %llu events into %zu identities: %.0f ms\n",
                static_cast<unsigned long long>(s.last_seq), s.identities.by_id.size(), ms);
    bench::figure("projection rebuild", static_cast<double>(total) / (ms / 1000.0), "events/s", ">= 1,000,000");
  }
}

void append_latency(const std::filesystem::path& dir) {
  auto store = events::event_store::open(dir / "latency", events::event_store::mode::read_write).value();
  std::vector<double> samples;
  for (int i = 1; i <= 2000; ++i) {
    auto t0 = steady::now();
    store->append({identity_event(i, 1)});
    samples.push_back(bench::ms_since(t0));
  }
  bench::figure("synced append, one command, median", bench::percentile(samples, 50), "ms", "< 2");
  bench::figure("synced append, one command, p99", bench::percentile(samples, 99), "ms", "-");
}

void concurrent_throughput(const std::filesystem::path& dir) {
  auto store = events::event_store::open(dir / "concurrent", events::event_store::mode::read_write).value();
  const int clients = 64, per_client = 500;
  std::vector<std::thread> threads;
  auto t0 = steady::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 1; i <= per_client; ++i) store->append({identity_event(c + 1, i)});
    });
  }
  for (auto& t : threads) t.join();
  double seconds = bench::ms_since(t0) / 1000.0;
  bench::figure("synced appends, 64 concurrent clients", clients * per_client / seconds, "events/s", ">= 10,000");
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t total = argc > 1 ? std::stoull(argv[1]) : 1000000;
  char tmpl[] = "/tmp/kaso-bench-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  append_latency(dir);
  concurrent_throughput(dir);
  rebuild_rate(dir, total);
  std::filesystem::remove_all(dir);
}
