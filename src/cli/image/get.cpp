// kaso image get REF|--id ID|--name NAME [-o FORMAT]: GET /api/v1/images/{ref}.
#include "cli/image/verbs.hpp"
#include "cli/image/view.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::image {
namespace {

class get final : public command {
 public:
  get() : command("image", "get", "Show one image") {}

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
    auto image = api.get("/images/" + percent_encode(ref_));
    if (!image) return image.error();
    if (format_ == output_format::json) {
      print_json(out, *image);
    } else {
      out << render_fields(fields_of(*image), value_width);
    }
    return ok_status();
  }

 private:
  std::string ref_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_get() { return std::make_unique<get>(); }

}  // namespace kaso::cli::image
