// The SIGINT handler and its flag.
#include "cli/task/sigint_flag.hpp"

#include <atomic>

namespace kaso::cli::task {
namespace {

static_assert(std::atomic<bool>::is_always_lock_free, "a handler may touch only a lock-free flag");
std::atomic<bool> sigint_raised{false};

void on_sigint(int) { sigint_raised.store(true); }

}  // namespace

sigint_flag::sigint_flag() {
  sigint_raised.store(false);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a write or read in progress goes on; the loop checks the flag
  ::sigaction(SIGINT, &action, &previous_);
}

sigint_flag::~sigint_flag() { ::sigaction(SIGINT, &previous_, nullptr); }

bool sigint_flag::raised() const { return sigint_raised.load(); }

}  // namespace kaso::cli::task
