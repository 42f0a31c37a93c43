// kaso: the command line of Kaso Mashin. All the work is in kaso_cli (app.hpp); this only makes
// sure that no exception leaves main and that a peer closing a socket or pipe is an error value,
// not a silent death by SIGPIPE.
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return kaso::cli::run(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "kaso: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "kaso: unexpected failure\n";
  }
  return 1;
}
