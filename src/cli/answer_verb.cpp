// One request, its answer printed as JSON or as the verb's text.
#include "cli/answer_verb.hpp"

#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/task/task_id.hpp"

namespace kaso::cli {
namespace {

class answer_verb final : public command {
 public:
  explicit answer_verb(answer_verb_spec spec)
      : command(spec.group, spec.name, spec.summary), spec_(std::move(spec)) {}

  std::string synopsis() const override {
    const auto& target = spec_.target.synopsis;
    return target.empty() ? "[-o FORMAT]" : target + " [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    spec_.target.add_options(options);
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto target = spec_.target.take(parsed);
    if (!target) return target.error();
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    target_ = *target;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto answer = spec_.request(api, target_);
    if (!answer) return answer.error();
    if (format_ == output_format::json) {
      print_json(out, *answer);
    } else {
      out << spec_.text(*answer, target_, api);
    }
    return ok_status();
  }

 private:
  answer_verb_spec spec_;
  std::string target_;
  output_format format_ = output_format::table;
};

}  // namespace

verb_target no_target() {
  return {"", [](cxxopts::Options&) {},
          [](const cxxopts::ParseResult&) -> result<std::string> { return std::string(); }};
}

verb_target object_target(std::string noun) {
  return {std::string(object_ref_synopsis),
          [noun = std::move(noun)](cxxopts::Options& options) {
            add_object_ref_options(options, noun);
          },
          take_object_ref};
}

verb_target task_target() {
  return {std::string(task::task_id_synopsis), task::add_task_id_options, task::take_task_id};
}

std::unique_ptr<command> make_answer_verb(answer_verb_spec spec) {
  return std::make_unique<answer_verb>(std::move(spec));
}

}  // namespace kaso::cli
