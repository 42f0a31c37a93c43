// kaso task cancel ID|--id ID [-o FORMAT]: POST /api/v1/tasks/{id}/cancel, which answers the task.
// Cancelling may take a moment to reach the work, so the state the server answered is printed:
// "Cancelled task 3 (state: cancelled)".
#include "cli/output.hpp"
#include "cli/task/task_id.hpp"
#include "cli/task/verbs.hpp"

namespace kaso::cli::task {
namespace {

class cancel final : public command {
 public:
  cancel() : command("task", "cancel", "Cancel a background task") {}

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
    auto task = api.post("/tasks/" + id_ + "/cancel", nlohmann::json::object());
    if (!task) return task.error();
    if (format_ == output_format::json) {
      print_json(out, *task);
    } else {
      out << "Cancelled task " << id_ << " (state: " << text_of(*task, "state") << ")\n";
    }
    return ok_status();
  }

 private:
  std::string id_;  // digits only (take_task_id), so it needs no encoding
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_cancel() { return std::make_unique<cancel>(); }

}  // namespace kaso::cli::task
