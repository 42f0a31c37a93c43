// The polling loop and the progress printer behind it.
#include "cli/task/wait.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "cli/output.hpp"
#include "cli/task/progress.hpp"
#include "cli/task/sigint_flag.hpp"

namespace kaso::cli::task {
namespace {

// Draws the progress line: in place on a terminal, else the start and the end only (wait.hpp).
class progress_printer {
 public:
  progress_printer(std::ostream& out, const wait_env& env)
      : out_(out), env_(env), terminal_(env.terminal_width(out) > 0) {}

  // `last`: the task completed, so this is its final state (always written off a terminal).
  void show(const nlohmann::json& task, bool last) {
    const auto label = task_label(task);
    const auto progress = progress_of(task);
    if (terminal_) {
      auto width = fitting_bar_width(label, progress, env_.terminal_width(out_));
      // "\x1b[K" clears what a longer line drawn before left behind.
      out_ << '\r' << progress_line(label, progress, true, width) << "\x1b[K" << std::flush;
      drawn_ = true;
      return;
    }
    // Off a terminal (a log, a pipe): what starts, and how it ended; nothing in between.
    if (last) {
      out_ << progress_line(label, progress, false) << '\n' << std::flush;
    } else if (!started_) {
      out_ << label << '\n' << std::flush;
    }
    started_ = true;
  }

  // Ends the line being redrawn, so what follows starts on a line of its own.
  void finish() {
    if (drawn_) out_ << '\n' << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream& out_;
  const wait_env& env_;
  bool terminal_;
  bool drawn_ = false;
  bool started_ = false;  // off a terminal: the start line is written
};

// "the download" for image.download: what goes on after a detach.
std::string work_of(const nlohmann::json& task) {
  auto kind = text_of(task, "kind");
  auto dot = kind.find('.');
  if (dot == std::string::npos || dot + 1 == kind.size()) return "the task";
  return "the " + kind.substr(dot + 1);
}

std::size_t terminal_width_of(const std::ostream& stream) {
  int fd = -1;
  if (&stream == &std::cerr || &stream == &std::clog) fd = STDERR_FILENO;
  if (&stream == &std::cout) fd = STDOUT_FILENO;
  if (fd < 0 || ::isatty(fd) != 1) return 0;
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 80;  // a tty, size unknown
  return size.ws_col;
}

}  // namespace

wait_env real_wait_env() {
  return {[] { std::this_thread::sleep_for(poll_interval); },
          [] { return std::chrono::steady_clock::now(); }, terminal_width_of};
}

result<task_end> wait_for_task(api_client& api, const nlohmann::json& started,
                               std::ostream& progress, const wait_env& env) {
  auto id_field = started.is_object() ? started.find("id") : started.end();
  if (id_field == started.end() || !id_field->is_number_unsigned()) {
    return error::internal("kaso-server answered without a task id");
  }
  const auto id = id_field->get<std::uint64_t>();
  const std::string path = "/tasks/" + std::to_string(id);
  sigint_flag ctrl_c;
  progress_printer printer(progress, env);
  nlohmann::json last = started;
  for (;;) {
    if (ctrl_c.raised()) {
      printer.finish();
      progress << "Detached from task " << id << "; " << work_of(last) << " goes on (kaso task get "
               << id << ")\n";
      return task_end{task_end::how::detached, std::move(last)};
    }
    auto task = api.get(path);
    if (!task) {
      printer.finish();
      return task.error();
    }
    last = std::move(task.value());
    const auto state = text_of(last, "state");
    if (state == "completed") {
      printer.show(last, true);
      printer.finish();
      return task_end{task_end::how::completed, std::move(last)};
    }
    if (state == "failed" || state == "cancelled") {
      printer.finish();
      return task_end{state == "failed" ? task_end::how::failed : task_end::how::cancelled,
                      std::move(last)};
    }
    printer.show(last, false);  // running, or a state this CLI does not know yet
    env.pause();
  }
}

}  // namespace kaso::cli::task
