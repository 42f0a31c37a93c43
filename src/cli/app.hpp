// The kaso program: global options, then `GROUP VERB`, dispatched to the verbs of registry.cpp.
//
//   kaso [-c FILE] [--server unix:PATH|http://HOST:PORT] [-h] [--version] GROUP VERB [...]
//
// Exit codes: 0 success, 1 an error from the server, the connection or a local file, 2 a usage
// error. A failure prints one line `kaso: <message>` on `err` and nothing on `out`. The
// configuration (-c, else ~/.kaso) is read only when a verb is about to run: for the default
// server (its socket_path()) and, for http://, the bearer token (its token_path). No exception
// escapes. One thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kaso::cli {

// `args` is argv without the program name.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kaso::cli
