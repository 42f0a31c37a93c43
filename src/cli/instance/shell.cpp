// kaso instance shell|exec|copy: into a running instance over SSH (ssh_access.hpp), without
// knowing its port, user or host key.
//
//   kaso instance shell REF [--user USER] [-i KEY] [--wait-timeout SECONDS]
//   kaso instance exec REF [--user USER] [-i KEY] [--wait-timeout SECONDS] -- COMMAND [ARG]...
//   kaso instance copy [-r] [--user USER] [-i KEY] [--wait-timeout SECONDS] [NAME:]SRC [NAME:]DST
//
// Each reads the instance; one that is starting, booting or restarting is waited for (the
// progress on stderr, readiness.hpp) until it is ready and, for the ci and ci-disk bootstrappers,
// its guest has phoned home its host keys; one that is stopped is an error saying how to start
// it. Then kaso writes ~/.kaso/known_hosts/NAME from the recorded host keys and runs the system's
// ssh or scp attached to this terminal. Their exit status is kaso's (exec returns the remote
// command's; 255 is ssh's own failure, e.g. a host key that does not match).
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "cli/instance/option_values.hpp"
#include "cli/instance/readiness.hpp"
#include "cli/instance/ssh_access.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/instance/view.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"
#include "cli/instance/attached_process.hpp"

namespace kaso::cli::instance {
namespace {

enum class ssh_verb { shell, exec, copy };

bool has_host_keys(const nlohmann::json& vm) {
  auto home = vm.find("phone_home");
  return home != vm.end() && home->is_object() && home->contains("host_keys") &&
         (*home)["host_keys"].is_object() && !(*home)["host_keys"].empty();
}

// Whether kaso's cloud-init makes the guest phone its host keys home.
bool phones_home(const nlohmann::json& vm) {
  auto b = text_of(vm, "bootstrapper");
  return b == "ci" || b == "ci-disk";
}

std::filesystem::path known_hosts_of(const std::string& name) {
  const char* home = std::getenv("HOME");
  std::filesystem::path base = home != nullptr && *home != '\0' ? home : "/tmp";
  return base / ".kaso" / "known_hosts" / name;
}

class ssh_command final : public command {
 public:
  explicit ssh_command(ssh_verb verb)
      : command("instance", verb == ssh_verb::shell ? "shell" : verb == ssh_verb::exec ? "exec" : "copy",
                verb == ssh_verb::shell  ? "Open a shell in an instance (ssh, its host key checked)"
                : verb == ssh_verb::exec ? "Run a command in an instance and return its exit status"
                                         : "Copy files between the host and an instance (scp)"),
        verb_(verb) {}

  std::string synopsis() const override {
    const std::string common = " [--user USER] [-i KEY] [--wait-timeout SECONDS]";
    if (verb_ == ssh_verb::copy) return "[-r]" + common + " [NAME:]SRC [NAME:]DST";
    return std::string(object_ref_synopsis) + common + (verb_ == ssh_verb::exec ? " -- COMMAND [ARG]..." : "");
  }

  void add_options(cxxopts::Options& options) override {
    if (verb_ == ssh_verb::copy) {
      options.add_options()("r,recursive", "Copy directories and what they hold");
      options.add_options("positional")("paths", "SRC and DST", cxxopts::value<std::vector<std::string>>());
      options.parse_positional({"paths"});
    } else {
      add_object_ref_options(options, "instance");
      if (verb_ == ssh_verb::exec) {
        options.add_options("positional")("command", "The command", cxxopts::value<std::vector<std::string>>());
        options.parse_positional({"ref", "command"});
      }
    }
    options.add_options()("user", "Log in as USER (default: the instance's first identity with an SSH key)",
                          cxxopts::value<std::string>(), "USER")(
        "i,identity-file", "The private key ssh uses (passed to ssh as -i)", cxxopts::value<std::string>(), "KEY")(
        "wait-timeout", "Seconds to wait for an instance that is still booting (default " +
                            std::to_string(default_ready_wait.count()) + ")",
        cxxopts::value<std::string>(), "SECONDS");
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (parsed.count("user")) user_ = parsed["user"].as<std::string>();
    if (parsed.count("identity-file")) identity_file_ = parsed["identity-file"].as<std::string>();
    if (parsed.count("wait-timeout")) {
      auto s = parse_count("--wait-timeout", parsed["wait-timeout"].as<std::string>(), 1, max_ready_wait_s);
      if (!s) return s.error();
      limit_ = std::chrono::seconds(*s);
    }
    if (verb_ == ssh_verb::copy) return take_copy(parsed);
    if (verb_ == ssh_verb::exec) {
      if (parsed.count("command")) command_ = parsed["command"].as<std::vector<std::string>>();
      // With --id/--name, the first word after them fills REF: it is the command's.
      if (parsed.count("ref") && parsed.count("id") + parsed.count("name") == 1) {
        command_.insert(command_.begin(), parsed["ref"].as<std::string>());
        ref_ = parsed.count("name") ? parsed["name"].as<std::string>() : parsed["id"].as<std::string>();
        return command_.empty() ? error::invalid_argument("give the command to run after --") : ok_status();
      }
      if (command_.empty()) return error::invalid_argument("give the command to run after --: kaso instance exec NAME -- COMMAND");
    }
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    ref_ = *ref;
    return ok_status();
  }

  status run(api_client& api, std::ostream&, std::ostream& err) override {
    auto vm = ready_instance(api, err);
    if (!vm) return vm.error();
    auto identities = api.get("/identities");
    if (!identities) return identities.error();
    auto target = ssh_target_of(*vm, *identities, user_);
    if (!target) return target.error();
    auto known_hosts = known_hosts_of(target->name);
    if (auto s = write_known_hosts(known_hosts, *target); !s) return s.error();
    auto argv = verb_ == ssh_verb::copy ? scp_argv(*target, known_hosts, identity_file_, recursive_, from_, to_)
                                        : ssh_argv(*target, known_hosts, identity_file_, command_);
    err.flush();
    auto code = run_attached(argv);
    if (!code) return code.error();
    code_ = *code;
    return ok_status();
  }

  exit_code code_after_run() const override { return static_cast<exit_code>(code_); }

 private:
  status take_copy(const cxxopts::ParseResult& parsed) {
    recursive_ = parsed.count("recursive") > 0;
    auto paths = parsed.count("paths") ? parsed["paths"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (paths.size() != 2) return error::invalid_argument("give a source and a destination: [NAME:]SRC [NAME:]DST");
    from_ = parse_copy_end(paths[0]);
    to_ = parse_copy_end(paths[1]);
    if (from_.instance.has_value() == to_.instance.has_value()) {
      return error::invalid_argument("exactly one of SRC and DST names an instance (NAME:PATH)");
    }
    ref_ = from_.instance ? *from_.instance : *to_.instance;
    if ((from_.instance ? from_.path : to_.path).empty()) {
      return error::invalid_argument("give the path in the instance after NAME:");
    }
    return ok_status();
  }

  // The instance once ready and (when it phones home) with its host keys; waits for both.
  result<nlohmann::json> ready_instance(api_client& api, std::ostream& err) {
    auto vm = api.get("/instances/" + percent_encode(ref_));
    if (!vm) return vm.error();
    auto state = state_of(*vm);
    if (!state || !domain::on_its_way(*state)) {
      return error::conflict("instance " + text_of(*vm, "name") + " is " + text_of(*vm, "state") +
                             ": start it with kaso instance start " +
                             text_of(*vm, "name") + " --wait");
    }
    const auto began = std::chrono::steady_clock::now();
    auto env = task::real_wait_env();
    if (!vm->value("ready", false)) {
      vm = wait_until_ready(api, ref_, limit_, err, env);
      if (!vm) return vm.error();
    }
    while (phones_home(*vm) && !has_host_keys(*vm)) {
      if (std::chrono::steady_clock::now() - began >= limit_) break;  // ssh_target_of says why
      env.pause();
      vm = api.get("/instances/" + percent_encode(ref_));
      if (!vm) return vm.error();
    }
    return vm;
  }

  ssh_verb verb_;
  std::string ref_;
  std::optional<std::string> user_, identity_file_;
  std::chrono::seconds limit_ = default_ready_wait;
  std::vector<std::string> command_;
  bool recursive_ = false;
  copy_end from_, to_;
  int code_ = 0;
};

}  // namespace

std::unique_ptr<command> make_shell() { return std::make_unique<ssh_command>(ssh_verb::shell); }
std::unique_ptr<command> make_exec() { return std::make_unique<ssh_command>(ssh_verb::exec); }
std::unique_ptr<command> make_copy() { return std::make_unique<ssh_command>(ssh_verb::copy); }

}  // namespace kaso::cli::instance
