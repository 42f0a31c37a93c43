// kaso task list [-o FORMAT]: GET /api/v1/tasks.
#include "cli/output.hpp"
#include "cli/task/verbs.hpp"
#include "cli/task/view.hpp"

namespace kaso::cli::task {
namespace {

class list final : public command {
 public:
  list() : command("task", "list", "List background tasks") {}

  std::string synopsis() const override { return "[-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override { add_output_option(options); }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto tasks = api.get("/tasks");
    if (!tasks) return tasks.error();
    if (format_ == output_format::json) {
      print_json(out, *tasks);
    } else {
      out << render(list_table(*tasks));
    }
    return ok_status();
  }

 private:
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_list() { return std::make_unique<list>(); }

}  // namespace kaso::cli::task
