// Global options, help texts, group/verb lookup, and making the API client from the configuration.
#include "cli/app.hpp"

#include <algorithm>
#include <optional>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "cli/did_you_mean.hpp"
#include "cli/endpoint.hpp"
#include "cli/registry.hpp"
#include "config/config.hpp"

namespace kaso::cli {
namespace {

struct global_options {
  std::filesystem::path config_file;  // empty: the default file
  std::optional<endpoint> server;     // empty: the configuration's socket
};

cxxopts::Options make_global_options() {
  cxxopts::Options options("kaso", "Kaso Mashin: virtual machines, managed through kaso-server.\n");
  options.custom_help("[-c FILE] [--server ADDRESS] GROUP VERB [OPTIONS]");
  options.add_options()
      ("c,config", "Configuration file (default: " + default_config_file().string() + ")",
       cxxopts::value<std::string>(), "FILE")
      ("server",
       "kaso-server to talk to: unix:PATH or http://HOST:PORT (default: the Unix socket in the "
       "configuration's path)",
       cxxopts::value<std::string>(), "ADDRESS")
      ("h,help", "Show this help")
      ("version", "Show kaso's version");
  return options;
}

std::vector<const command*> verbs_of(const std::vector<std::unique_ptr<command>>& commands,
                                     const std::string& group) {
  std::vector<const command*> verbs;
  for (const auto& c : commands) {
    if (c->group() == group) verbs.push_back(c.get());
  }
  return verbs;
}

// One help line: `indent`, `name`, then `summary` starting at column `column`.
std::string help_line(std::size_t indent, const std::string& name, std::size_t column,
                      const std::string& summary) {
  std::size_t used = indent + name.size();
  return std::string(indent, ' ') + name + std::string(column > used ? column - used : 2, ' ') +
         summary + '\n';
}

void print_global_help(std::ostream& out, cxxopts::Options& options,
                       const std::vector<std::unique_ptr<command>>& commands) {
  std::size_t column = 0;
  for (const auto& g : command_groups()) column = std::max(column, 2 + g.name.size() + 2);
  for (const auto& c : commands) column = std::max(column, 4 + c->name().size() + 2);
  out << options.help({""}) << "\nCommands:\n";
  for (const command* top : verbs_of(commands, "")) out << help_line(2, top->name(), column, top->summary());
  out << "\nGroups and verbs:\n";
  for (const auto& g : command_groups()) {
    out << help_line(2, g.name, column, g.summary);
    for (const command* verb : verbs_of(commands, g.name)) {
      out << help_line(4, verb->name(), column, verb->summary());
    }
  }
  out << "\nRun 'kaso COMMAND -h' or 'kaso GROUP VERB -h' for the options of a verb.\n";
}

void print_group_help(std::ostream& out, const group_info& group,
                      const std::vector<std::unique_ptr<command>>& commands) {
  auto verbs = verbs_of(commands, group.name);
  std::size_t column = 0;
  for (const command* verb : verbs) column = std::max(column, 2 + verb->name().size() + 2);
  out << group.summary << "\n\nUsage:\n  kaso " << group.name << " VERB [OPTIONS]\n\nVerbs:\n";
  for (const command* verb : verbs) out << help_line(2, verb->name(), column, verb->summary());
  out << "\nRun 'kaso " << group.name << " VERB -h' for the options of a verb.\n";
}

int usage_error(std::ostream& err, const std::string& message) {
  print_error(err, message);
  return exit_usage;
}

result<api_client> connect(const global_options& global) {
  auto loaded = load_config(global.config_file);
  if (!loaded) return loaded.error();
  const config& cfg = loaded->config;
  endpoint server = global.server ? *global.server : default_endpoint(cfg);
  std::string token;
  if (server.how == endpoint::kind::http) {
    auto read = read_bearer_token(cfg.token_path);
    if (!read) return read.error();
    token = std::move(read.value());
  }
  return api_client(std::move(server), std::move(token));
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto split = split_arguments(args);
  auto options = make_global_options();
  global_options global;
  const auto commands = make_commands();
  try {
    std::vector<const char*> argv{"kaso"};
    for (const auto& a : split.head) argv.push_back(a.c_str());
    auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
    if (parsed.count("help")) {
      print_global_help(out, options, commands);
      return exit_ok;
    }
    if (parsed.count("version")) {
      out << "kaso " << KASO_VERSION << '\n';
      return exit_ok;
    }
    if (parsed.count("config")) global.config_file = parsed["config"].as<std::string>();
    if (parsed.count("server")) {
      auto server = parse_endpoint(parsed["server"].as<std::string>());
      if (!server) return usage_error(err, server.error().message());
      global.server = std::move(server.value());
    }
  } catch (const cxxopts::exceptions::exception& e) {
    return usage_error(err, option_error_text(e, option_words(options)) + " (see 'kaso -h')");
  }

  if (!split.group) return usage_error(err, "missing command group (see 'kaso -h')");
  auto top = std::find_if(commands.begin(), commands.end(),
                          [&](const auto& c) { return c->group().empty() && c->name() == *split.group; });
  if (top != commands.end()) return run_command(**top, split.rest, [&] { return connect(global); }, out, err);
  const auto& groups = command_groups();
  auto group = std::find_if(groups.begin(), groups.end(),
                            [&](const group_info& g) { return g.name == *split.group; });
  if (group == groups.end()) {
    std::vector<std::string> known;
    for (const auto& g : groups) known.push_back(g.name);
    for (const auto& c : commands) {
      if (c->group().empty()) known.push_back(c->name());
    }
    return usage_error(err, "unknown command group '" + *split.group + "'" + did_you_mean(*split.group, known) +
                                " (see 'kaso -h')");
  }
  const std::string hint = " (see 'kaso " + group->name + " -h')";
  if (split.rest.empty()) return usage_error(err, "missing verb for '" + group->name + "'" + hint);
  const auto& verb = split.rest.front();
  if (verb == "-h" || verb == "--help") {
    print_group_help(out, *group, commands);
    return exit_ok;
  }
  auto found = std::find_if(commands.begin(), commands.end(), [&](const auto& c) {
    return c->group() == group->name && c->name() == verb;
  });
  if (found == commands.end()) {
    std::vector<std::string> known;
    for (const command* c : verbs_of(commands, group->name)) known.push_back(c->name());
    return usage_error(err, "unknown verb '" + verb + "' for '" + group->name + "'" + did_you_mean(verb, known) + hint);
  }
  std::vector<std::string> verb_args(split.rest.begin() + 1, split.rest.end());
  return run_command(**found, verb_args, [&] { return connect(global); }, out, err);
}

}  // namespace kaso::cli
