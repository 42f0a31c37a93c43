// kaso network create -n NAME -k {host-only,shared,bridged} [--cidr CIDR] [--dhcp-start IP]
// [--dhcp-end IP] [--gateway IP] [--nameserver IP] [--host-interface IFACE] [--host-ip4 IP]
// [--bridge BRIDGE] [-o FORMAT]: POST /api/v1/networks with the given fields only; the server
// fills in what a kind needs and was not given.
#include <algorithm>
#include <iterator>

#include "cli/network/field_options.hpp"
#include "cli/network/verbs.hpp"
#include "cli/output.hpp"

namespace kaso::cli::network {
namespace {

constexpr const char* kinds[] = {"host-only", "shared", "bridged"};

class create final : public command {
 public:
  create() : command("network", "create", "Create a network") {}

  std::string synopsis() const override {
    return std::string("-n NAME -k {host-only,shared,bridged} ") + fields_synopsis +
           " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()("n,name", "The network name", cxxopts::value<std::string>(), "NAME")(
        "k,kind", "host-only, shared or bridged", cxxopts::value<std::string>(), "KIND");
    add_field_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (!parsed.count("name")) return error::invalid_argument("missing required option --name");
    if (!parsed.count("kind")) return error::invalid_argument("missing required option --kind");
    kind_ = parsed["kind"].as<std::string>();
    if (std::find(std::begin(kinds), std::end(kinds), kind_) == std::end(kinds)) {
      return error::invalid_argument("unknown kind '" + kind_ +
                                     "' (use host-only, shared or bridged)");
    }
    auto given = take_fields(parsed);
    if (!given) return given.error();
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    name_ = parsed["name"].as<std::string>();
    fields_ = std::move(given.value());
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body{{"name", name_}, {"kind", kind_}};
    add_to_body(fields_, body);
    auto created = api.post("/networks", body);
    if (!created) return created.error();
    if (format_ == output_format::json) {
      print_json(out, *created);
    } else {
      out << "Created network with id " << text_of(*created, "id") << '\n';
    }
    return ok_status();
  }

 private:
  std::string name_;
  std::string kind_;
  fields fields_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_create() { return std::make_unique<create>(); }

}  // namespace kaso::cli::network
