// kaso-replay: reads an event log without disturbing a running server (RocksDB read-only), and
//   check                      reports gaps, undecodable records, damaged tables (checksums), a
//                              damaged write-ahead log, and checkpoints that differ from a full
//                              fold at their point (not fatal: it goes on); exit 3 for any damage
//   events [--since SEQ|TIME] [--kind] [--id]   prints events as JSON Lines (the filters of
//                              `kaso events tail`)
//   state [--at SEQ|TIME]      prints every projection as of that point, as JSON
//   diff --from X --to Y       prints the projections that differ between two points
//   (state and diff start from the latest checkpoint at or before the point; --no-checkpoint
//   folds from the first event)
//   export                     writes the log as JSON Lines to stdout
//   (events and export print identities' password hashes as "(redacted)"; --with-secrets prints
//   them, for a backup to import)
//   import FILE --into DIR     writes JSON Lines into a new event log
// Thin: the fold, the codec and the store are the server's own.
#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <iostream>

#include <cxxopts.hpp>

#include "config/config.hpp"
#include "domain/identity.hpp"
#include "domain/rebuild.hpp"
#include "domain/snapshot.hpp"
#include "events/codec.hpp"

namespace {

using namespace kaso;

// A point in the log: a sequence number, or an ISO-8601 UTC time.
result<domain::rebuild_options> point(const std::string& text, bool use_checkpoint) {
  domain::rebuild_options o;
  o.use_checkpoint = use_checkpoint;
  o.on_bad_checkpoint = [](std::uint64_t seq, const error& e) {
    std::cerr << "kaso-replay: checkpoint at " << seq << " not used: " << e.message() << "\n";
  };
  if (text.empty()) return o;
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    o.up_to_seq = std::stoull(text);
    return o;
  }
  auto t = events::parse_time(text);
  if (!t.ok()) return t.error();
  o.up_to_time_us = t.value();
  return o;
}

int fail(const std::string& message) {
  std::cerr << "kaso-replay: " << message << "\n";
  return 1;
}

// Each stored checkpoint against a full fold up to its seq; returns how many are wrong (differ or
// cannot be decoded). One written by another fold version is only mentioned.
std::uint64_t check_checkpoints(const events::event_store& store) {
  std::uint64_t wrong = 0;
  for (std::uint64_t at_most = store.last_seq(); at_most > 0;) {
    auto stored = store.latest_checkpoint(at_most);
    if (!stored.ok()) {
      std::cout << "checkpoints unreadable: " << stored.error().message() << "\n";
      return wrong + 1;
    }
    if (!stored.value()) break;
    const auto seq = stored.value()->seq;
    at_most = seq - 1;
    auto c = domain::decode_checkpoint(stored.value()->bytes);
    if (!c.ok()) {
      std::cout << "checkpoint " << seq << ": " << c.error().message() << "\n";
      if (c.error().code() != errc::conflict) ++wrong;
      continue;
    }
    auto full = domain::rebuild(store, {.up_to_seq = seq, .use_checkpoint = false});
    if (!full.ok()) {
      std::cout << "checkpoint " << seq << ": cannot fold the log: " << full.error().message() << "\n";
      ++wrong;
    } else if (c->seq != seq || !(c->folded == full.value())) {
      auto d = nlohmann::json::diff(domain::to_json(full.value()), domain::to_json(c->folded));
      std::cout << "checkpoint " << seq << ": differs from a full fold (" << d.size()
                << " differences in the API view)\n";
      ++wrong;
    } else {
      std::cout << "checkpoint " << seq << ": matches a full fold\n";
    }
  }
  return wrong;
}

int check(const events::event_store& store) {
  std::uint64_t expected = 1, gaps = 0, corrupt = 0, count = 0;
  auto s = store.read_raw(1, [&](std::uint64_t seq, std::string_view value) {
    ++count;
    if (seq != expected) {
      std::cout << "gap: expected " << expected << ", found " << seq << "\n";
      ++gaps;
    }
    expected = seq + 1;
    if (auto e = events::decode_value(value, seq); !e.ok()) {
      std::cout << "undecodable event " << seq << ": " << e.error().message() << "\n";
      ++corrupt;
    }
    return true;
  });
  if (!s.ok()) {
    std::cout << "events unreadable after " << count << ": " << s.error().message() << "\n";
    ++corrupt;
  }
  std::cout << count << " events, " << gaps << " gaps, " << corrupt << " undecodable\n";
  auto checksums = store.verify_checksums();
  std::cout << "table checksums: " << (checksums.ok() ? "ok" : checksums.error().message()) << "\n";
  auto wrong_checkpoints = check_checkpoints(store);
  return gaps == 0 && corrupt == 0 && wrong_checkpoints == 0 && checksums.ok() ? 0 : 3;
}

// `since`: a sequence number (events from it on) or an ISO-8601 UTC time (events recorded then or
// later), as `kaso events tail --since` takes it.
// Secrets (identities' password hashes) are redacted unless `with_secrets` (issue #15).
int print_events(const events::event_store& store, const std::string& since, const std::string& kind,
                 const std::string& id, bool with_secrets) {
  std::uint64_t from = 1;
  std::int64_t from_time_us = 0;
  if (!since.empty() && since.find_first_not_of("0123456789") == std::string::npos) {
    auto [end, ec] = std::from_chars(since.data(), since.data() + since.size(), from);
    if (ec != std::errc()) return fail("--since: " + since + " is not a sequence number");
    from = std::max<std::uint64_t>(1, from);
  } else if (!since.empty()) {
    auto t = events::parse_time(since);
    if (!t.ok()) return fail("--since: " + t.error().message());
    from_time_us = t.value();
  }
  auto s = store.read(from, [&](const events::event& e) {
    if (e.time_us >= from_time_us && (kind.empty() || e.kind == kind) && (id.empty() || e.id == id)) {
      auto shown = e;
      if (!with_secrets) domain::redact_secrets(shown);
      std::cout << events::to_json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return true;
  }, [](std::uint64_t seq, const error& e) { std::cerr << "skipped event " << seq << ": " << e.message() << "\n"; });
  return s.ok() ? 0 : fail(s.error().message());
}

result<nlohmann::json> state_at(const events::event_store& store, const std::string& at, bool use_checkpoint) {
  auto p = point(at, use_checkpoint);
  if (!p.ok()) return p.error();
  auto s = domain::rebuild(store, p.value());
  if (!s.ok()) return s.error();
  return domain::to_json(s.value());
}

int diff(const events::event_store& store, const std::string& from, const std::string& to, bool use_checkpoint) {
  auto a = state_at(store, from, use_checkpoint), b = state_at(store, to, use_checkpoint);
  if (!a.ok()) return fail(a.error().message());
  if (!b.ok()) return fail(b.error().message());
  std::cout << nlohmann::json::diff(a.value(), b.value()).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

int import_lines(const std::string& file, const std::string& into) {
  std::ifstream in(file);
  if (!in) return fail("cannot read " + file);
  auto store = events::event_store::open(into, events::event_store::mode::read_write);
  if (!store.ok()) return fail(store.error().message());
  if ((*store)->last_seq() != 0) return fail(into + " is not empty");
  std::string line;
  std::size_t n = 0;
  std::vector<events::event> batch;
  auto flush = [&]() -> status {
    if (batch.empty()) return ok_status();
    auto r = (*store)->append(std::move(batch));
    batch.clear();
    if (!r.ok()) return r.error();
    return ok_status();
  };
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    auto e = j.is_discarded() ? result<events::event>(error::invalid_argument("not JSON")) : events::from_json(j);
    if (!e.ok()) return fail("line " + std::to_string(n + 1) + ": " + e.error().message());
    // The store assigns seq and time; an imported log keeps the order of its events.
    batch.push_back(std::move(e.value()));
    ++n;
    if (batch.size() == 1000) {
      if (auto s = flush(); !s.ok()) return fail(s.error().message());
    }
  }
  if (auto s = flush(); !s.ok()) return fail(s.error().message());
  std::cout << "imported " << n << " events\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // What it writes (an imported log) is the owner's alone, like the server's state (issue #15).
  ::umask(0077);
  cxxopts::Options spec("kaso-replay", "Inspect and rebuild a Kaso Mashin event log\n\n"
                        "Commands:\n"
                        "  check     gaps, undecodable events, damaged tables or write-ahead log, checkpoints\n"
                        "            against a full fold (exit 3 for any damage)\n"
                        "  events    the events as JSON Lines (--since, --kind, --id)\n"
                        "  state     every projection as of a point (--at SEQ|TIME)\n"
                        "  diff      what differs between two points (--from, --to)\n"
                        "  export    the whole log as JSON Lines\n"
                        "  import    JSON Lines FILE into a new log (--into DIR)\n\n"
                        "The log is --log DIR, or the 'events' folder under the 'path' of the server's\n"
                        "configuration (-c FILE, default ~/.kaso of the owning user).");
  spec.add_options()("command", "check | events | state | diff | export | import", cxxopts::value<std::string>())
      ("file", "JSON Lines file for import", cxxopts::value<std::string>()->default_value(""))
      ("l,log", "Event log directory (default: <path>/events of the configuration)", cxxopts::value<std::string>()->default_value(""))
      ("c,config", "The server's configuration file (default: ~/.kaso of the owning user)", cxxopts::value<std::string>()->default_value(""))
      ("since", "From this sequence number, or from this ISO-8601 UTC time", cxxopts::value<std::string>()->default_value("1"))
      ("kind", "Aggregate kind filter", cxxopts::value<std::string>()->default_value(""))
      ("id", "Aggregate id filter", cxxopts::value<std::string>()->default_value(""))
      ("at", "Sequence number or UTC time (state)", cxxopts::value<std::string>()->default_value(""))
      ("from", "First point (diff)", cxxopts::value<std::string>()->default_value(""))
      ("to", "Second point (diff)", cxxopts::value<std::string>()->default_value(""))
      ("into", "New event log directory (import)", cxxopts::value<std::string>()->default_value(""))
      ("no-checkpoint", "Fold from the first event, ignoring checkpoints (state, diff)")
      ("with-secrets", "Print identities' password hashes instead of (redacted) (events, export: for a backup to import)")
      ("h,help", "Print this help");
  spec.parse_positional({"command", "file"});
  spec.positional_help("COMMAND [FILE]");
  try {
    auto o = spec.parse(argc, argv);
    if (o.count("help") || !o.count("command")) {
      std::cout << spec.help() << "\n";
      return o.count("help") ? 0 : 2;
    }
    auto command = o["command"].as<std::string>();
    const bool use_checkpoint = o.count("no-checkpoint") == 0;
    if (command == "import") return import_lines(o["file"].as<std::string>(), o["into"].as<std::string>());
    // The same log the server uses, unless one is named (issue #16).
    std::filesystem::path log = o["log"].as<std::string>();
    if (log.empty()) {
      auto cfg = load_config(o["config"].as<std::string>());
      if (!cfg.ok()) return fail(cfg.error().message() + " (or name the log with --log DIR)");
      log = cfg->config.events_path();
    }
    auto store = events::event_store::open(log, events::event_store::mode::read_only);
    if (!store.ok() && command == "check" && store.error().code() == errc::corruption) {
      std::cout << "write-ahead log: " << store.error().message() << "\n";
      return 3;  // damaged: found, not failed
    }
    if (!store.ok()) return fail(store.error().message());
    if (command == "check") return check(**store);
    const bool with_secrets = o.count("with-secrets") != 0;
    if (command == "events") {
      return print_events(**store, o["since"].as<std::string>(), o["kind"].as<std::string>(), o["id"].as<std::string>(),
                          with_secrets);
    }
    if (command == "export") return print_events(**store, "1", "", "", with_secrets);
    if (command == "diff") {
      return diff(**store, o["from"].as<std::string>(), o["to"].as<std::string>(), use_checkpoint);
    }
    if (command == "state") {
      auto s = state_at(**store, o["at"].as<std::string>(), use_checkpoint);
      if (!s.ok()) return fail(s.error().message());
      std::cout << s.value().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return 0;
    }
    return fail("unknown command '" + command + "'");
  } catch (const cxxopts::exceptions::exception& ex) {
    return fail(ex.what());
  }
}
