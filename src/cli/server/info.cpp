// kaso server info [-o FORMAT]: GET /api/v1/server, shown with the address kaso asked.
#include "cli/answer_verb.hpp"
#include "cli/output.hpp"
#include "cli/server/verbs.hpp"
#include "cli/table.hpp"

namespace kaso::cli::server {

std::unique_ptr<command> make_info() {
  return make_answer_verb({
      "server", "info", "Show which kaso-server answers and who it runs as", no_target(),
      [](api_client& api, const std::string&) { return api.get("/server"); },
      [](const nlohmann::json& s, const std::string&, const api_client& api) {
        return render_fields({
            {"Server", api.server().to_string()},
            {"Version", text_of(s, "version")},
            {"Effective User", text_of(s, "effective_user")},
            {"Owning User", text_of(s, "owning_user")},
            {"Path", text_of(s, "path")},
            {"PID", text_of(s, "pid")},
            {"Accelerator", text_of(s, "accelerator")},
            {"Accelerator Reason", text_of(s, "accelerator_reason")},
            {"Qemu", s.contains("qemu") ? text_of(s["qemu"], "binary") : ""},
            {"Qemu Version", s.contains("qemu") ? text_of(s["qemu"], "version") : ""},
            {"Socket", s.contains("paths") ? text_of(s["paths"], "socket") : ""},
            {"Event Log", s.contains("paths") ? text_of(s["paths"], "events") : ""},
            {"Images", s.contains("paths") ? text_of(s["paths"], "images") : ""},
            {"Instances", s.contains("paths") ? text_of(s["paths"], "instances") : ""},
        });
      },
  });
}

}  // namespace kaso::cli::server
