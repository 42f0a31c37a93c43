// kaso identity create -n NAME (--public-key PATH | --password PASSWD) [-k KIND] [--gecos]
// [--homedir] [--shell] [-o FORMAT]: POST /api/v1/identities. The key file is read here, so
// kaso-server never needs access to the caller's files.
#include "cli/identity/field_options.hpp"
#include "cli/identity/verbs.hpp"
#include "cli/output.hpp"

namespace kaso::cli::identity {
namespace {

class create final : public command {
 public:
  create() : command("identity", "create", "Create an identity") {}

  std::string synopsis() const override {
    return "-n NAME (--public-key PATH | --password PASSWD) [-k {pubkey,password}] "
           "[--gecos GECOS] [--homedir DIR] [--shell SHELL] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()("n,name", "The identity name", cxxopts::value<std::string>(), "NAME")(
        "k,kind", "pubkey or password; follows from --public-key or --password",
        cxxopts::value<std::string>(), "KIND");
    add_field_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (!parsed.count("name")) return error::invalid_argument("missing required option --name");
    auto fields = take_field_options(parsed);
    if (!fields) return fields.error();
    if (!fields->public_key_file && !fields->password) {
      return error::invalid_argument("give one of --public-key PATH or --password PASSWD");
    }
    if (auto kind = check_kind(parsed, *fields); !kind) return kind;
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    name_ = parsed["name"].as<std::string>();
    fields_ = std::move(fields.value());
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body{{"name", name_}};
    if (auto added = add_to_body(fields_, body); !added) return added;
    auto created = api.post("/identities", body);
    if (!created) return created.error();
    if (format_ == output_format::json) {
      print_json(out, *created);
    } else {
      out << "Created identity with id " << text_of(*created, "id") << '\n';
    }
    return ok_status();
  }

 private:
  // The original's -k: redundant with the credential given, so it only has to agree with it.
  static status check_kind(const cxxopts::ParseResult& parsed, const field_options& fields) {
    if (!parsed.count("kind")) return ok_status();
    const auto& kind = parsed["kind"].as<std::string>();
    if (kind == "pubkey" && !fields.public_key_file) {
      return error::invalid_argument("--kind pubkey needs --public-key PATH");
    }
    if (kind == "password" && !fields.password) {
      return error::invalid_argument("--kind password needs --password PASSWD");
    }
    if (kind != "pubkey" && kind != "password") {
      return error::invalid_argument("unknown kind '" + kind + "' (use pubkey or password)");
    }
    return ok_status();
  }

  std::string name_;
  field_options fields_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_create() { return std::make_unique<create>(); }

}  // namespace kaso::cli::identity
