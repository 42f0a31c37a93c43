// kaso instance start|stop|restart (REF | --id ID | --name NAME) [--timeout SECONDS] [--force]
// [--wait [--wait-timeout SECONDS]] [-o FORMAT]: POST /api/v1/instances/{ref}/start|stop|restart, which the server answers with the
// instance once the change is done; prints "Started instance vm1 (pid 1234)", "Stopped instance
// vm1", "Restarted instance vm1 (pid 1240)", or with -o json the instance.
//
// start and restart take --wait: once qemu runs, the progress of the boot goes to stderr until the
// instance is ready (SSH answers; readiness.hpp), then "vm1 is ready (after 74.9 s): kaso instance
// shell vm1"; a boot that is not ready within --wait-timeout (default 300 s) fails with the
// console's last lines and exit 1. With -o json the instance is printed once ready.
//
// stop and restart send {"timeout": SECONDS, "force": true} as given (only what is given): how long
// the server waits for the guest to power off before it kills qemu, and whether to kill at once.
// The answer can thus come late: the request is sent as an operation (operation_wait.hpp: the
// server answers at once and the client follows the operation), and on a terminal a line says
// what the server waits for ("Stopping vm1: ACPI power-down sent, waiting up to 60 s for the
// guest to power off (12 s)"). The client waits as long as the server may take, plus a margin (see
// read_timeout_of).
//
//   verb    | the server answers within (http/machine_routes.cpp) | the client waits
//   --------+-----------------------------------------------------+------------------------------
//   start   | 90 s                                                | 150 s
//   stop    | SECONDS (default 60) + 60 s to quit and kill        | SECONDS + 120 s
//   restart | SECONDS + 60 s + 90 s                               | SECONDS + 210 s
#include <chrono>
#include <optional>
#include <string>

#include "cli/instance/operation_wait.hpp"
#include "cli/instance/option_values.hpp"
#include "cli/instance/readiness.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

// The server's stop timeout when none is given, and the most it takes.
constexpr std::uint64_t default_stop_wait_s = 60;
constexpr std::uint64_t max_timeout_s = 3600;
// What the server allows beyond the guest's grace: quitting and killing qemu, and starting it.
constexpr std::chrono::seconds kill_allowance{60};
constexpr std::chrono::seconds start_allowance{90};
// Beyond the server's own bound: the answer's way back.
constexpr std::chrono::seconds answer_margin{60};

struct power_spec {
  const char* name;     // the verb and the path's last segment: "stop"
  const char* summary;
  const char* done;     // "Stopped"
  const char* doing;    // "Stopping"
  bool stops;           // takes --timeout and --force, and stops qemu
  bool starts;          // starts qemu; the line names its pid
};

// How long to wait for the answer (the table above); `wait_s` is --timeout as given.
std::chrono::seconds read_timeout_of(const power_spec& spec, std::optional<std::uint64_t> wait_s) {
  auto bound = answer_margin;
  if (spec.stops) {
    bound += std::chrono::seconds(wait_s.value_or(default_stop_wait_s)) + kill_allowance;
  }
  if (spec.starts) bound += start_allowance;
  return bound;
}

class power_verb final : public command {
 public:
  power_verb(power_spec spec, task::wait_env env)
      : command("instance", spec.name, spec.summary), spec_(spec), env_(std::move(env)) {}

  std::string synopsis() const override {
    const char* stop_options = spec_.stops ? " [--timeout SECONDS] [--force]" : "";
    const char* wait_options = spec_.starts ? " [--wait [--wait-timeout SECONDS]]" : "";
    return std::string(object_ref_synopsis) + stop_options + wait_options + " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
    if (spec_.stops) {
      options.add_options()
          ("timeout", "Seconds to wait for the guest to power off (ACPI) before qemu is quit, then killed "
                      "(default " + std::to_string(default_stop_wait_s) + ", at most " + std::to_string(max_timeout_s) + ")",
           cxxopts::value<std::string>(), "SECONDS")
          ("force", "Kill qemu at once instead of asking the guest to power off");
    }
    if (spec_.starts) {
      options.add_options()
          ("wait", "Return once the instance is ready (its SSH answers), showing the boot's progress")
          ("wait-timeout", "Seconds --wait waits for readiness (default " + std::to_string(default_ready_wait.count()) +
                               ", at most " + std::to_string(max_ready_wait_s) + ")",
           cxxopts::value<std::string>(), "SECONDS");
    }
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    if (spec_.stops && parsed.count("timeout")) {
      auto seconds =
          parse_count("--timeout", parsed["timeout"].as<std::string>(), 0, max_timeout_s);
      if (!seconds) return seconds.error();
      timeout_s_ = *seconds;
    }
    force_ = spec_.stops && parsed.count("force") > 0;
    wait_ = spec_.starts && parsed.count("wait") > 0;
    if (spec_.starts && parsed.count("wait-timeout")) {
      if (!wait_) return error::invalid_argument("--wait-timeout goes with --wait");
      auto seconds = parse_count("--wait-timeout", parsed["wait-timeout"].as<std::string>(), 1, max_ready_wait_s);
      if (!seconds) return seconds.error();
      wait_limit_ = std::chrono::seconds(*seconds);
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    nlohmann::json body = nlohmann::json::object();
    if (timeout_s_) body["timeout"] = *timeout_s_;
    if (force_) body["force"] = true;
    const auto bound = read_timeout_of(spec_, timeout_s_);
    api.set_read_timeout(bound);
    auto answer = run_as_operation(api, "/instances/" + percent_encode(ref_) + "/" + spec_.name, body, bound,
                                   waiting_line(), err, env_);
    if (!answer) return answer.error();
    if (wait_) return wait_and_tell(api, *answer, out, err);
    if (format_ == output_format::json) {
      print_json(out, *answer);
      return ok_status();
    }
    out << spec_.done << " instance " << text_of(*answer, "name");
    auto pid = text_of(*answer, "pid");
    if (spec_.starts && !pid.empty() && pid != "0") out << " (pid " << pid << ")";
    out << '\n';
    return ok_status();
  }

 private:
  // --wait: the progress on stderr, then the instance (json) or how to get in.
  status wait_and_tell(api_client& api, const nlohmann::json& started, std::ostream& out, std::ostream& err) {
    const auto name = text_of(started, "name");
    if (format_ != output_format::json) {
      out << spec_.done << " instance " << name << " (pid " << text_of(started, "pid") << ")\n" << std::flush;
    }
    api.set_read_timeout(api_client::default_read_timeout);
    auto ready = wait_until_ready(api, name, wait_limit_, err, task::real_wait_env());
    if (!ready) return ready.error();
    if (format_ == output_format::json) {
      print_json(out, *ready);
      return ok_status();
    }
    out << name << " is ready (after " << text_of(*ready, "ready_after_s") << " s): kaso instance shell " << name << '\n';
    return ok_status();
  }

  // What the server waits for while the request runs.
  std::string waiting_line() const {
    std::string line = std::string(spec_.doing) + " " + ref_ + ": ";
    if (spec_.stops && force_) {
      line += "killing qemu";
    } else if (spec_.stops) {
      line += "ACPI power-down sent, waiting up to " + std::to_string(timeout_s_.value_or(default_stop_wait_s)) +
              " s for the guest to power off";
    } else {
      line += "waiting for qemu to run";
    }
    if (spec_.stops && spec_.starts) line += ", then starting it";
    return line;
  }

  power_spec spec_;
  task::wait_env env_;
  bool wait_ = false;
  std::chrono::seconds wait_limit_ = default_ready_wait;
  std::string ref_;
  std::optional<std::uint64_t> timeout_s_;
  bool force_ = false;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_start(task::wait_env env) {
  return std::make_unique<power_verb>(power_spec{"start", "Start an instance", "Started", "Starting", false, true},
                                      std::move(env));
}

std::unique_ptr<command> make_stop(task::wait_env env) {
  return std::make_unique<power_verb>(power_spec{"stop", "Stop an instance", "Stopped", "Stopping", true, false},
                                      std::move(env));
}

std::unique_ptr<command> make_restart(task::wait_env env) {
  return std::make_unique<power_verb>(
      power_spec{"restart", "Stop an instance, then start it again", "Restarted", "Restarting", true, true},
      std::move(env));
}

}  // namespace kaso::cli::instance
