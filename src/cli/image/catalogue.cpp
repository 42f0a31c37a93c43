// kaso image catalogue [--arch x86_64|aarch64] [-o FORMAT]: GET /api/v1/images/catalogue, the
// predefined images `image create --predefined NAME` knows, for --arch or else for the server's
// own architecture. An entry for the other architecture is marked "(other)".
#include "cli/image/verbs.hpp"
#include "cli/image/view.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::image {
namespace {

class catalogue final : public command {
 public:
  catalogue() : command("image", "catalogue", "List the predefined images to create from") {}

  std::string synopsis() const override { return "[--arch ARCH] [-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override {
    options.add_options()("arch", "x86_64 or aarch64 (default: the server's)",
                          cxxopts::value<std::string>(), "ARCH");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (parsed.count("arch")) {
      auto arch = parsed["arch"].as<std::string>();
      if (arch != "x86_64" && arch != "aarch64") {
        return error::invalid_argument("unknown architecture '" + arch +
                                       "' (use x86_64 or aarch64)");
      }
      query_.emplace_back("arch", std::move(arch));
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto entries = api.get("/images/catalogue" + query_string(query_));
    if (!entries) return entries.error();
    if (format_ == output_format::json) {
      print_json(out, *entries);
    } else {
      out << render(catalogue_table(*entries));
    }
    return ok_status();
  }

 private:
  std::vector<std::pair<std::string, std::string>> query_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_catalogue() { return std::make_unique<catalogue>(); }

}  // namespace kaso::cli::image
