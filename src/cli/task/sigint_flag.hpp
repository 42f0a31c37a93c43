// sigint_flag: Ctrl-C as a flag rather than the end of the process, for a loop that wants to
// stop cleanly (kaso image create detaching from its task). While an instance lives, SIGINT only
// sets the flag; the loop asks raised(). The handler does nothing but store to a lock-free atomic,
// so it is async-signal-safe and throws nothing; the previous disposition of SIGINT comes back on
// destruction. At most one instance at a time in a process; any thread may ask raised().
#pragma once

#include <signal.h>

namespace kaso::cli::task {

class sigint_flag {
 public:
  sigint_flag();  // clears the flag and installs the handler
  ~sigint_flag();
  sigint_flag(const sigint_flag&) = delete;
  sigint_flag& operator=(const sigint_flag&) = delete;

  // Whether SIGINT arrived since construction.
  bool raised() const;

 private:
  struct sigaction previous_ {};
};

}  // namespace kaso::cli::task
