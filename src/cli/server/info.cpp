// kaso server info [-o FORMAT]: GET /api/v1/server.
#include "cli/output.hpp"
#include "cli/server/verbs.hpp"
#include "cli/table.hpp"

namespace kaso::cli::server {
namespace {

class info final : public command {
 public:
  info() : command("server", "info", "Show which kaso-server answers and who it runs as") {}

  std::string synopsis() const override { return "[-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override { add_output_option(options); }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto answer = api.get("/server");
    if (!answer) return answer.error();
    if (format_ == output_format::json) {
      print_json(out, *answer);
      return ok_status();
    }
    const auto& s = *answer;
    out << render_fields({
        {"Server", api.server().to_string()},
        {"Version", text_of(s, "version")},
        {"Effective User", text_of(s, "effective_user")},
        {"Owning User", text_of(s, "owning_user")},
        {"Path", text_of(s, "path")},
        {"PID", text_of(s, "pid")},
    });
    return ok_status();
  }

 private:
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_info() { return std::make_unique<info>(); }

}  // namespace kaso::cli::server
