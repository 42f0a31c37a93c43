// kaso image catalogue [--arch x86_64|aarch64] [-o FORMAT]: GET /api/v1/images/catalogue, the
// predefined images `image create --predefined NAME` knows, for --arch or else for the server's
// own architecture. An entry for the other architecture is marked "(other)".
#include "cli/answer_verb.hpp"
#include "cli/image/verbs.hpp"
#include "cli/image/view.hpp"
#include "cli/url.hpp"

namespace kaso::cli::image {
namespace {

// --arch ARCH, taken into the query string ("" without it).
verb_target arch_filter() {
  auto add = [](cxxopts::Options& options) {
    options.add_options()("arch", "x86_64 or aarch64 (default: the server's)",
                          cxxopts::value<std::string>(), "ARCH");
  };
  auto take = [](const cxxopts::ParseResult& parsed) -> result<std::string> {
    if (!parsed.count("arch")) return std::string();
    auto arch = parsed["arch"].as<std::string>();
    if (arch != "x86_64" && arch != "aarch64") {
      return error::invalid_argument("unknown architecture '" + arch + "' (use x86_64 or aarch64)");
    }
    return query_string({{"arch", arch}});
  };
  return {"[--arch ARCH]", add, take};
}

}  // namespace

std::unique_ptr<command> make_catalogue() {
  return make_answer_verb({
      "image", "catalogue", "List the predefined images to create from", arch_filter(),
      [](api_client& api, const std::string& query) {
        return api.get("/images/catalogue" + query);
      },
      [](const nlohmann::json& entries, const std::string&, const api_client&) {
        return render(catalogue_table(entries));
      },
  });
}

}  // namespace kaso::cli::image
