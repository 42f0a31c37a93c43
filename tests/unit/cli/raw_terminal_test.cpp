// raw_terminal on a real pseudo-terminal: raw while it lives, the old mode back after, and back
// too when a signal ends the process (a child takes the SIGTERM; the parent reads the mode).
#include "cli/instance/raw_terminal.hpp"
#include "platform/signals.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include "platform/unique_fd.hpp"

namespace kaso::cli::instance {
namespace {

using platform::unique_fd;

struct pty {
  unique_fd master;
  unique_fd slave;
};

pty open_pty() {
  unique_fd master(::posix_openpt(O_RDWR | O_NOCTTY));
  EXPECT_TRUE(master.valid());
  EXPECT_EQ(::grantpt(master.get()), 0);
  EXPECT_EQ(::unlockpt(master.get()), 0);
  unique_fd slave(::open(::ptsname(master.get()), O_RDWR | O_NOCTTY));
  EXPECT_TRUE(slave.valid());
  return {std::move(master), std::move(slave)};
}

termios mode_of(int fd) {
  termios mode{};
  EXPECT_EQ(::tcgetattr(fd, &mode), 0);
  return mode;
}

bool same_mode(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag;
}

bool is_raw(const termios& m) { return (m.c_lflag & (ICANON | ECHO | ISIG)) == 0; }

// Kills and reaps the child unless the test reaped it (a failed assertion must not leave it).
struct child_guard {
  pid_t pid;
  ~child_guard() {
    if (pid <= 0) return;
    (void)platform::signal_process(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

TEST(raw_terminal, is_raw_while_it_lives_and_restores_the_mode_after) {
  auto terminal = open_pty();
  const auto cooked = mode_of(terminal.slave.get());
  ASSERT_FALSE(is_raw(cooked));
  {
    auto raw = raw_terminal::enter(terminal.slave.get());
    ASSERT_TRUE(raw) << raw.error().message();
    EXPECT_TRUE(is_raw(mode_of(terminal.slave.get())));
  }
  EXPECT_TRUE(same_mode(mode_of(terminal.slave.get()), cooked));
}

TEST(raw_terminal, refuses_what_is_no_terminal) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  unique_fd read_end(fds[0]), write_end(fds[1]);
  auto raw = raw_terminal::enter(read_end.get());
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().message(), "cannot read the terminal mode: Inappropriate ioctl for device");
}

TEST(raw_terminal, a_sigterm_restores_the_mode_before_the_process_dies_of_it) {
  auto terminal = open_pty();
  const auto cooked = mode_of(terminal.slave.get());
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  unique_fd ready_read(ready[0]), ready_write(ready[1]);

  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the CLI in its console session
    auto raw = raw_terminal::enter(terminal.slave.get());
    if (!raw) ::_exit(3);
    (void)!::write(ready_write.get(), "r", 1);
    for (;;) ::pause();
  }
  child_guard guard{child};
  ready_write.reset();
  char byte = 0;
  ASSERT_EQ(::read(ready_read.get(), &byte, 1), 1);
  EXPECT_TRUE(is_raw(mode_of(terminal.slave.get())));

  ASSERT_TRUE(platform::signal_process(child, SIGTERM).ok());
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  guard.pid = 0;

  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  EXPECT_TRUE(same_mode(mode_of(terminal.slave.get()), cooked));
}

}  // namespace
}  // namespace kaso::cli::instance
