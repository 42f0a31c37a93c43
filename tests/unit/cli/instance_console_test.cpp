// kaso instance console end to end: the verb asks the fake kaso-server for the instance, connects
// to the console socket it names (a Unix socket this test listens on, standing in for qemu's
// serial console), and pumps the test's pipe and memfd through it. Also its errors: no socket, a
// socket nobody listens on, an unknown instance.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <string>
#include <thread>

#include "cli/command.hpp"
#include "cli/endpoint.hpp"
#include "cli/instance/verbs.hpp"
#include "fake_api_server.hpp"
#include "instance_test_data.hpp"
#include "platform/unique_fd.hpp"

namespace kaso::cli {
namespace {

using platform::unique_fd;
using namespace std::chrono_literals;

// A listening Unix socket at `path`, as qemu's `-chardev socket,server=on` is.
unique_fd listen_unix(const std::filesystem::path& path) {
  unique_fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(fd.get(), 1), 0);
  return fd;
}

std::string read_to_end(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

void write_text(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

struct outcome {
  int code;
  std::string out;      // what the verb printed on its stream (nothing: bytes go to the fd)
  std::string err;
  std::string console;  // what reached the output descriptor
};

class instance_console : public ::testing::Test {
 protected:
  testing::fake_api_server server;
  std::filesystem::path socket_path = server.dir() / "console.sock";
  unique_fd input_read, input_write;
  unique_fd output{::memfd_create("console-output", 0)};

  instance_console() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    input_read = unique_fd(fds[0]);
    input_write = unique_fd(fds[1]);
  }

  // Answers GET /instances/vm1 with vm1 whose console is `socket_path`, in `state`.
  void serve_vm1(const std::string& state = "running") {
    auto vm = testing::running_vm1();
    vm["console_socket"] = socket_path.string();
    vm["state"] = state;
    server.answer("GET", "/api/v1/instances/vm1", 200, vm);
  }

  outcome console(const std::vector<std::string>& args) {
    auto cmd = instance::make_console({input_read.get(), output.get(), 10s});
    std::ostringstream out, err;
    auto connect = [&]() -> result<api_client> {
      return api_client(*parse_endpoint(server.address()));
    };
    int code = run_command(*cmd, args, connect, out, err);
    ::lseek(output.get(), 0, SEEK_SET);
    return {code, out.str(), err.str(), read_to_end(output.get())};
  }
};

TEST_F(instance_console, piped_input_reaches_the_console_and_its_answer_the_output) {
  serve_vm1();
  auto listener = listen_unix(socket_path);
  std::string qemu_got;
  std::thread qemu([&] {
    unique_fd session(::accept(listener.get(), nullptr, nullptr));
    write_text(session.get(), "vm1 login: ");
    char c;
    while (qemu_got.find('\n') == std::string::npos && ::read(session.get(), &c, 1) == 1) {
      qemu_got += c;
    }
    write_text(session.get(), "Password: ");
  });  // closing the session ends the verb's pump
  write_text(input_write.get(), "root\n");
  input_write.reset();

  auto r = console({"vm1"});
  ::shutdown(listener.get(), SHUT_RDWR);  // had the verb not connected, accept() returns now
  qemu.join();

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "Connected to vm1's console; escape with Ctrl-]\nvm1's console closed\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.console, "vm1 login: Password: ");
  EXPECT_EQ(qemu_got, "root\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method + " " + requests[0].target, "GET /api/v1/instances/vm1");
}

TEST_F(instance_console, ctrl_right_bracket_detaches_without_being_sent) {
  serve_vm1();
  auto listener = listen_unix(socket_path);
  std::string qemu_got;
  std::thread qemu([&] {
    unique_fd session(::accept(listener.get(), nullptr, nullptr));
    qemu_got = read_to_end(session.get());  // until the verb hangs up
  });
  write_text(input_write.get(), "uname\n\x1d");  // the input stays open: only the escape ends it

  auto r = console({"--name", "vm1"});
  ::shutdown(listener.get(), SHUT_RDWR);
  qemu.join();

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "Connected to vm1's console; escape with Ctrl-]\nDetached from vm1's console\n");
  EXPECT_EQ(qemu_got, "uname\n");
  EXPECT_EQ(r.console, "");
}

TEST_F(instance_console, an_instance_without_a_console_socket_is_one_line) {
  auto vm = testing::stopped_vm2();
  vm["console_socket"] = "";
  server.answer("GET", "/api/v1/instances/2", 200, vm);

  auto r = console({"--id", "2"});

  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance vm2 has no console socket (the instance is stopped)\n");
}

TEST_F(instance_console, a_console_nobody_serves_is_one_line_naming_the_state) {
  serve_vm1("stopped");
  auto r = console({"vm1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: cannot connect to " + socket_path.string() +
                       ": No such file or directory (the instance is stopped)\n");
}

TEST_F(instance_console, an_unknown_instance_is_the_server_message) {
  server.answer("GET", "/api/v1/instances/nope", 404,
                testing::api_error("not_found", "instance 'nope' does not exist"));
  auto r = console({"nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: instance 'nope' does not exist\n");
  EXPECT_EQ(r.console, "");
}

}  // namespace
}  // namespace kaso::cli
