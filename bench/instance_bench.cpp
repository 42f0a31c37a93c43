// Instance figures against a real kaso-server on a temporary path (issue #4), each next to doing
// the same by hand in the same run:
//   create: POST /api/v1/instances until 201, for a blank 1 GiB and a blank 20 GiB image, versus
//           `qemu-img create -f qcow2 -F qcow2 -b IMAGE` + the seed files + `genisoimage`;
//   start:  POST /api/v1/instances/{name}/start until 200 (kaso answers once QMP says running),
//           versus spawning kaso's own command line for that VM (its vm.sh, pointed at a directory
//           of our own) here, negotiating QMP and polling query-status until running.
// A warm-up round per image is not counted; then kaso and by hand take turns going first.
// Network safety: every VM is on default_host_network (user networking, restrict=on), the qemu
// started here too (it runs kaso's command line). Single-threaded; run it alone on the machine it measures.
//   kaso_bench_instances [--rounds N] [--server-bin PATH]
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_server.hpp"
#include "bench_util.hpp"
#include "platform/process.hpp"

using kaso::bench::call;
using kaso::bench::end_child;
using kaso::bench::spawn;
using kaso::bench::steady;
namespace fs = std::filesystem;

namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";
constexpr std::uint64_t gib = 1ULL << 30;
constexpr auto wait_limit = std::chrono::seconds(60);

bool run(const std::vector<std::string>& argv) {
  auto r = kaso::platform::run_process(argv, wait_limit);
  if (r.ok() && r->succeeded()) return true;
  std::fprintf(stderr, "%s failed: %s\n", argv[0].c_str(), r.ok() ? r->stderr_text.c_str() : r.error().to_string().c_str());
  return false;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A Unix stream socket connected to `path`; -1 when nobody listens (yet).
int connect_unix(const fs::path& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  close(fd);
  return -1;
}

// The bare QMP dialogue a script would have: greeting, qmp_capabilities, query-status. Each
// read waits at most 10 s (SO_RCVTIMEO).
class qmp_session {
 public:
  explicit qmp_session(int fd) : fd_(fd) {
    timeval limit{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~qmp_session() { close(fd_); }
  qmp_session(const qmp_session&) = delete;
  qmp_session& operator=(const qmp_session&) = delete;

  bool greeted() { return next_reply("QMP").is_object(); }
  // The "return" member of the reply to `command`; null on error or silence.
  nlohmann::json execute(const std::string& command) {
    auto line = nlohmann::json{{"execute", command}}.dump() + "\n";
    if (write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return nullptr;
    auto r = next_reply("return");
    return r.is_object() && r.contains("return") ? r["return"] : nlohmann::json();
  }

 private:
  // The next message holding `key` (or an error); events are skipped.
  nlohmann::json next_reply(const std::string& key) {
    for (;;) {
      auto end = buffer_.find('\n');
      while (end == std::string::npos) {
        char chunk[4096];
        ssize_t n = read(fd_, chunk, sizeof chunk);
        if (n <= 0) return nullptr;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        end = buffer_.find('\n');
      }
      auto message = nlohmann::json::parse(buffer_.substr(0, end), nullptr, false);
      buffer_.erase(0, end + 1);
      if (message.is_object() && (message.contains(key) || message.contains("error"))) return message;
    }
  }
  int fd_;
  std::string buffer_;
};

// The argv of a vm.sh (`exec ARG ARG ...`, single-quoted where needed, lines joined by '\\'),
// with every occurrence of `from` (the kaso instance's directory) replaced by `to`.
std::vector<std::string> argv_of_script(const std::string& script, const std::string& from, const std::string& to) {
  std::vector<std::string> argv;
  auto at = script.find("exec ");
  if (at == std::string::npos) return argv;
  std::string word;
  bool in_word = false;
  for (std::size_t i = at + 5; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\'' ) {
      auto end = script.find('\'', i + 1);
      word += script.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '\\' && i + 1 < script.size()) {
      if (script[i + 1] != '\n') word += script[i + 1], in_word = true;
      ++i;
    } else if (c == ' ' || c == '\n' || c == '\t') {
      if (in_word) argv.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) argv.push_back(word);
  for (auto& a : argv) {
    for (auto pos = a.find(from); pos != std::string::npos; pos = a.find(from, pos + to.size())) a.replace(pos, from.size(), to);
  }
  return argv;
}

// What a hand-made VM is: its directory with os.qcow2, the seed files and seed.iso.
struct by_hand {
  static bool create(const fs::path& image, const fs::path& dir, std::uint64_t size,
                     const std::vector<std::pair<std::string, std::string>>& seed_files) {
    if (!run({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", image.string(),
              (dir / "os.qcow2").string(), std::to_string(size)})) {
      return false;
    }
    std::vector<std::string> iso{"genisoimage", "-quiet", "-output", (dir / "seed.iso").string(), "-volid", "cidata",
                                 "-joliet", "-rock"};
    for (const auto& [name, text] : seed_files) {
      std::ofstream(dir / name) << text;
      iso.push_back((dir / name).string());
    }
    return run(iso);
  }

  // Spawns qemu on the overlay and the seed and waits until QMP says running; the pid, or -1.
  // `argv`: kaso's own command line for the same VM (its vm.sh), pointed at this directory.
  static pid_t start(const fs::path& dir, const std::vector<std::string>& argv) {
    auto qmp = dir / "qmp.sock";
    pid_t pid = spawn(argv, dir / "qemu.log");
    if (pid > 0 && wait_running(pid, qmp)) return pid;
    end_child(pid);
    return -1;
  }

  static bool wait_running(pid_t pid, const fs::path& qmp) {
    auto deadline = steady::now() + wait_limit;
    int fd = -1;
    while ((fd = connect_unix(qmp)) < 0) {
      if (waitpid(pid, nullptr, WNOHANG) == pid || steady::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    qmp_session session(fd);
    if (!session.greeted() || !session.execute("qmp_capabilities").is_object()) return false;
    while (steady::now() < deadline) {
      auto status = session.execute("query-status");
      if (!status.is_object()) return false;
      if (status.value("status", "") == "running") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
};

struct times {
  double kaso_create = 0, hand_create = 0, kaso_start = 0, hand_start = 0;
};

struct samples {
  std::vector<double> kaso_create, hand_create, kaso_start, hand_start;
  void add(const times& t) {
    kaso_create.push_back(t.kaso_create);
    hand_create.push_back(t.hand_create);
    kaso_start.push_back(t.kaso_start);
    hand_start.push_back(t.hand_start);
  }
};

// One image size: the kaso image `name` made from a blank qcow2 of `size`, its instances asking
// for `disk_size`; `path` is the imported image's file (the backing file for the hand-made VMs).
struct image_case {
  std::string name;
  std::uint64_t size = 0, disk_size = 0;
  const char* label = "";
  std::string path;
};

// A kaso-server on a temporary directory with one identity. The destructor stops the server and
// removes the directory.
class bench_session {
 public:
  bench_session(const std::string& server_bin, std::string accel) : accel_(std::move(accel)) {
    char tmpl[] = "/tmp/kaso-bench-inst-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream(dir_ / "kaso.json") << "{}";
    server_ = spawn({server_bin, "-c", (dir_ / "kaso.json").string(), "-p", (dir_ / "state").string(),
                     "--log-level", "warn"},
                    dir_ / "server.log");
  }
  ~bench_session() {
    end_child(server_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  bench_session(const bench_session&) = delete;
  bench_session& operator=(const bench_session&) = delete;

  fs::path socket() const { return dir_ / "state" / "kaso.sock"; }

  // Waits (bounded) until the server answers, then creates the identity "bench".
  bool ready() {
    auto deadline = steady::now() + wait_limit;
    while (call(socket(), "GET", "/api/v1/server").status != 200) {
      if (waitpid(server_, nullptr, WNOHANG) == server_ || steady::now() > deadline) {
        std::fprintf(stderr, "kaso-server did not come up:\n%s\n", read_text(dir_ / "server.log").c_str());
        server_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return call(socket(), "POST", "/api/v1/identities", {{"name", "bench"}, {"public_key", key_line}}).status == 201;
  }

  // Makes a blank qcow2 of c.size, imports it as c.name (waiting for the task) and sets c.path.
  bool import_image(image_case& c) {
    auto file = dir_ / (c.name + ".qcow2");
    if (!run({"qemu-img", "create", "-q", "-f", "qcow2", file.string(), std::to_string(c.size)})) return false;
    auto task = call(socket(), "POST", "/api/v1/images", {{"name", c.name}, {"file", file.string()}});
    if (task.status != 202) return false;
    auto path = "/api/v1/tasks/" + std::to_string(task.body.value("id", 0));
    auto deadline = steady::now() + wait_limit;
    while (call(socket(), "GET", path).body.value("state", "") == "running" && steady::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto image = call(socket(), "GET", "/api/v1/images/" + c.name);
    c.path = image.status == 200 ? image.body.value("path", "") : "";
    if (c.path.empty()) std::fprintf(stderr, "image %s was not imported: %s\n", c.name.c_str(), image.body.dump().c_str());
    return !c.path.empty();
  }

  // One round: create, kaso and by hand, then start, kaso and by hand, kaso first or second.
  // Each VM is stopped as soon as its start is timed, so that the other start does not share the
  // CPU with a running TCG guest. Both are removed at the end. `into` is null for a warm-up.
  bool round(const image_case& c, const std::string& name, bool kaso_first, samples* into) {
    auto hand_dir = dir_ / "hand" / name;
    fs::create_directories(hand_dir);
    times t;
    bool ok = kaso_first ? kaso_create(c, name, t) && hand_create(c, hand_dir, t)
                         : hand_create(c, hand_dir, t) && kaso_create(c, name, t);
    if (ok) {
      ok = kaso_first ? kaso_start(name, t) && hand_start(name, hand_dir, t)
                      : hand_start(name, hand_dir, t) && kaso_start(name, t);
    }
    ok = call(socket(), "DELETE", "/api/v1/instances/" + name + "?force=true").status == 200 && ok;
    std::error_code ignored;
    fs::remove_all(hand_dir, ignored);
    if (ok && into) into->add(t);
    return ok;
  }

 private:
  bool kaso_create(const image_case& c, const std::string& name, times& t) {
    nlohmann::json body = {{"name", name}, {"image", c.name}, {"network", "default_host_network"},
                           {"identities", {"bench"}}, {"ram", 64}, {"vcpu", 1},
                           {"bootstrapper", "ci-disk"}, {"disk_size", c.disk_size}};
    auto t0 = steady::now();
    auto r = call(socket(), "POST", "/api/v1/instances", body);
    t.kaso_create = kaso::bench::ms_since(t0);
    if (r.status != 201) {
      std::fprintf(stderr, "create %s: %d %s\n", name.c_str(), r.status, r.body.dump().c_str());
      return false;
    }
    if (seed_files_.empty()) keep_seed_files(fs::path(r.body.value("path", "")) / "cloud-init");
    return true;
  }

  // The files kaso wrote for its seed (user-data, meta-data, ...): the hand-made seeds hold the
  // same bytes.
  void keep_seed_files(const fs::path& seed_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(seed_dir, ec)) {
      seed_files_.emplace_back(entry.path().filename().string(), read_text(entry.path()));
    }
  }

  bool hand_create(const image_case& c, const fs::path& dir, times& t) {
    if (seed_files_.empty()) {
      std::fprintf(stderr, "no seed files known yet: the first round must go kaso first\n");
      return false;
    }
    auto t0 = steady::now();
    bool ok = by_hand::create(c.path, dir, c.disk_size, seed_files_);
    t.hand_create = kaso::bench::ms_since(t0);
    return ok;
  }

  // Times the start, then force-stops the VM.
  bool kaso_start(const std::string& name, times& t) {
    auto t0 = steady::now();
    auto r = call(socket(), "POST", "/api/v1/instances/" + name + "/start");
    t.kaso_start = kaso::bench::ms_since(t0);
    if (r.status != 200) {
      std::fprintf(stderr, "start %s: %d %s\n", name.c_str(), r.status, r.body.dump().c_str());
      return false;
    }
    return call(socket(), "POST", "/api/v1/instances/" + name + "/stop", {{"force", true}}).status == 200;
  }

  // Times the start, then ends the qemu.
  bool hand_start(const std::string& name, const fs::path& dir, times& t) {
    auto vm = call(socket(), "GET", "/api/v1/instances/" + name).body;
    auto argv = argv_of_script(read_text(vm.value("vm_script_path", "")), vm.value("path", ""), dir.string());
    if (argv.empty()) return false;
    auto t0 = steady::now();
    pid_t own = by_hand::start(dir, argv);
    t.hand_start = kaso::bench::ms_since(t0);
    if (own < 0) std::fprintf(stderr, "qemu by hand did not run:\n%s\n", read_text(dir / "qemu.log").c_str());
    end_child(own);
    return own > 0;
  }

  fs::path dir_;
  pid_t server_ = -1;
  std::string accel_;
  std::vector<std::pair<std::string, std::string>> seed_files_;
};

void report(const char* image, const samples& s) {
  using kaso::bench::figure;
  using kaso::bench::percentile;
  auto line = [&](const char* what, const std::vector<double>& v) {
    figure((std::string(what) + ", " + image + ", median").c_str(), percentile(v, 50), "ms", "-");
    figure((std::string(what) + ", " + image + ", p90").c_str(), percentile(v, 90), "ms", "-");
  };
  line("kaso create (POST until 201)", s.kaso_create);
  line("by hand: qemu-img create + genisoimage", s.hand_create);
  figure((std::string("ratio create kaso / by hand, ") + image + ", medians").c_str(),
         percentile(s.kaso_create, 50) / percentile(s.hand_create, 50), "x", "<= 1.2");
  line("kaso start (POST until 200)", s.kaso_start);
  line("by hand: spawn qemu, QMP until running", s.hand_start);
  figure((std::string("ratio start kaso / by hand, ") + image + ", medians").c_str(),
         percentile(s.kaso_start, 50) / percentile(s.hand_start, 50), "x", "<= 1.2");
}

struct options {
  int rounds = 10;
  std::string server_bin = KASO_SERVER_BIN;
};

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rounds") o.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--server-bin") o.server_bin = argv[i + 1];
    else return false;
  }
  return argc % 2 == 1 && o.rounds > 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: kaso_bench_instances [--rounds N] [--server-bin PATH]\n");
    return 2;
  }
  std::string accel = access("/dev/kvm", R_OK | W_OK) == 0 ? "kvm" : "tcg";
  bench_session b(o.server_bin, accel);
  if (!b.ready()) return 1;
  std::vector<image_case> cases = {{"blank1g", 1 * gib, 2 * gib, "1 GiB image", ""},
                                   {"blank20g", 20 * gib, 21 * gib, "20 GiB image", ""}};
  for (auto& c : cases) {
    if (!b.import_image(c)) return 1;
  }
  std::printf("accelerator of the hand-started qemu: %s; %d rounds per image\n", accel.c_str(), o.rounds);
  for (const auto& c : cases) {
    samples s;
    if (!b.round(c, "warmup-" + c.name, true, nullptr)) return 1;
    for (int r = 0; r < o.rounds; ++r) {
      if (!b.round(c, c.name + "-" + std::to_string(r), r % 2 == 0, &s)) return 1;
    }
    report(c.label, s);
  }
}
