// command: one CLI verb (`kaso identity create`), the unit registered in registry.cpp.
//
// A verb runs in two phases, and the phase decides the exit code:
//
//   phase          | does                                      | an error means         | exit
//   ---------------+-------------------------------------------+------------------------+-----
//   take_options   | reads the parsed options into the verb    | the command line is    | 2
//                  | (no I/O)                                  | wrong                  |
//   run            | reads local files, calls the API, prints  | the server, the        | 1
//                  | on `out`                                  | connection, a file     |
//   run, detached  | as run, until Ctrl-C ends its waiting for | -                      | 130
//                  | work that goes on (see code_after_run)    |                        |
//
// run_command drives both: it builds the verb's cxxopts::Options, answers -h, connects only
// when the verb is about to run, and turns every failure into one line `kaso: <message>` on
// `err` with nothing on `out`. A command instance serves one invocation on one thread.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "cli/api_client.hpp"
#include "util/error.hpp"

namespace kaso::cli {

enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,
  exit_usage = 2,
  exit_interrupted = 130,
};

class command {
 public:
  command(std::string group, std::string name, std::string summary)
      : group_(std::move(group)), name_(std::move(name)), summary_(std::move(summary)) {}
  virtual ~command() = default;
  command(const command&) = delete;
  command& operator=(const command&) = delete;

  const std::string& group() const { return group_; }
  const std::string& name() const { return name_; }
  const std::string& summary() const { return summary_; }

  // What follows "kaso GROUP VERB" in the usage line, e.g. "-n NAME [-o FORMAT]".
  virtual std::string synopsis() const = 0;
  // Declares the verb's options. -h is already declared. Options in the default group ("") are
  // listed by -h; others (a positional) are not.
  virtual void add_options(cxxopts::Options& options) = 0;
  // Reads the parsed options. An error is a usage error. No I/O.
  virtual status take_options(const cxxopts::ParseResult& parsed) = 0;
  // REQUIRES: take_options succeeded. Performs the verb; prints only once it has succeeded.
  virtual status run(api_client& api, std::ostream& out, std::ostream& err) = 0;
  // The exit code once run succeeded: exit_ok, or exit_interrupted for a verb that Ctrl-C
  // detached from work going on without it (128 + SIGINT, as a shell reports it).
  virtual exit_code code_after_run() const { return exit_ok; }

 private:
  std::string group_;
  std::string name_;
  std::string summary_;
};

// Makes the API client, called only when a verb is about to run (never for -h or a usage error).
using client_factory = std::function<result<api_client>()>;

// Runs `cmd` with `args`, the words after "kaso [global options] GROUP VERB". Returns the exit
// code; see the table above.
int run_command(command& cmd, const std::vector<std::string>& args, const client_factory& connect,
                std::ostream& out, std::ostream& err);

// "GROUP VERB", or "VERB" for a top-level command (group ""), as typed after "kaso".
inline std::string full_name(const command& cmd) {
  return cmd.group().empty() ? cmd.name() : cmd.group() + " " + cmd.name();
}

// The one line every failure prints: "kaso: <message>\n".
void print_error(std::ostream& err, std::string_view message);

}  // namespace kaso::cli
