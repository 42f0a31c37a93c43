// kaso image modify REF|--id ID|--name NAME [-n NEW_NAME] [--min-cpu N] [--min-ram MB]
// [--min-space MB] [-o FORMAT]: PATCH /api/v1/images/{ref} with the given fields only. -n is the
// new name here (--name names the image to change).
#include "cli/image/minimums.hpp"
#include "cli/image/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::image {
namespace {

class modify final : public command {
 public:
  modify() : command("image", "modify", "Change an image's name or minimums") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) +
           " [-n NEW_NAME] [--min-cpu N] [--min-ram MB] [--min-space MB] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "image");
    options.add_options()("n,new-name", "The new image name", cxxopts::value<std::string>(),
                          "NEW_NAME");
    add_minimum_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto mins = take_minimums(parsed);
    if (!mins) return mins.error();
    if (parsed.count("new-name")) new_name_ = parsed["new-name"].as<std::string>();
    if (!new_name_ && mins->empty()) {
      return error::invalid_argument(
          "nothing to change: give -n, --min-cpu, --min-ram or --min-space");
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    minimums_ = *mins;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    nlohmann::json body = nlohmann::json::object();
    if (new_name_) body["name"] = *new_name_;
    add_to_body(minimums_, body);
    auto modified = api.patch("/images/" + percent_encode(ref_), body);
    if (!modified) return modified.error();
    if (format_ == output_format::json) {
      print_json(out, *modified);
    } else {
      out << "Modified image with id " << text_of(*modified, "id") << '\n';
    }
    return ok_status();
  }

 private:
  std::string ref_;
  std::optional<std::string> new_name_;
  minimums minimums_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_modify() { return std::make_unique<modify>(); }

}  // namespace kaso::cli::image
