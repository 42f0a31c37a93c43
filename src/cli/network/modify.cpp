// kaso network modify REF|--id ID|--name NAME [-n NEW_NAME] [--cidr CIDR] [--dhcp-start IP] ...
// [-o FORMAT]: PATCH /api/v1/networks/{ref} with the given fields only. -n is the new name here
// (--name names the network to change); the kind of a network cannot change.
#include <optional>
#include <string>

#include "cli/network/field_options.hpp"
#include "cli/network/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::network {
namespace {

class modify final : public command {
 public:
  modify() : command("network", "modify", "Change a network") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) + " [-n NEW_NAME] " + fields_synopsis + " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "network");
    options.add_options()("n,new-name", "The new network name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_field_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto given = take_fields(parsed);
    if (!given) return given.error();
    if (parsed.count("new-name")) new_name_ = parsed["new-name"].as<std::string>();
    if (!new_name_ && given->empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --cidr, --dhcp-start, --dhcp-end, --gateway, "
          "--nameserver, --host-interface, --host-ip4 or --bridge");
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    fields_ = std::move(given.value());
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body = nlohmann::json::object();
    if (new_name_) body["name"] = *new_name_;
    add_to_body(fields_, body);
    auto modified = api.patch("/networks/" + percent_encode(ref_), body);
    if (!modified) return modified.error();
    if (format_ == output_format::json) {
      print_json(out, *modified);
    } else {
      out << "Modified network with id " << text_of(*modified, "id") << '\n';
    }
    return ok_status();
  }

 private:
  std::string ref_;
  std::optional<std::string> new_name_;
  fields fields_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::network
