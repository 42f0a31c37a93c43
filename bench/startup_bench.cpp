// Server start with a large log (issue #5): a log of 1,000,000 events holding 1,000 instances
// (the three predefined networks, an image, 1,000 identities, 1,000 instances in state "created",
// then identity modifications up to the total), written straight to a store in large batches.
// Then kaso-server is started on a fresh copy of it until GET /api/v1/instances answers with every
// instance, in three cases: no checkpoint (a log from before checkpoints: the full fold), a
// checkpoint at the last event (after a clean stop), and one 50,000 events behind (after a crash,
// at most the checkpointer's interval). Medians of the runs; the fold time is the server's own.
//   kaso_bench_startup [--events N] [--instances N] [--runs N] [--server-bin PATH]
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>

#include "bench_util.hpp"
#include "domain/rebuild.hpp"
#include "domain/snapshot.hpp"
#include "platform/signals.hpp"

using namespace kaso;
using bench::steady;
namespace fs = std::filesystem;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";

struct options {
  std::uint64_t events = 1'000'000;
  std::uint64_t instances = 1'000;
  int runs = 5;
  std::string server_bin = KASO_SERVER_BIN;
};

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--events") o.events = std::stoull(value);
    else if (flag == "--instances") o.instances = std::stoull(value);
    else if (flag == "--runs") o.runs = std::stoi(value);
    else if (flag == "--server-bin") o.server_bin = value;
    else return false;
  }
  return argc % 2 == 1 && o.runs > 0;
}

// Appends `events` in batches of 10,000 (one synced write each), folding them into `s` as the
// server would, so that the next decision sees them.
class log_writer {
 public:
  explicit log_writer(events::event_store& store) : store_(store) {}
  void add(std::vector<events::event> evs) {
    for (auto& e : evs) pending_.push_back(std::move(e));
    if (pending_.size() >= 10'000) flush();
  }
  template <class Slice, class Command>
  void decide_and_add(Slice& slice, const Command& c) {
    auto evs = domain::decide(slice, c);
    if (!evs.ok()) throw std::runtime_error("decide: " + evs.error().to_string());
    flush();  // the events must be numbered before they are folded
    add(evs.value());
    flush();
  }
  void flush() {
    if (pending_.empty()) return;
    auto stored = store_.append(std::move(pending_));
    pending_.clear();
    if (!stored.ok()) throw std::runtime_error("append: " + stored.error().to_string());
    for (const auto& e : stored.value()) domain::evolve(state_, e);
  }
  domain::state& state() { return state_; }
  std::uint64_t count() const { return store_.last_seq() + pending_.size(); }

 private:
  events::event_store& store_;
  std::vector<events::event> pending_;
  domain::state state_;
};

void write_log(const fs::path& events_dir, const options& o) {
  auto store = events::event_store::open(events_dir, events::event_store::mode::read_write).value();
  log_writer w(*store);
  w.decide_and_add(w.state().machines, domain::ensure_predefined_networks{});
  w.decide_and_add(w.state().images, domain::start_image_task{"blank", {"file", "", "", "/nonexistent/blank.qcow2"}, "", {}});
  w.decide_and_add(w.state().images, domain::complete_image_task{1, "/nonexistent/1.qcow2", "qcow2", "", 64 << 20, 1 << 20, {}});
  const std::uint64_t identities = 1000;
  std::vector<events::event> batch;
  for (std::uint64_t i = 1; i <= identities; ++i) {
    domain::create_identity c;
    c.fields.name = "user" + std::to_string(i);
    c.fields.public_key = key_line;
    auto evs = domain::decide(w.state().identities, c);
    if (!evs.ok()) throw std::runtime_error(evs.error().to_string());
    w.add(evs.value());
    w.flush();
  }
  for (std::uint64_t i = 1; i <= o.instances; ++i) {
    domain::create_instance c;
    c.id = i;
    c.name = "vm" + std::to_string(i);
    c.path = "/nonexistent/instances/" + c.name;
    c.ram_mb = 64;
    c.disk_size = 128 << 20;
    c.network_ref = "default_host_network";
    c.identity_ids = {i % identities + 1};
    char mac[18];
    std::snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", static_cast<unsigned>(i >> 16) & 0xff,
                  static_cast<unsigned>(i >> 8) & 0xff, static_cast<unsigned>(i) & 0xff);
    c.mac = mac;
    c.ssh_port = static_cast<std::uint16_t>(20000 + i);
    c.image = {1, "blank", "/nonexistent/1.qcow2", "qcow2", 64 << 20, {}};
    c.host = {4, 8192};
    auto evs = domain::decide(w.state().machines, c);
    if (!evs.ok()) throw std::runtime_error(evs.error().to_string());
    w.add(evs.value());
    if (i % 100 == 0) w.flush();
  }
  w.flush();
  std::vector<std::uint64_t> versions(identities + 1, 1);
  for (std::uint64_t n = 0; w.count() < o.events; ++n) {
    std::uint64_t id = n % identities + 1;
    events::event e;
    e.kind = "identity";
    e.id = std::to_string(id);
    e.version = ++versions[id];
    e.type = "identity.modified";
    e.payload = {{"gecos", "User number " + e.id + " rev " + std::to_string(e.version)}};
    e.caused_by = {1000, 4242, "unix"};
    w.add({std::move(e)});
  }
  w.flush();
}

// Writes a checkpoint at `seq` exactly as the server's checkpointer would.
std::size_t write_checkpoint_at(const fs::path& events_dir, std::uint64_t seq) {
  auto store = events::event_store::open(events_dir, events::event_store::mode::read_write).value();
  auto folded = domain::rebuild_detailed(*store, {.up_to_seq = seq, .use_checkpoint = false}).value();
  auto bytes = domain::encode_checkpoint({folded.seq, folded.max_time_us, folded.state});
  auto s = store->write_checkpoint(folded.seq, bytes);
  if (!s.ok()) throw std::runtime_error(s.error().to_string());
  return bytes.size();
}

std::uintmax_t du(const fs::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) total += f.file_size();
  }
  return total;
}

struct start_sample {
  double until_api_ms = 0;  // fork until GET /api/v1/instances answered with every instance
  double fold_ms = 0;       // as the server logged it
  double stop_ms = 0;       // SIGTERM until exit (includes the checkpoint written at stop)
  double rss_mb = 0;        // right after the API answered
};

// From the server's line "... folded N events after ... in M ms"; -1 when it is not there.
double logged_fold_ms(const fs::path& log) {
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto folded = line.find("folded ");
    auto in_ms = line.rfind(" in ");
    if (folded == std::string::npos || in_ms == std::string::npos || in_ms < folded) continue;
    return std::atof(line.c_str() + in_ms + 4);
  }
  return -1;
}

// One start of kaso-server on a fresh copy of `prepared`; false when it never answered.
bool start_once(const options& o, const fs::path& prepared, const fs::path& scratch, start_sample& out) {
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  std::ofstream(scratch / "kaso.json") << "{}";
  fs::copy(prepared, scratch / "state", fs::copy_options::recursive);
  const auto socket = (scratch / "state" / "kaso.sock").string();
  const auto log = scratch / "server.log";
  auto t0 = steady::now();
  pid_t pid = fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    execl(o.server_bin.c_str(), "kaso-server", "-c", (scratch / "kaso.json").c_str(), "-p",
          (scratch / "state").c_str(), "--log-level", "info", static_cast<char*>(nullptr));
    _exit(127);
  }
  bool answered = false;
  while (!answered && bench::ms_since(t0) < 60'000) {
    httplib::Client c(socket);
    c.set_address_family(AF_UNIX);
    auto res = c.Get("/api/v1/instances");
    if (res && res->status == 200) {
      auto body = nlohmann::json::parse(res->body, nullptr, false);
      answered = body.is_array() && body.size() == o.instances;
      if (!answered) std::fprintf(stderr, "the API answered with %zu instances\n", body.size());
      break;
    }
    if (waitpid(pid, nullptr, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  out.until_api_ms = bench::ms_since(t0);
  out.rss_mb = bench::rss_mb(pid);
  auto t1 = steady::now();
  if (kaso::platform::signal_process(pid, SIGTERM).ok()) waitpid(pid, nullptr, 0);
  out.stop_ms = bench::ms_since(t1);
  out.fold_ms = logged_fold_ms(log);
  if (!answered) {
    std::ifstream in(log);
    std::fprintf(stderr, "kaso-server did not answer; its log:\n%s\n",
                 std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()).c_str());
  }
  return answered;
}

// The same fold in this process (no server): rebuild_detailed on a read-only view, and of it the
// checkpoint's decoding alone.
void in_process_figures(const fs::path& events_dir) {
  auto store = events::event_store::open(events_dir, events::event_store::mode::read_only).value();
  std::vector<double> rebuild_ms, decode_ms;
  for (int round = 0; round < 3; ++round) {
    auto t0 = steady::now();
    auto r = domain::rebuild_detailed(*store).value();
    rebuild_ms.push_back(bench::ms_since(t0));
    if (auto c = store->latest_checkpoint().value()) {
      auto t1 = steady::now();
      auto decoded = domain::decode_checkpoint(c->bytes);
      decode_ms.push_back(bench::ms_since(t1));
      if (!decoded.ok()) throw std::runtime_error(decoded.error().to_string());
    }
  }
  bench::figure("  in process: rebuild_detailed, median of 3", bench::percentile(rebuild_ms, 50), "ms", "-");
  if (!decode_ms.empty()) {
    bench::figure("  in process: of which decoding the checkpoint", bench::percentile(decode_ms, 50), "ms", "-");
  }
}

double median_of(const std::vector<start_sample>& v, double start_sample::*m) {
  std::vector<double> x;
  for (const auto& s : v) x.push_back(s.*m);
  return bench::percentile(x, 50);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: kaso_bench_startup [--events N] [--instances N] [--runs N] [--server-bin PATH]\n");
    return 2;
  }
  char tmpl[] = "/tmp/kaso-bench-startup-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  struct variant {
    std::string name;
    std::uint64_t behind;  // events after the checkpoint; UINT64_MAX: no checkpoint
  };
  std::vector<variant> variants = {{"no checkpoint (full fold)", UINT64_MAX},
                                   {"checkpoint at the last event", 0},
                                   {"checkpoint 50,000 events behind", 50'000}};
  try {
    auto t0 = steady::now();
    write_log(dir / "base" / "events", o);
    std::printf("log of %llu events, %llu instances written in %.1f s: %.1f MB on disk\n",
                static_cast<unsigned long long>(o.events), static_cast<unsigned long long>(o.instances),
                bench::ms_since(t0) / 1000.0, static_cast<double>(du(dir / "base")) / 1e6);
    for (std::size_t v = 0; v < variants.size(); ++v) {
      auto prepared = dir / ("case" + std::to_string(v));
      fs::copy(dir / "base", prepared, fs::copy_options::recursive);
      if (variants[v].behind != UINT64_MAX) {
        auto bytes = write_checkpoint_at(prepared / "events", o.events - variants[v].behind);
        std::printf("%s: checkpoint of %.2f MB\n", variants[v].name.c_str(), static_cast<double>(bytes) / 1e6);
      }
    }
    for (std::size_t v = 0; v < variants.size(); ++v) {
      std::vector<start_sample> samples;
      for (int r = 0; r < o.runs; ++r) {
        start_sample s;
        if (!start_once(o, dir / ("case" + std::to_string(v)), dir / "run", s)) throw std::runtime_error("no answer");
        std::printf("  %s, run %d: API after %.0f ms (fold %.0f ms), RSS %.1f MB, stop %.0f ms\n",
                    variants[v].name.c_str(), r + 1, s.until_api_ms, s.fold_ms, s.rss_mb, s.stop_ms);
        samples.push_back(s);
      }
      std::printf("%s, median of %d:\n", variants[v].name.c_str(), o.runs);
      bench::figure("  server start until GET /api/v1/instances answers", median_of(samples, &start_sample::until_api_ms),
                    "ms", "< 2,000");
      bench::figure("  of which the fold (server log)", median_of(samples, &start_sample::fold_ms), "ms", "-");
      bench::figure("  RSS once answering", median_of(samples, &start_sample::rss_mb), "MB", "-");
      bench::figure("  stop (SIGTERM until exit)", median_of(samples, &start_sample::stop_ms), "ms", "-");
      in_process_figures(dir / ("case" + std::to_string(v)) / "events");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kaso_bench_startup: %s\n", e.what());
    fs::remove_all(dir);
    return 1;
  }
  fs::remove_all(dir);
}
