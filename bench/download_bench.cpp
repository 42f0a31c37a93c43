// Image download figures: a 1 GiB qcow2 served from a loopback HTTP server, fetched by `curl -o`
// and by kaso-server (POST /api/v1/images, until the task's completion arrives on the event
// stream) in turns, a few rounds in the same run after one uncounted round; the medians, their
// ratio, the CPU each used, the machine's idle share, and the server's RSS while downloading.
// Twice: from a server that sends the file as static-file servers do (sendfile), and from
// cpp-httplib with a content provider, which copies every byte through user space and so takes a
// good share of a 2-core machine's CPU from the client it serves.
//   kaso_bench_download [size_mib=1024] [rounds=5]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_server.hpp"
#include "bench_util.hpp"
#include "platform/process.hpp"

using kaso::bench::steady;
namespace fs = std::filesystem;

namespace {

// GET of one file as nginx serves it: headers, then sendfile() from the page cache to the socket.
// One connection at a time (the fetches here are one after the other); no Range.
class sendfile_server {
 public:
  explicit sendfile_server(fs::path file) : file_(std::move(file)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::perror("sendfile_server");
      std::exit(1);
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~sendfile_server() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // accept() returns
    thread_.join();
    ::close(listen_fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/disk.qcow2"; }

 private:
  void run() {
    for (;;) {
      const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      serve(c);
      ::close(c);
    }
  }
  void serve(int c) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) return;
      request.append(buf, static_cast<std::size_t>(n));
    }
    const auto size = static_cast<off_t>(fs::file_size(file_));
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                             std::to_string(size) + "\r\nConnection: close\r\n\r\n";
    if (::write(c, head.data(), head.size()) != static_cast<ssize_t>(head.size())) return;
    const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    off_t offset = 0;
    while (offset < size && ::sendfile(c, fd, &offset, static_cast<std::size_t>(size - offset)) > 0) {
    }
    ::close(fd);
  }

  fs::path file_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

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

double time_curl(const std::string& url, const fs::path& out) {
  auto t0 = steady::now();
  kaso::platform::run_process({"curl", "-sS", "-o", out.string(), url}, std::chrono::minutes(10));
  return kaso::bench::ms_since(t0);
}

// kaso-server (bench_server.hpp) with the figures of its downloads.
class kaso_server {
 public:
  kaso_server() : server_(kaso::bench::start_server("download", KASO_SERVER_BIN)) {
    if (server_.pid < 0) {
      std::fprintf(stderr, "kaso-server did not come up (log in %s)\n", server_.dir.c_str());
      std::exit(1);
    }
    peak_rss_ = idle_rss_ = kaso::bench::rss_mb(server_.pid);
  }
  ~kaso_server() {
    kaso::bench::end_child(server_.pid);
    fs::remove_all(server_.dir);
  }

  // POST until the task has ended, seen on the event stream (no polling load on the server while
  // it downloads); the image is removed again afterwards (not timed). With `poll_progress`, the
  // task is also polled every 5 ms (an uncounted round) for last_tail_ms.
  double time_download(const std::string& name, const std::string& url, bool poll_progress = false) {
    const double cpu0 = kaso::bench::cpu_seconds(server_.pid);
    const auto threads0 = kaso::bench::thread_cpu_seconds(server_.pid);
    auto t0 = steady::now();
    auto posted = kaso::bench::call(server_.socket, "POST", "/api/v1/images", {{"name", name}, {"url", url}});
    if (posted.status != 202) fail("POST /api/v1/images answered " + std::to_string(posted.status));
    const auto id = std::to_string(posted.body["id"].get<int>());
    std::atomic<bool> ended{false};
    double received_ms = 0;
    std::thread sampler([&] {
      while (!ended) {
        peak_rss_ = std::max(peak_rss_, kaso::bench::rss_mb(server_.pid));
        if (poll_progress && received_ms == 0) {
          const auto task = kaso::bench::call(server_.socket, "GET", "/api/v1/tasks/" + id).body;
          const auto& p = task["progress"];
          if (p.is_object() && p.value("total", 0) > 0 && p.value("done", 0) == p.value("total", 0)) {
            received_ms = kaso::bench::ms_since(t0);
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    const std::string end = wait_for_end(id);
    const double ms = kaso::bench::ms_since(t0);
    ended = true;
    sampler.join();
    last_cpu_s_ = kaso::bench::cpu_seconds(server_.pid) - cpu0;
    last_lasting_cpu_s_ = 0;
    for (const auto& [tid, cpu] : kaso::bench::thread_cpu_seconds(server_.pid)) {
      const auto before = threads0.find(tid);
      if (before != threads0.end()) last_lasting_cpu_s_ += cpu - before->second;
    }
    last_tail_ms_ = received_ms > 0 ? ms - received_ms : 0;
    if (end != "task.completed") fail("task ended: " + end);
    kaso::bench::call(server_.socket, "DELETE", "/api/v1/images/" + name);
    return ms;
  }
  // Of the last download polled: from the moment the task's progress first showed every byte
  // (reported once the last block is written and hashed) to the task's completion: the fsync,
  // verification, rename, qemu-img info and the event. 0 when no poll saw it.
  double last_tail_ms() const { return last_tail_ms_; }
  // CPU time (user and system, every thread) kaso-server spent on the last download; and of it,
  // what the threads that were there before and after it spent (the actor scheduler's workers,
  // the API's and the log's threads), the rest being the download's own threads.
  double last_cpu_s() const { return last_cpu_s_; }
  double last_lasting_cpu_s() const { return last_lasting_cpu_s_; }
  double idle_rss() const { return idle_rss_; }
  double peak_rss() const { return peak_rss_; }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    std::fprintf(stderr, "%s (server log in %s)\n", why.c_str(), server_.dir.c_str());
    std::exit(1);
  }

  // Follows the task's events (from its first) until one that ends it; that event's type.
  std::string wait_for_end(const std::string& id) const {
    httplib::Client c(server_.socket.string());
    c.set_address_family(AF_UNIX);
    c.set_read_timeout(std::chrono::minutes(10));
    std::string buffer, end;
    c.Get("/api/v1/events?follow=true&kind=task&last=0&id=" + id, httplib::Headers{},
          [&](const char* data, std::size_t size) {
            buffer.append(data, size);
            for (auto at = buffer.find("\n\n"); at != std::string::npos; at = buffer.find("\n\n")) {
              const auto message = buffer.substr(0, at);
              buffer.erase(0, at + 2);
              const auto data_at = message.find("data: ");
              if (data_at == std::string::npos) continue;
              const auto type = nlohmann::json::parse(message.substr(data_at + 6)).value("type", std::string());
              if (type == "task.completed" || type == "task.failed" || type == "task.cancelled") end = type;
            }
            return end.empty();
          });
    return end.empty() ? std::string("(event stream ended)") : end;
  }

  kaso::bench::server_process server_;
  double idle_rss_ = 0, peak_rss_ = 0, last_tail_ms_ = 0, last_cpu_s_ = 0, last_lasting_cpu_s_ = 0;
};

double median(const std::vector<double>& v) { return kaso::bench::percentile(v, 50); }

// Rounds of curl -o and kaso taking turns on `url`, then curl doing kaso's work too; the figures.
// Besides the times: the CPU each client used (curl's process; kaso-server's, all threads) and the
// share of the machine left idle while each ran, which tell a CPU-bound run from one that waits.
void measure(const char* server, const std::string& url, const fs::path& dir, int mib, int rounds) {
  std::printf("\n%s\n", server);
  const auto out = dir / "curl.out";
  std::vector<double> curl_ms, kaso_ms, ratios, synced_ms, hashed_ms, curl_cpu, kaso_cpu, lasting_cpu, curl_idle, kaso_idle;
  fs::create_directories(dir);
  kaso_server kaso;
  double tail_ms = 0;
  for (int round = 0; round <= rounds; ++round) {
    double c = 0, k = 0, c_cpu = 0, c_idle = 0, k_idle = 0;
    auto run_curl = [&] {
      const double cpu0 = kaso::bench::children_cpu_seconds();
      const auto ticks = kaso::bench::machine_ticks();
      c = time_curl(url, out);
      c_idle = kaso::bench::idle_share_since(ticks);
      c_cpu = kaso::bench::children_cpu_seconds() - cpu0;
      fs::remove(out);
    };
    auto run_kaso = [&] {
      const auto ticks = kaso::bench::machine_ticks();
      // The uncounted round also polls the task, for the time after the last block was written.
      k = kaso.time_download("big" + std::to_string(round), url, round == 0);
      k_idle = kaso::bench::idle_share_since(ticks);
      if (round == 0) tail_ms = kaso.last_tail_ms();
    };
    if (round % 2 == 0) {  // curl and kaso take turns going first
      run_curl();
      run_kaso();
    } else {
      run_kaso();
      run_curl();
    }
    if (round == 0) continue;
    std::printf("round %d: curl -o %.0f ms (CPU %.2f s, machine idle %.0f%%), kaso %.0f ms (CPU %.2f s, machine idle %.0f%%), ratio %.2f\n",
                round, c, c_cpu, 100 * c_idle, k, kaso.last_cpu_s(), 100 * k_idle, c / k);
    curl_ms.push_back(c);
    kaso_ms.push_back(k);
    ratios.push_back(c / k);
    curl_cpu.push_back(c_cpu);
    kaso_cpu.push_back(kaso.last_cpu_s());
    lasting_cpu.push_back(kaso.last_lasting_cpu_s());
    curl_idle.push_back(c_idle);
    kaso_idle.push_back(k_idle);
  }
  // curl doing what kaso also does before it registers an image (make the file durable, hash it):
  // after the rounds, so that its writeback disturbs none of them.
  for (int round = 0; round < std::max(1, rounds / 2); ++round) {
    auto t0 = steady::now();
    time_curl(url, out);
    kaso::platform::run_process({"sync", out.string()}, std::chrono::minutes(10));
    synced_ms.push_back(kaso::bench::ms_since(t0));
    kaso::platform::run_process({"sha256sum", out.string()}, std::chrono::minutes(10));
    hashed_ms.push_back(kaso::bench::ms_since(t0));
    fs::remove(out);
  }
  const double c = median(curl_ms), k = median(kaso_ms);
  kaso::bench::figure("curl -o, median MiB/s", mib / (c / 1000), "MiB/s", "-");
  kaso::bench::figure("kaso image create --url (to task completed), median MiB/s", mib / (k / 1000), "MiB/s", "-");
  kaso::bench::figure("throughput ratio kaso / curl -o, medians", c / k, "x", ">= 0.9");
  kaso::bench::figure("  per round, lowest", *std::min_element(ratios.begin(), ratios.end()), "x", "-");
  kaso::bench::figure("  per round, highest", *std::max_element(ratios.begin(), ratios.end()), "x", "-");
  const double gib = mib / 1024.0;
  kaso::bench::figure("CPU per GiB, curl -o (its process), median", median(curl_cpu) / gib, "s", "-");
  kaso::bench::figure("CPU per GiB, kaso-server (all threads), median", median(kaso_cpu) / gib, "s", "-");
  kaso::bench::figure("  of which the scheduler's, API's and log's threads", median(lasting_cpu) / gib, "s", "-");
  kaso::bench::figure("machine idle while curl -o ran, median", 100 * median(curl_idle), "%", "-");
  kaso::bench::figure("machine idle while kaso ran, median", 100 * median(kaso_idle), "%", "-");
  kaso::bench::figure("after the last block was written (uncounted round)", tail_ms, "ms", "-");
  kaso::bench::figure("throughput ratio kaso / (curl -o; sync FILE)", median(synced_ms) / k, "x", "-");
  kaso::bench::figure("throughput ratio kaso / (curl -o; sync; sha256sum)", median(hashed_ms) / k, "x", "-");
  kaso::bench::figure("server RSS idle before", kaso.idle_rss(), "MB", "-");
  kaso::bench::figure("server RSS peak while downloading", kaso.peak_rss(), "MB", "flat");
}

}  // namespace

int main(int argc, char** argv) {
  const int mib = argc > 1 ? std::stoi(argv[1]) : 1024;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 5;
  char tmpl[] = "/tmp/kaso-bench-dl-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  auto image = dir / "disk.qcow2";
  kaso::platform::run_process({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "preallocation=falloc",
                               image.string(), std::to_string(mib) + "M"},
                              std::chrono::minutes(5));
  std::printf("served file: %.0f MiB, %d rounds after one uncounted round\n",
              static_cast<double>(fs::file_size(image)) / (1 << 20), rounds);
  {
    sendfile_server server(image);
    measure("served with sendfile (as nginx serves a static file)", server.url(), dir / "a", mib, rounds);
  }
  {
    httplib::Server http;
    serve_file(http, image);
    const int port = http.bind_to_any_port("127.0.0.1");
    std::thread server_thread([&] { http.listen_after_bind(); });
    while (!http.is_running()) std::this_thread::yield();
    measure("served by cpp-httplib, a content provider reading 1 MiB at a time",
            "http://127.0.0.1:" + std::to_string(port) + "/disk.qcow2", dir / "b", mib, rounds);
    http.stop();
    server_thread.join();
  }
  fs::remove_all(dir);
}
