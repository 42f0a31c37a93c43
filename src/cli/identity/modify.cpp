// kaso identity modify REF|--id ID|--name NAME [-n NEW_NAME] [--public-key PATH | --password P]
// [--gecos] [--homedir] [--shell] [-o FORMAT]: PATCH /api/v1/identities/{ref} with the given
// fields only. -n is the new name here (--name names the identity to change).
#include "cli/identity/field_options.hpp"
#include "cli/identity/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::identity {
namespace {

class modify final : public command {
 public:
  modify() : command("identity", "modify", "Change an identity") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) +
           " [-n NEW_NAME] [--public-key PATH | --password PASSWD] [--gecos GECOS] "
           "[--homedir DIR] [--shell SHELL] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "identity");
    options.add_options()("n,new-name", "The new identity name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_field_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto fields = take_field_options(parsed);
    if (!fields) return fields.error();
    if (parsed.count("new-name")) new_name_ = parsed["new-name"].as<std::string>();
    if (!new_name_ && fields->empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --public-key, --password, --gecos, --homedir or --shell");
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    fields_ = std::move(fields.value());
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body = nlohmann::json::object();
    if (new_name_) body["name"] = *new_name_;
    if (auto added = add_to_body(fields_, body); !added) return added;
    auto modified = api.patch("/identities/" + percent_encode(ref_), body);
    if (!modified) return modified.error();
    if (format_ == output_format::json) {
      print_json(out, *modified);
    } else {
      out << "Modified identity with id " << text_of(*modified, "id") << '\n';
    }
    return ok_status();
  }

 private:
  std::string ref_;
  std::optional<std::string> new_name_;
  field_options fields_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::identity
