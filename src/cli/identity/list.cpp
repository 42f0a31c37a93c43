// kaso identity list [-o FORMAT]: GET /api/v1/identities.
#include "cli/identity/verbs.hpp"
#include "cli/identity/view.hpp"
#include "cli/output.hpp"

namespace kaso::cli::identity {
namespace {

class list final : public command {
 public:
  list() : command("identity", "list", "List identities") {}

  std::string synopsis() const override { return "[-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override { add_output_option(options); }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto identities = api.get("/identities");
    if (!identities) return identities.error();
    if (format_ == output_format::json) {
      print_json(out, *identities);
    } else {
      out << render(list_table(*identities));
    }
    return ok_status();
  }

 private:
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_list() { return std::make_unique<list>(); }

}  // namespace kaso::cli::identity
