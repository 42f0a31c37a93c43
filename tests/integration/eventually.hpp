// Waiting on a real condition with a bound, the one polling loop of the integration tests.
#pragma once

#include <chrono>
#include <thread>

namespace kaso::testing {

// Checks `done` every 10 ms until it holds (true) or `bound` has passed (false).
template <class Done>
bool eventually(Done done, std::chrono::seconds bound = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace kaso::testing
