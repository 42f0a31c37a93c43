// console_pump over real descriptors: the console is one end of a socketpair (the test holds the
// other, as qemu would), the input a pipe, the output a memfd. Each case's bytes are in place (or
// a peer thread answers) before the pump could end, so no outcome depends on timing; the idle
// period only bounds how long a broken pump could hang a test.
#include "cli/instance/console_pump.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "platform/unique_fd.hpp"

namespace kaso::cli::instance {
namespace {

using platform::unique_fd;
using namespace std::chrono_literals;

struct fd_pair {
  unique_fd a;
  unique_fd b;
};

fd_pair make_pipe() {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  return {unique_fd(fds[0]), unique_fd(fds[1])};  // read end, write end
}

fd_pair make_socketpair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  return {unique_fd(fds[0]), unique_fd(fds[1])};  // the pump's end, qemu's end
}

void write_text(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

// Everything `fd` gives until EOF.
std::string read_to_end(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

// What was written to a memfd.
std::string contents(int memfd) {
  ::lseek(memfd, 0, SEEK_SET);
  return read_to_end(memfd);
}

// The user's side: input is a pipe (the test writes to `typing`), output a memfd.
struct user_side {
  fd_pair input = make_pipe();
  unique_fd output{::memfd_create("console-output", 0)};

  int typing() const { return input.b.get(); }
  void stop_typing() { input.b.reset(); }
};

TEST(console_pump, copies_both_ways_until_the_console_closes) {
  user_side user;
  auto console = make_socketpair();
  std::string qemu_got;
  // qemu: prompts, reads the login name, answers, and exits (closing the console).
  std::thread qemu([&] {
    write_text(console.b.get(), "login: ");
    char c;
    while (qemu_got.find('\n') == std::string::npos && ::read(console.b.get(), &c, 1) == 1) {
      qemu_got += c;
    }
    write_text(console.b.get(), "Welcome\r\n");
    console.b.reset();
  });
  write_text(user.typing(), "root\n");

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);
  qemu.join();

  ASSERT_TRUE(ended) << ended.error().message();
  EXPECT_EQ(*ended, pump_end::closed);
  EXPECT_EQ(qemu_got, "root\n");
  EXPECT_EQ(contents(user.output.get()), "login: Welcome\r\n");
}

TEST(console_pump, the_escape_byte_ends_the_session_and_is_not_forwarded) {
  user_side user;
  auto console = make_socketpair();
  write_text(user.typing(), std::string("ls\n\x1d") + "after the escape");

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);

  ASSERT_TRUE(ended) << ended.error().message();
  EXPECT_EQ(*ended, pump_end::escaped);
  console.a.reset();  // the caller closes the console: qemu sees what was sent, then EOF
  EXPECT_EQ(read_to_end(console.b.get()), "ls\n");
  EXPECT_EQ(contents(user.output.get()), "");
}

TEST(console_pump, an_escape_first_sends_nothing) {
  user_side user;
  auto console = make_socketpair();
  write_text(user.typing(), "\x1d" "exit\n");

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);

  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, pump_end::escaped);
  console.a.reset();
  EXPECT_EQ(read_to_end(console.b.get()), "");
}

TEST(console_pump, ended_input_then_a_quiet_console_ends_the_session) {
  user_side user;
  auto console = make_socketpair();
  write_text(console.b.get(), "up 3 days\r\n");  // already waiting on the console
  write_text(user.typing(), "uptime\n");
  user.stop_typing();

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 50ms);

  ASSERT_TRUE(ended) << ended.error().message();
  EXPECT_EQ(*ended, pump_end::quiet);
  EXPECT_EQ(contents(user.output.get()), "up 3 days\r\n");
  console.a.reset();
  EXPECT_EQ(read_to_end(console.b.get()), "uptime\n");  // qemu is still there: nothing hung up
}

TEST(console_pump, a_console_that_closes_while_the_user_is_silent_is_closed) {
  user_side user;  // input stays open and empty
  auto console = make_socketpair();
  write_text(console.b.get(), "reboot: Power down\r\n");
  console.b.reset();

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);

  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, pump_end::closed);
  EXPECT_EQ(contents(user.output.get()), "reboot: Power down\r\n");
}

TEST(console_pump, typing_into_a_console_that_stopped_reading_is_closed_not_sigpipe) {
  user_side user;
  auto console = make_socketpair();
  ASSERT_EQ(::shutdown(console.b.get(), SHUT_RD), 0);  // qemu's end takes nothing more
  write_text(user.typing(), "ls\n");

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);

  ASSERT_TRUE(ended) << ended.error().message();
  EXPECT_EQ(*ended, pump_end::closed);
}

TEST(console_pump, copies_more_than_a_socket_buffer_intact) {
  user_side user;
  auto console = make_socketpair();
  std::string boot_log;
  for (int i = 0; boot_log.size() < 1024 * 1024; ++i) {
    boot_log += "[ " + std::to_string(i) + " ] kernel line\r\n";
  }
  std::thread qemu([&] {
    write_text(console.b.get(), boot_log);
    console.b.reset();
  });

  auto ended = pump_console({user.input.a.get(), user.output.get(), console.a.get()}, 10s);
  qemu.join();

  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, pump_end::closed);
  EXPECT_EQ(contents(user.output.get()), boot_log);
}

}  // namespace
}  // namespace kaso::cli::instance
