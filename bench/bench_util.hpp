// Small helpers shared by the benchmark harnesses: timing and percentiles.
#pragma once

#include <algorithm>
#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <cstdio>
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

inline void figure(const char* what, double value, const char* unit, const char* target) {
  std::printf("%-58s %12.3f %-8s (target %s)\n", what, value, unit, target);
}

}  // namespace kaso::bench
