// kaso image remove REF|--id ID|--name NAME [-o FORMAT]: DELETE /api/v1/images/{ref}, which
// answers {"removed": image}, or 409 naming the instances that still use the image.
#include "cli/image/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::image {
namespace {

class remove final : public command {
 public:
  remove() : command("image", "remove", "Remove an image") {}

  std::string synopsis() const override {
    return std::string(object_ref_synopsis) + " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "image");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    ref_ = *ref;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto removed = api.del("/images/" + percent_encode(ref_));
    if (!removed) return removed.error();
    if (format_ == output_format::json) {
      print_json(out, *removed);
      return ok_status();
    }
    const auto& answer = *removed;
    auto it = answer.is_object() ? answer.find("removed") : answer.end();
    out << "Removed image with id " << (it != answer.end() ? text_of(*it, "id") : std::string())
        << '\n';
    return ok_status();
  }

 private:
  std::string ref_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_remove() { return std::make_unique<remove>(); }

}  // namespace kaso::cli::image
