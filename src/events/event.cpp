#include "events/event.hpp"

#include <atomic>
#include <cstdio>
#include <random>

namespace kaso::events {

std::string new_correlation(char kind) {
  // A random base per process (so ids of different starts hardly meet) plus a counter (so ids of
  // one process never do).
  static const std::uint64_t base = [] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }();
  static std::atomic<std::uint64_t> counter{0};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%c-%016llx", kind, static_cast<unsigned long long>(base + counter.fetch_add(1)));
  return buf;
}

cause following(const event& e, std::string origin) {
  cause c;
  c.origin = std::move(origin);
  c.correlation = e.caused_by.correlation;
  c.causation = e.seq;
  return c;
}

}  // namespace kaso::events
