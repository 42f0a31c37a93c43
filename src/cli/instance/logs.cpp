// kaso instance logs (REF | --id ID | --name NAME) [-n LINES] [-f]: the instance's serial console
// output as kept across boots (GET /api/v1/instances/{ref}/console-log; the server keeps about
// 2 MiB: console.log and the older console.log.1), written to standard output as the guest wrote
// it. -n keeps the last LINES lines. -f then follows the log (GET ...?from=END every half second,
// END being where the last answer stopped) until interrupted, or until the instance is removed
// (an error: exit 1).
#include <chrono>
#include <string>
#include <thread>

#include "cli/instance/option_values.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

constexpr std::uint64_t kept_bytes = 4 * 1024 * 1024;  // more than the server keeps
constexpr std::uint64_t max_lines = 1'000'000;
constexpr auto follow_period = std::chrono::milliseconds(500);

// The last `n` lines of `text` (a last line without its newline counts).
std::string last_lines(const std::string& text, std::uint64_t n) {
  if (n == 0) return {};
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  while (pos > 0) {
    auto nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (--n == 0) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

class logs final : public command {
 public:
  logs() : command("instance", "logs", "Show an instance's serial console output, kept across boots") {}

  std::string synopsis() const override { return std::string(object_ref_synopsis) + " [-n LINES] [-f]"; }

  void add_options(cxxopts::Options& options) override {
    add_object_ref_options(options, "instance");
    options.add_options()("n,lines", "Show only the last LINES lines", cxxopts::value<std::string>(), "LINES")(
        "f,follow", "Keep printing what the console writes until interrupted (Ctrl-C)");
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    auto ref = take_object_ref(parsed);
    if (!ref) return ref.error();
    ref_ = *ref;
    if (parsed.count("lines")) {
      auto n = parse_count("--lines", parsed["lines"].as<std::string>(), 0, max_lines);
      if (!n) return n.error();
      lines_ = *n;
    }
    follow_ = parsed.count("follow") > 0;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    const auto path = "/instances/" + percent_encode(ref_) + "/console-log";
    auto first = api.get_bytes(path + "?tail=" + std::to_string(kept_bytes));
    if (!first) return first.error();
    out << (lines_ ? last_lines(first->body, *lines_) : first->body) << std::flush;
    if (!follow_) return ok_status();
    auto end = end_of(*first);
    while (true) {
      std::this_thread::sleep_for(follow_period);
      auto more = api.get_bytes(path + "?from=" + end);
      if (!more) return more.error();
      out << more->body << std::flush;
      end = end_of(*more);
    }
  }

 private:
  static std::string end_of(const api_client::bytes_answer& a) {
    auto it = a.headers.find("X-Kaso-Console-End");
    return it == a.headers.end() ? "0" : it->second;
  }

  std::string ref_;
  std::optional<std::uint64_t> lines_;
  bool follow_ = false;
};

}  // namespace

std::unique_ptr<command> make_logs() { return std::make_unique<logs>(); }

}  // namespace kaso::cli::instance
