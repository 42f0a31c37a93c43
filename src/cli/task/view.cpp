// The task table and get view.
#include "cli/task/view.hpp"

#include "cli/output.hpp"
#include "cli/task/progress.hpp"

namespace kaso::cli::task {
namespace {

constexpr std::size_t message_width = 50;

// A completed task is 100% even when it never knew its total.
std::string percent_cell(const nlohmann::json& task) {
  auto percent = percent_text(progress_of(task));
  if (percent.empty() && text_of(task, "state") == "completed") return "100%";
  return percent;
}

std::string progress_cell(const nlohmann::json& task) {
  const auto p = progress_of(task);
  if (p.total == 0 && p.done == 0) return percent_cell(task);
  if (p.total == 0) return amount_text(p);
  return percent_text(p) + " (" + amount_text(p) + ")";
}

}  // namespace

std::string object_text(const nlohmann::json& task) {
  const nlohmann::json object =
      task.is_object() && task.contains("object") ? task["object"] : nlohmann::json();
  std::string text = text_of(object, "kind");
  if (auto name = text_of(object, "name"); !name.empty()) {
    text += (text.empty() ? "" : " ") + name;
  }
  if (auto id = text_of(object, "id"); !id.empty()) text += " (id " + id + ")";
  return text;
}

table list_table(const nlohmann::json& tasks) {
  table t{{"ID", "Kind", "State", "Object", "Progress %", "Message"},
          {},
          {0, 0, 0, 0, 0, message_width}};
  if (!tasks.is_array()) return t;
  for (const auto& task : tasks) {
    t.rows.push_back({text_of(task, "id"), text_of(task, "kind"), text_of(task, "state"),
                      object_text(task), percent_cell(task), text_of(task, "message")});
  }
  return t;
}

std::vector<field> fields_of(const nlohmann::json& task) {
  const auto p = progress_of(task);
  return {
      {"Id", text_of(task, "id")},
      {"Kind", text_of(task, "kind")},
      {"State", text_of(task, "state")},
      {"Object", object_text(task)},
      {"Progress", progress_cell(task)},
      {"Rate", p.rate > 0 ? rate_text(p) : std::string()},
      {"Message", text_of(task, "message")},
      {"Created", text_of(task, "created")},
      {"Modified", text_of(task, "modified")},
  };
}

}  // namespace kaso::cli::task
