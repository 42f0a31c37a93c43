// kaso instance modify REF|--id ID|--name NAME [-n NEW_NAME] [--vcpu N] [--ram MB]
// [--display DISPLAY] [--autostart|--no-autostart] [--restart POLICY] [--restart-limit N]
// [--restart-window S] [--restart-backoff MS] [--restart-backoff-max MS]
// [--forward SPEC]... [--remove-forward SPEC]... [--mount HOSTDIR[:GUESTDIR][:ro]]...
// [--remove-mount GUESTDIR]... [-o FORMAT]: PATCH /api/v1/instances/{ref} with the given fields
// only, then each --remove-forward (DELETE .../forwards?forward=SPEC), --remove-mount (DELETE
// .../mounts?mount=GUESTDIR), --forward (POST .../forwards) and --mount (POST .../mounts), in that
// order. A running instance gets forwards at once; mounts at its next start (said in a line). The
// first failure stops there with its line (what was done before it stays done). -n is the new
// name here (--name names the instance to change).
#include <optional>
#include <string>
#include <vector>

#include "cli/instance/mount_option.hpp"
#include "cli/instance/settings.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/instance/view.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

class modify final : public command {
 public:
  modify()
      : command("instance", "modify",
                "Change an instance's name, vCPUs, RAM, display, autostart, restart policy, forwards or mounts") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) + " [-n NEW_NAME] " + settings_synopsis +
           " [--forward SPEC]... [--remove-forward SPEC]... [--mount HOSTDIR[:GUESTDIR][:ro]]... "
           "[--remove-mount GUESTDIR]... [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
    options.add_options()("n,new-name", "The new instance name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_settings_options(options);
    options.add_options()("forward", "Add a port forward [tcp|udp:][ADDR:]HOSTPORT:GUESTPORT (ADDR: 127.0.0.1); repeat for more",
                          cxxopts::value<std::string>(), "SPEC")(
        "remove-forward", "Remove the port forward from [tcp|udp:][ADDR:]HOSTPORT; repeat for more",
        cxxopts::value<std::string>(), "SPEC")(
        "mount", "Share a host directory from the next start on (GUESTDIR defaults to HOSTDIR; :ro read-only); repeat for more",
        cxxopts::value<std::string>(), "HOSTDIR[:GUESTDIR][:ro]")(
        "remove-mount", "Stop sharing what is mounted on GUESTDIR, from the next start on; repeat for more",
        cxxopts::value<std::string>(), "GUESTDIR");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto chosen = take_settings(parsed);
    if (!chosen) return chosen.error();
    if (parsed.count("new-name")) new_name_ = parsed["new-name"].as<std::string>();
    for (const auto& given : parsed.arguments()) {
      if (given.key() == "forward") add_forwards_.push_back(given.value());
      if (given.key() == "remove-forward") remove_forwards_.push_back(given.value());
      if (given.key() == "remove-mount") remove_mounts_.push_back(given.value());
      if (given.key() == "mount") {
        auto m = absolute_mount(given.value());
        if (!m) return m.error();
        add_mounts_.push_back(*m);
      }
    }
    if (!new_name_ && chosen->empty() && add_forwards_.empty() && remove_forwards_.empty() && add_mounts_.empty() &&
        remove_mounts_.empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --vcpu, --ram, --display, --autostart, --no-autostart, a --restart option, "
          "--forward, --remove-forward, --mount or --remove-mount");
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    settings_ = *chosen;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body = nlohmann::json::object();
    if (new_name_) body["name"] = *new_name_;
    add_to_body(settings_, body);
    auto path = "/instances/" + percent_encode(ref_);
    result<nlohmann::json> modified = error::internal("nothing was changed");
    if (!body.empty()) {
      modified = api.patch(path, body);
      if (!modified) return modified.error();
      if (new_name_) path = "/instances/" + percent_encode(*new_name_);
    }
    for (const auto& spec : remove_forwards_) {
      modified = api.del(path + "/forwards?forward=" + percent_encode(spec));
      if (!modified) return modified.error();
    }
    for (const auto& dir : remove_mounts_) {
      modified = api.del(path + "/mounts?mount=" + percent_encode(dir));
      if (!modified) return modified.error();
    }
    for (const auto& spec : add_forwards_) {
      modified = api.post(path + "/forwards", {{"forward", spec}});
      if (!modified) return modified.error();
    }
    for (const auto& spec : add_mounts_) {
      modified = api.post(path + "/mounts", {{"mount", spec}});
      if (!modified) return modified.error();
    }
    if (format_ == output_format::json) {
      print_json(out, *modified);
      return ok_status();
    }
    out << "Modified instance with id " << text_of(*modified, "id") << '\n';
    if (auto pending = pending_text(*modified); !pending.empty()) {
      // qemu keeps what it was started with (issue #16: "Modified" while it kept 2048 MB).
      out << text_of(*modified, "name") << " runs as it was started until it next starts; then " << pending
          << ": kaso instance restart " << text_of(*modified, "name") << '\n';
    }
    auto state = state_of(*modified);
    if ((!add_mounts_.empty() || !remove_mounts_.empty()) &&
        (state == domain::instance_state::running || state == domain::instance_state::starting)) {
      out << "The mounts change when " << text_of(*modified, "name") << " next starts (it is " << text_of(*modified, "state")
          << " now): kaso instance restart " << text_of(*modified, "name") << '\n';
    }
    return ok_status();
  }

 private:
  std::string ref_;
  std::optional<std::string> new_name_;
  std::vector<std::string> add_forwards_, remove_forwards_, add_mounts_, remove_mounts_;
  settings settings_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::instance
