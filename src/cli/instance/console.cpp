// kaso instance console (REF | --id ID | --name NAME): GET /api/v1/instances/{ref} for the
// instance's console_socket, then connect to that socket directly (it is the serial console qemu
// serves; kaso-server is not in the way) and pump bytes both ways (console_pump.hpp) until the
// user types Ctrl-], the console closes, or piped input has ended and the console gone quiet.
//
//   stderr, in order                                   | when
//   ---------------------------------------------------+-----------------------------------------
//   "Connected to vm1's console; escape with Ctrl-]"   | connected, before the terminal goes raw
//   "Detached from vm1's console"                      | Ctrl-] typed
//   "vm1's console closed"                             | the console closed (qemu exited)
//
// The console's bytes go to standard output as they come. Errors (the instance has no console
// socket, it does not answer, a failed read or write) are the usual one line and exit 1.
#include <unistd.h>

#include <memory>
#include <string>

#include "cli/instance/console_pump.hpp"
#include "cli/instance/raw_terminal.hpp"
#include "cli/instance/unix_socket.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/instance/view.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

class console final : public command {
 public:
  explicit console(console_env env)
      : command("instance", "console", "Attach to an instance's serial console"), env_(env) {}

  std::string synopsis() const override { return std::string(object_ref_synopsis); }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    ref_ = *ref;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    auto instance = api.get("/instances/" + percent_encode(ref_));
    if (!instance) return instance.error();
    const auto name = text_of(*instance, "name");
    const auto path = text_of(*instance, "console_socket");
    if (path.empty()) {
      return error::conflict("instance " + name + " has no console socket" + state_note(*instance));
    }
    auto socket = connect_unix(path);
    if (!socket) {
      return error(socket.error().code(), socket.error().message() + state_note(*instance));
    }
    out.flush();
    err << "Connected to " << name << "'s console; escape with Ctrl-]\n" << std::flush;
    const bool tty = ::isatty(env_.input_fd) == 1;
    auto ended = session(socket->get(), tty);
    if (!ended) return ended.error();
    if (tty) err << '\n';  // the cursor may be anywhere on the console's last line
    if (*ended == pump_end::escaped) err << "Detached from " << name << "'s console\n";
    if (*ended == pump_end::closed) err << name << "'s console closed\n";
    return ok_status();
  }

 private:
  // The pump, with the terminal raw while it runs when the input is one.
  result<pump_end> session(int console_fd, bool tty) const {
    std::unique_ptr<raw_terminal> raw;
    if (tty) {
      auto entered = raw_terminal::enter(env_.input_fd);
      if (!entered) return entered.error();
      raw = std::move(entered.value());
    }
    return pump_console({env_.input_fd, env_.output_fd, console_fd}, env_.idle);
  }

  // " (the instance is stopped)" when the state says why there is no console to reach.
  static std::string state_note(const nlohmann::json& instance) {
    auto state = text_of(instance, "state");
    if (state.empty() || state_of(instance) == domain::instance_state::running) return {};
    return " (the instance is " + state + ")";
  }

  console_env env_;
  std::string ref_;
};

}  // namespace

console_env real_console_env() {
  return {STDIN_FILENO, STDOUT_FILENO, std::chrono::milliseconds(1000)};
}

std::unique_ptr<command> make_console(console_env env) {
  return std::make_unique<console>(env);
}

}  // namespace kaso::cli::instance
