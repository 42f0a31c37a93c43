// The verb driver: cxxopts parsing, -h, the two phases, and their exit codes.
#include "cli/command.hpp"

#include "cli/did_you_mean.hpp"

namespace kaso::cli {
namespace {

int usage_error(std::ostream& err, const command& cmd, std::string_view message) {
  print_error(err,
              std::string(message) + " (see 'kaso " + full_name(cmd) + " -h')");
  return exit_usage;
}

std::vector<const char*> c_argv(const std::string& program, const std::vector<std::string>& args) {
  std::vector<const char*> argv{program.c_str()};
  for (const auto& a : args) argv.push_back(a.c_str());
  return argv;
}

}  // namespace

void print_error(std::ostream& err, std::string_view message) {
  err << "kaso: " << message << '\n';
}

int run_command(command& cmd, const std::vector<std::string>& args, const client_factory& connect,
                std::ostream& out, std::ostream& err) {
  const std::string program = "kaso " + full_name(cmd);
  cxxopts::Options options(program, cmd.summary() + "\n");
  try {
    options.custom_help(cmd.synopsis());
    options.positional_help("");
    options.add_options()("h,help", "Show this help");
    cmd.add_options(options);

    auto argv = c_argv(program, args);
    auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
    if (parsed.count("help")) {
      out << options.help({""});
      return exit_ok;
    }
    if (!parsed.unmatched().empty()) {
      return usage_error(err, cmd, "unexpected argument '" + parsed.unmatched().front() + "'");
    }
    if (auto taken = cmd.take_options(parsed); !taken) {
      return usage_error(err, cmd, taken.error().message());
    }
  } catch (const cxxopts::exceptions::exception& e) {
    return usage_error(err, cmd, option_error_text(e, option_words(options)));
  }

  auto api = connect();
  if (!api) {
    print_error(err, api.error().message());
    return exit_failure;
  }
  try {
    if (auto done = cmd.run(api.value(), out, err); !done) {
      print_error(err, done.error().message());
      return exit_failure;
    }
  } catch (const nlohmann::json::exception& e) {
    // A verb reads answers with checked accessors; this is the net under a server that sends
    // something unexpected.
    print_error(err, std::string("unexpected answer from kaso-server: ") + e.what());
    return exit_failure;
  }
  return cmd.code_after_run();
}

}  // namespace kaso::cli
