// kaso task get ID|--id ID [-o FORMAT]: GET /api/v1/tasks/{id}.
#include "cli/output.hpp"
#include "cli/task/task_id.hpp"
#include "cli/task/verbs.hpp"
#include "cli/task/view.hpp"

namespace kaso::cli::task {
namespace {

class get final : public command {
 public:
  get() : command("task", "get", "Show one background task") {}

  std::string synopsis() const override { return std::string(task_id_synopsis) + " [-o FORMAT]"; }

  void add_options(cxxopts::Options& options) override {
    add_task_id_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto id = take_task_id(parsed);
    if (!id) return id.error();
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    id_ = *id;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto task = api.get("/tasks/" + id_);
    if (!task) return task.error();
    if (format_ == output_format::json) {
      print_json(out, *task);
    } else {
      out << render_fields(fields_of(*task));
    }
    return ok_status();
  }

 private:
  std::string id_;  // digits only (take_task_id), so it needs no encoding
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_get() { return std::make_unique<get>(); }

}  // namespace kaso::cli::task
