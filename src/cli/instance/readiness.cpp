#include "cli/instance/readiness.hpp"

#include <sstream>

#include "cli/instance/view.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

constexpr int console_lines_on_failure = 10;

// The last `n` lines of the console, each prefixed so they read as quoted.
std::string console_tail(api_client& api, const std::string& ref, int n) {
  auto bytes = api.get_bytes("/instances/" + percent_encode(ref) + "/console-log?tail=8192");
  if (!bytes || bytes->body.empty()) return "";
  std::vector<std::string> lines;
  std::istringstream in(bytes->body);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  std::string out;
  for (auto i = lines.size() > static_cast<std::size_t>(n) ? lines.size() - n : 0; i < lines.size(); ++i) {
    out += "  | " + lines[i] + "\n";
  }
  return out;
}

}  // namespace

std::string stage_text(const nlohmann::json& instance) {
  auto state = state_of(instance);
  if (state == domain::instance_state::starting) return "starting qemu";
  if (state == domain::instance_state::restarting) return "waiting to restart";
  auto stage = text_of(instance, "boot_stage");
  if (stage == "kernel") return "kernel booting";
  if (stage == "login_prompt") return "login prompt";
  if (stage == "ssh") return "SSH ready";
  return state == domain::instance_state::running ? "firmware" : text_of(instance, "state");
}

result<nlohmann::json> wait_until_ready(api_client& api, const std::string& ref, std::chrono::seconds limit,
                                        std::ostream& progress, const task::wait_env& env) {
  const bool terminal = env.terminal_width(progress) > 0;
  const auto began = env.now();
  std::string shown;
  auto finish = [&] {
    if (terminal && !shown.empty()) progress << '\n' << std::flush;
  };
  while (true) {
    auto vm = api.get("/instances/" + percent_encode(ref));
    if (!vm) {
      finish();
      return vm.error();
    }
    const auto name = text_of(*vm, "name");
    const auto state = text_of(*vm, "state");
    const auto stage = stage_text(*vm);
    auto spent = std::chrono::duration_cast<std::chrono::seconds>(env.now() - began);
    if (terminal) {
      progress << '\r' << name << ": " << stage << " (" << spent.count() << " s)\x1b[K" << std::flush;
      shown = stage;
    } else if (stage != shown) {
      progress << name << ": " << stage << '\n' << std::flush;
      shown = stage;
    }
    if (vm->value("ready", false)) {
      finish();
      return *vm;
    }
    if (auto known = state_of(*vm); !known || !domain::on_its_way(*known)) {
      finish();
      auto message = text_of(*vm, "message");
      return error::conflict("instance " + name + " is " + state + (message.empty() ? "" : ": " + message) +
                             " (kaso instance logs " + name + " shows its console)");
    }
    if (spent >= limit) {
      finish();
      auto tail = console_tail(api, ref, console_lines_on_failure);
      if (!tail.empty()) progress << "Last console lines of " << name << ":\n" << tail << std::flush;
      return error::timeout("instance " + name + " was not ready within " + std::to_string(limit.count()) +
                            " s (it reached: " + stage + "); kaso instance logs " + name + " shows its console");
    }
    env.pause();
  }
}

}  // namespace kaso::cli::instance
