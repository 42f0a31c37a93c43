// kaso image list [-o FORMAT]: GET /api/v1/images.
#include "cli/image/verbs.hpp"
#include "cli/image/view.hpp"
#include "cli/output.hpp"

namespace kaso::cli::image {
namespace {

class list final : public command {
 public:
  list() : command("image", "list", "List images") {}

  std::string synopsis() const override { return "[-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override { add_output_option(options); }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto images = api.get("/images");
    if (!images) return images.error();
    if (format_ == output_format::json) {
      print_json(out, *images);
    } else {
      out << render(list_table(*images));
    }
    return ok_status();
  }

 private:
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_list() { return std::make_unique<list>(); }

}  // namespace kaso::cli::image
