// Helpers shared by the benchmarks that drive a real kaso-server: requests on its Unix socket,
// spawning children with their output in a log, and ending them.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <string>

#include "platform/signals.hpp"
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace kaso::bench {

struct reply {
  int status = 0;
  nlohmann::json body;
};

// One request on a fresh connection, as the kaso CLI makes it.
inline reply call(const std::filesystem::path& socket, const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr) {
  httplib::Client c(socket.string());
  c.set_address_family(AF_UNIX);
  c.set_read_timeout(std::chrono::seconds(180));
  auto text = body.is_null() ? std::string() : body.dump();
  auto r = method == "POST" ? c.Post(path, text, "application/json") : method == "DELETE" ? c.Delete(path) : c.Get(path);
  if (!r) return {};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
}

// Forks `argv` with stdout and stderr on `log`; the child is ours to reap.
inline pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// A kaso-server on a fresh temporary path /tmp/kaso-bench-NAME-XXXXXX (configuration "{}", log
// warn and above in dir/server.log), once its socket answers (bounded: a minute); pid is -1 when
// it did not come up.
struct server_process {
  std::filesystem::path dir, socket;
  pid_t pid = -1;
};
inline server_process start_server(const std::string& name, const std::string& server_bin) {
  std::string tmpl = "/tmp/kaso-bench-" + name + "-XXXXXX";
  server_process s;
  s.dir = mkdtemp(tmpl.data());
  { std::ofstream(s.dir / "kaso.json") << "{}"; }
  s.socket = s.dir / "state" / "kaso.sock";
  s.pid = spawn({server_bin, "-c", (s.dir / "kaso.json").string(), "-p", (s.dir / "state").string(), "--log-level", "warn"},
                s.dir / "server.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (call(s.socket, "GET", "/api/v1/server").status != 200) {
    if (std::chrono::steady_clock::now() > deadline || waitpid(s.pid, nullptr, WNOHANG) == s.pid) {
      s.pid = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return s;
}

inline void end_child(pid_t pid) {
  if (pid <= 0) return;
  if (!kaso::platform::signal_process(pid, SIGTERM).ok()) return;
  waitpid(pid, nullptr, 0);
}

}  // namespace kaso::bench
