// kaso instance modify REF|--id ID|--name NAME [-n NEW_NAME] [--vcpu N] [--ram MB]
// [--display DISPLAY] [--autostart|--no-autostart] [--restart POLICY] [--restart-limit N]
// [--restart-window S] [--restart-backoff MS] [--restart-backoff-max MS]
// [--forward SPEC]... [--remove-forward SPEC]... [-o FORMAT]: PATCH /api/v1/instances/{ref} with
// the given fields only, then each --remove-forward (DELETE .../forwards?forward=SPEC) and each
// --forward (POST .../forwards), in that order; a running instance gets forwards at once. The
// first failure stops there with its line (what was done before it stays done). -n is the new
// name here (--name names the instance to change).
#include <optional>
#include <string>
#include <vector>

#include "cli/instance/settings.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

class modify final : public command {
 public:
  modify() : command("instance", "modify", "Change an instance's name, vCPUs, RAM, display, autostart or restart policy") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) + " [-n NEW_NAME] " + settings_synopsis +
           " [--forward SPEC]... [--remove-forward SPEC]... [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
    options.add_options()("n,new-name", "The new instance name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_settings_options(options);
    options.add_options()("forward", "Add a port forward [tcp|udp:][ADDR:]HOSTPORT:GUESTPORT (ADDR: 127.0.0.1); repeat for more",
                          cxxopts::value<std::string>(), "SPEC")(
        "remove-forward", "Remove the port forward from [tcp|udp:][ADDR:]HOSTPORT; repeat for more",
        cxxopts::value<std::string>(), "SPEC");
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
    }
    if (!new_name_ && chosen->empty() && add_forwards_.empty() && remove_forwards_.empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --vcpu, --ram, --display, --autostart, --no-autostart, a --restart option, "
          "--forward or --remove-forward");
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
    for (const auto& spec : add_forwards_) {
      modified = api.post(path + "/forwards", {{"forward", spec}});
      if (!modified) return modified.error();
    }
    if (format_ == output_format::json) {
      print_json(out, *modified);
    } else {
      out << "Modified instance with id " << text_of(*modified, "id") << '\n';
    }
    return ok_status();
  }

 private:
  std::string ref_;
  std::optional<std::string> new_name_;
  std::vector<std::string> add_forwards_, remove_forwards_;
  settings settings_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::instance
