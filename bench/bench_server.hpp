// Helpers shared by the benchmarks that drive a real kaso-server: requests on its Unix socket,
// spawning children with their output in a log, and ending them.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
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

inline void end_child(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
}

}  // namespace kaso::bench
