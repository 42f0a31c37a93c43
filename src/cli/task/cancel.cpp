// kaso task cancel ID|--id ID [-o FORMAT]: POST /api/v1/tasks/{id}/cancel, which answers the task.
// Cancelling may take a moment to reach the work, so the state the server answered is printed:
// "Cancelled task 3 (state: cancelled)".
#include "cli/answer_verb.hpp"
#include "cli/output.hpp"
#include "cli/task/verbs.hpp"

namespace kaso::cli::task {

std::unique_ptr<command> make_cancel() {
  return make_answer_verb({
      "task", "cancel", "Cancel a background task", task_target(),
      // The id is digits only (take_task_id), so it needs no encoding.
      [](api_client& api, const std::string& id) {
        return api.post("/tasks/" + id + "/cancel", nlohmann::json::object());
      },
      [](const nlohmann::json& task, const std::string& id, const api_client&) {
        return "Cancelled task " + id + " (state: " + text_of(task, "state") + ")\n";
      },
  });
}

}  // namespace kaso::cli::task
