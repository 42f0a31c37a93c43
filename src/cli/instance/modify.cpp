// kaso instance modify REF|--id ID|--name NAME [-n NEW_NAME] [--vcpu N] [--ram MB]
// [--display DISPLAY] [--autostart|--no-autostart] [--restart POLICY] [--restart-limit N]
// [--restart-window S] [--restart-backoff MS] [--restart-backoff-max MS] [-o FORMAT]: PATCH /api/v1/instances/{ref} with the given fields only. -n is
// the new name here (--name names the instance to change).
#include <optional>
#include <string>

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
           " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
    options.add_options()("n,new-name", "The new instance name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_settings_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto chosen = take_settings(parsed);
    if (!chosen) return chosen.error();
    if (parsed.count("new-name")) new_name_ = parsed["new-name"].as<std::string>();
    if (!new_name_ && chosen->empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --vcpu, --ram, --display, --autostart, --no-autostart or a --restart option");
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
    auto modified = api.patch("/instances/" + percent_encode(ref_), body);
    if (!modified) return modified.error();
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
  settings settings_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::instance
