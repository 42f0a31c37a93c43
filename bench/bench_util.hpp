// Small helpers shared by the benchmark harnesses: timing, percentiles, and the RSS and CPU time
// of processes from /proc.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace kaso::bench {

using steady = std::chrono::steady_clock;

inline double ms_since(steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

// REQUIRES: !samples.empty()
inline double percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size() - 1));
  return samples[i];
}

// Resident set size of a process, from /proc; -1 when it cannot be read.
inline double rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// CPU time (user and system) from a /proc/.../stat file; -1 when unreadable.
inline double stat_cpu_seconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may hold blanks
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt: fields 3 to 13
  long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU time a live process has used, all its threads.
inline double cpu_seconds(pid_t pid) { return stat_cpu_seconds("/proc/" + std::to_string(pid) + "/stat"); }

// CPU time of each live thread of a process, by thread id.
inline std::map<pid_t, double> thread_cpu_seconds(pid_t pid) {
  std::map<pid_t, double> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    out[static_cast<pid_t>(std::stol(e.path().filename().string()))] = stat_cpu_seconds(e.path() / "stat");
  }
  return out;
}

// CPU time of this process's children that were waited for.
inline double children_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Jiffies the whole machine spent, and of those, idle (idle and iowait), from /proc/stat.
struct cpu_ticks {
  long long total = 0, idle = 0;
};
inline cpu_ticks machine_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  cpu_ticks t;
  long long v = 0;
  for (int i = 0; in >> v && i < 8; ++i) {
    t.total += v;
    if (i == 3 || i == 4) t.idle += v;
  }
  return t;
}
// Share of the machine's CPU time that was idle since `before`.
inline double idle_share_since(const cpu_ticks& before) {
  const auto now = machine_ticks();
  const auto total = now.total - before.total;
  return total > 0 ? static_cast<double>(now.idle - before.idle) / static_cast<double>(total) : 0;
}

inline void figure(const char* what, double value, const char* unit, const char* target) {
  std::printf("%-58s %12.3f %-8s (target %s)\n", what, value, unit, target);
}

}  // namespace kaso::bench
