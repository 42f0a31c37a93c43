// kaso image create -n NAME (--url URL | --predefined NAME | --file PATH) [--sha256 HEX]
// [--min-cpu N] [--min-ram MB] [--min-space MB] [--no-wait | -q] [-o FORMAT]: POST /api/v1/images,
// which answers 202 with the task that downloads or imports the image in the background.
//
//   --no-wait | the task ends        | prints (out; err)                              | exit
//   ----------+----------------------+------------------------------------------------+-----
//   given     | -                    | "Started task N"                               | 0
//   absent    | completed            | "Created image with id N"; the progress line   | 0
//             |                      | (none with -q)                                 |
//   absent    | failed or cancelled  | -; "kaso: image NAME: <the task's message>"    | 1
//   absent    | Ctrl-C detaches      | -; "Detached from task N; ..."                 | 130
//
// With -o json, the task as the API last answered it takes the place of the "Started"/"Created"
// line. A relative --file is made absolute here: kaso-server does not share the caller's cwd.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "cli/image/minimums.hpp"
#include "cli/image/verbs.hpp"
#include "cli/output.hpp"

namespace kaso::cli::image {
namespace {

constexpr const char* sources[] = {"url", "predefined", "file"};

bool is_sha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class create final : public command {
 public:
  explicit create(task::wait_env env)
      : command("image", "create", "Create an image from a URL, a predefined image or a file"),
        env_(std::move(env)) {}

  std::string synopsis() const override {
    return "-n NAME (--url URL | --predefined NAME | --file PATH) [--sha256 HEX] [--min-cpu N] "
           "[--min-ram MB] [--min-space MB] [--no-wait | -q] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()
        ("n,name", "The image name", cxxopts::value<std::string>(), "NAME")
        ("url", "Download the image from URL", cxxopts::value<std::string>(), "URL")
        ("predefined", "Download a predefined image (see 'kaso image catalogue')",
         cxxopts::value<std::string>(), "NAME")
        ("file", "Import the image file at PATH", cxxopts::value<std::string>(), "PATH")
        ("sha256", "Expected SHA-256 of the image, as 64 hex digits",
         cxxopts::value<std::string>(), "HEX");
    add_minimum_options(options);
    options.add_options()("no-wait", "Print the task id and return while the task runs")
        ("q,quiet", "Show no progress while waiting");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (!parsed.count("name")) return error::invalid_argument("missing required option --name");
    auto given = std::count_if(std::begin(sources), std::end(sources),
                               [&](const char* s) { return parsed.count(s) > 0; });
    if (given == 0) {
      return error::invalid_argument("give one of --url URL, --predefined NAME or --file PATH");
    }
    if (given > 1) {
      return error::invalid_argument("give only one of --url, --predefined and --file");
    }
    for (const char* s : sources) {
      if (!parsed.count(s)) continue;
      source_ = {s, parsed[s].as<std::string>()};
      if (source_.second.empty()) {
        return error::invalid_argument("--" + source_.first + " must not be empty");
      }
    }
    if (parsed.count("sha256")) {
      auto hex = parsed["sha256"].as<std::string>();
      if (!is_sha256(hex)) {
        return error::invalid_argument("--sha256 must be 64 hexadecimal digits, got '" + hex +
                                       "'");
      }
      sha256_ = lower(hex);
    }
    auto mins = take_minimums(parsed);
    if (!mins) return mins.error();
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    name_ = parsed["name"].as<std::string>();
    minimums_ = *mins;
    no_wait_ = parsed.count("no-wait") > 0;
    quiet_ = parsed.count("quiet") > 0;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    auto body = request_body();
    if (!body) return body.error();
    auto started = api.post("/images", *body);
    if (!started) return started.error();
    if (no_wait_) {
      print_task(out, *started, "Started task " + text_of(*started, "id"));
      return ok_status();
    }
    std::ostream silent(nullptr);  // -q: the progress goes nowhere
    auto end = task::wait_for_task(api, *started, quiet_ ? silent : err, env_);
    if (!end) return end.error();
    using how = task::task_end::how;
    switch (end->ended) {
      case how::completed: {
        const nlohmann::json object = end->task.value("object", nlohmann::json::object());
        print_task(out, end->task, "Created image with id " + text_of(object, "id"));
        return ok_status();
      }
      case how::detached:
        detached_ = true;
        return ok_status();
      case how::failed:
      case how::cancelled:
        break;
    }
    auto message = text_of(end->task, "message");
    if (message.empty()) {
      message = end->ended == how::failed ? "the task failed" : "the task was cancelled";
    }
    return error(end->ended == how::failed ? errc::internal : errc::cancelled,
                 "image " + name_ + ": " + message);
  }

  exit_code code_after_run() const override { return detached_ ? exit_interrupted : exit_ok; }

 private:
  result<nlohmann::json> request_body() const {
    nlohmann::json body{{"name", name_}};
    if (source_.first == "file") {
      std::error_code ec;
      auto path = std::filesystem::absolute(source_.second, ec);
      if (ec) {
        return error::io_error("cannot make " + source_.second + " absolute: " + ec.message());
      }
      body["file"] = path.lexically_normal().string();
    } else {
      body[source_.first] = source_.second;
    }
    if (sha256_) body["sha256"] = *sha256_;
    add_to_body(minimums_, body);
    return body;
  }

  void print_task(std::ostream& out, const nlohmann::json& task, const std::string& line) const {
    if (format_ == output_format::json) {
      print_json(out, task);
    } else {
      out << line << '\n';
    }
  }

  task::wait_env env_;
  std::string name_;
  std::pair<std::string, std::string> source_;  // "url", "predefined" or "file", and its value
  std::optional<std::string> sha256_;
  minimums minimums_;
  bool no_wait_ = false;
  bool quiet_ = false;
  output_format format_ = output_format::table;
  bool detached_ = false;
};

}  // namespace

std::unique_ptr<command> make_create(task::wait_env env) {
  return std::make_unique<create>(std::move(env));
}

}  // namespace kaso::cli::image
