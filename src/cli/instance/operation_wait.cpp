#include "cli/instance/operation_wait.hpp"

namespace kaso::cli::instance {
namespace {

// Each read of the operation waits this long at most for its end: the line's seconds move on.
constexpr int read_wait_s = 1;

// The request's answer from an ended operation: its result, or its error.
result<nlohmann::json> outcome_of(const nlohmann::json& op) {
  if (op.value("state", "") == "succeeded") return op.contains("result") ? op["result"] : nlohmann::json();
  const auto& e = op.contains("error") ? op["error"] : nlohmann::json();
  int status = e.is_object() && e.contains("status") && e["status"].is_number_integer() ? e["status"].get<int>() : 500;
  return error_of(e, status);
}

}  // namespace

result<nlohmann::json> run_as_operation(api_client& api, const std::string& path, const nlohmann::json& body,
                                        std::chrono::seconds bound, const std::string& waiting,
                                        std::ostream& progress, const task::wait_env& env) {
  const auto began = env.now();
  auto answer = api.post_async(path, body);
  if (!answer) return answer.error();
  if (!answer->accepted) return std::move(answer->body);
  auto id = answer->body.value("id", std::uint64_t{0});
  if (id == 0) return error::internal("kaso-server answered 202 without an operation id");
  const std::string op_path = "/operations/" + std::to_string(id) + "?wait=" + std::to_string(read_wait_s);
  const bool terminal = env.terminal_width(progress) > 0;
  nlohmann::json op = answer->body;
  bool shown = false;
  while (op.value("state", "") == "running") {
    auto waited = std::chrono::duration_cast<std::chrono::seconds>(env.now() - began);
    if (waited >= bound) {
      if (shown) progress << '\n';
      return error::timeout("no end after " + std::to_string(waited.count()) + " s; kaso-server goes on with it (operation " +
                            std::to_string(id) + ")");
    }
    if (terminal) {
      progress << '\r' << waiting << " (" << waited.count() << " s)" << std::flush;
      shown = true;
    }
    auto read = api.get(op_path);
    if (!read) {
      if (shown) progress << '\n';
      return read.error();
    }
    op = std::move(*read);
  }
  if (shown) progress << '\n';
  return outcome_of(op);
}

}  // namespace kaso::cli::instance
