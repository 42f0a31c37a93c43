// kaso-server: loads the configuration, opens the event log, folds the read model (from its latest
// checkpoint), starts the checkpointer and the actor system under the root supervisor, and serves
// the API until SIGINT or SIGTERM; then writes a checkpoint at the last event.
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>

#include <cxxopts.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "actors/supervisor.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "domain/checkpointer.hpp"
#include "domain/rebuild.hpp"
#include "events/event_store.hpp"
#include "http/api_server.hpp"
#include "images/catalogue.hpp"
#include "server/machine_settings.hpp"
#include "server/owning_user.hpp"
#include "vm/vm_platform.hpp"

namespace {

using namespace kaso;

struct options {
  std::filesystem::path config_file;
  std::optional<std::filesystem::path> path;
  std::optional<std::string> log_level;
  bool salvage_log = false;
};

// Returns the options, or an exit code when there is nothing more to do (help, bad usage).
std::variant<options, int> parse_options(int argc, char** argv) {
  cxxopts::Options spec("kaso-server", "Kaso Mashin: the daemon that owns your virtual machines");
  spec.add_options()
      ("c,config", "Configuration file (default: ~/.kaso of the owning user)", cxxopts::value<std::string>())
      ("p,path", "Root path for all state (overrides the configuration's 'path')", cxxopts::value<std::string>())
      ("log-level", "trace, debug, info, warn or error", cxxopts::value<std::string>())
      ("salvage-log", "Open a damaged event log anyway, keeping the events before the damage (keep a copy first)")
      ("version", "Print the version")
      ("h,help", "Print this help");
  try {
    auto parsed = spec.parse(argc, argv);
    if (parsed.count("help")) {
      std::cout << spec.help() << "\nConfiguration file: " << kaso::default_config_file().string() << "\n";
      return 0;
    }
    if (parsed.count("version")) {
      std::cout << "kaso-server " << KASO_VERSION << "\n";
      return 0;
    }
    if (!parsed.unmatched().empty()) {
      std::cerr << "kaso-server: unexpected argument '" << parsed.unmatched().front() << "'\n";
      return 2;
    }
    options o;
    if (parsed.count("config")) o.config_file = parsed["config"].as<std::string>();
    if (parsed.count("path")) o.path = parsed["path"].as<std::string>();
    if (parsed.count("log-level")) o.log_level = parsed["log-level"].as<std::string>();
    o.salvage_log = parsed.count("salvage-log") != 0;
    return o;
  } catch (const cxxopts::exceptions::exception& ex) {
    std::cerr << "kaso-server: " << ex.what() << "\n";
    return 2;
  }
}

kaso::images::cpu_arch host_arch() {
  utsname u{};
  uname(&u);
  return kaso::images::parse_cpu_arch(u.machine).value_or(kaso::images::cpu_arch::x86_64);
}

// The TCP listener's bearer token: read from `path`, or made at first start (mode 0600, beside
// the configuration, where `kaso` finds it).
kaso::result<std::string> ensure_token(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string token;
  if (in && std::getline(in, token) && !token.empty()) return token;
  token = kaso::crypto::random_token(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return kaso::error::io_error("cannot write the token file " + path.string());
  std::string line = token + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return kaso::error::io_error("cannot write the token file " + path.string());
  return token;
}

// A loopback address as written (a dotted quad in 127.0.0.0/8, ::1) or "localhost"; a name
// that merely starts with "127." is not one (issue #15).
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

int fail(const std::string& message) {
  spdlog::error("{}", message);
  return 1;
}

// The read model as of the end of the log, from its latest usable checkpoint.
kaso::result<domain::rebuilt> fold_log(const events::event_store& store, const std::filesystem::path& where) {
  auto t0 = std::chrono::steady_clock::now();
  auto folded = domain::rebuild_detailed(
      store, {.on_corrupt = [](std::uint64_t seq, const kaso::error& e) {
                spdlog::error("event {} skipped: {}", seq, e.message());
              },
              .on_bad_checkpoint = [](std::uint64_t seq, const kaso::error& e) {
                spdlog::warn("checkpoint at {} ignored: {}", seq, e.message());
              }});
  if (!folded.ok()) return folded;
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("Event log {}: {} events, {} identities, {} instances; folded {} events after {} in {:.0f} ms",
               where.string(), folded->seq, folded->state.identities.by_id.size(),
               folded->state.machines.instances.by_id.size(), folded->tail,
               folded->checkpoint_seq != 0 ? "the checkpoint at " + std::to_string(folded->checkpoint_seq)
                                           : std::string("the start (no checkpoint)"),
               ms);
  return folded;
}

// Checks the stored tables' checksums; damage is logged loudly and recorded (host.log_damaged),
// so that `kaso events tail --kind host` and the log show it, not only a later failed read.
void verify_log(events::event_store& store, std::uint64_t host_version) {
  auto t0 = std::chrono::steady_clock::now();
  auto verified = store.verify_checksums();
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (verified.ok()) {
    spdlog::info("Event log checksums verified in {:.0f} ms", ms);
    return;
  }
  spdlog::error("THE EVENT LOG IS DAMAGED: {}. Keep a copy of it; kaso-replay check shows what can be read",
                verified.error().message());
  auto recorded = store.append({domain::log_damaged_event(verified.error().message(), host_version + 1)});
  if (!recorded.ok()) spdlog::error("the damage could not be recorded: {}", recorded.error().message());
}

// host.accelerator_chosen when the choice differs from the last one recorded (the first start too).
// Returns the host's version after it.
kaso::result<std::uint64_t> record_accelerator(events::event_store& store, const domain::host& last,
                                               const qemu::accelerator_choice& choice, const std::string& configured) {
  auto events = domain::accelerator_events(last, std::string(qemu::to_string(choice.accel)), choice.reason, configured);
  if (events.empty()) return last.version;
  auto appended = store.append(std::move(events));
  if (!appended.ok()) return appended.error();
  return appended->back().version;
}

domain::checkpointer::settings checkpoint_settings() {
  domain::checkpointer::settings s;
  s.on_written = [](std::uint64_t seq) { spdlog::debug("Checkpoint written at event {}", seq); };
  s.on_error = [](std::uint64_t seq, const kaso::error& e) {
    spdlog::warn("no checkpoint at event {}: {}", seq, e.message());
  };
  return s;
}

int run(const options& opts) {
  // Logs go to stderr, like every daemon's: stdout stays free for what a user asked for.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kaso"));
  // Many short-lived request threads would otherwise each grow a malloc arena that stays resident.
  mallopt(M_ARENA_MAX, 2);
  // Signals are taken by sigwait in this thread; every thread started later inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Everything we create is private to the owning user unless made otherwise on purpose; this
  // also gives the API socket mode 0700 from the moment it is bound.
  umask(0077);

  auto loaded = kaso::load_config(opts.config_file);
  if (!loaded.ok()) return fail(loaded.error().message());
  auto cfg = loaded->config;
  if (opts.path) cfg.path = std::filesystem::absolute(*opts.path);
  if (opts.log_level) cfg.log_level = *opts.log_level;
  // spdlog reads an unknown name as "off": a typo silenced every log line (issue #15).
  const auto level = spdlog::level::from_str(cfg.log_level);
  if (level == spdlog::level::off && cfg.log_level != "off") {
    return fail("log_level must be trace, debug, info, warn, error, critical or off, not '" + cfg.log_level + "'");
  }
  spdlog::set_level(level);
  for (const auto& w : loaded->warnings) spdlog::warn("{}", w);

  auto effective = server::effective_user();
  auto owner = server::owning_user();
  spdlog::info("Effective user {}", effective.name);
  spdlog::info("Owning user {}", owner.name);
  if (auto s = server::act_as(owner); !s.ok()) return fail(s.error().message());

  std::error_code ec;
  std::filesystem::create_directories(cfg.path, ec);
  if (ec) return fail("cannot create " + cfg.path.string() + ": " + ec.message());

  // Under "auto" the accelerator is decided by a probe machine (issue #14): it runs on a thread of
  // its own while the log is opened and folded.
  const auto platform = vm::probe_host_platform();
  auto accelerator = std::async(std::launch::async, [&cfg, &platform] { return server::choose_accelerator(cfg, platform); });
  auto qemu = std::async(std::launch::async, [&platform] { return server::find_qemu(platform); });

  auto store = events::event_store::open(cfg.events_path(), events::event_store::mode::read_write, opts.salvage_log);
  if (!store.ok()) return fail(store.error().message());
  if (opts.salvage_log) spdlog::warn("Event log salvaged: it now ends at event {}", (*store)->last_seq());
  auto folded = fold_log(**store, cfg.events_path());
  if (!folded.ok() && folded.error().code() == errc::corruption) {
    return fail(folded.error().message() + ": the event log is damaged. Keep a copy of " + cfg.events_path().string() +
                "; `kaso-replay check --log " + cfg.events_path().string() + "` shows what can still be read");
  }
  if (!folded.ok()) return fail(folded.error().message());

  auto catalogue = cfg.catalogue_file.empty() ? images::parse_catalogue(images::embedded_catalogue_json())
                                              : images::load_catalogue(cfg.catalogue_file);
  if (!catalogue.ok()) return fail("image catalogue: " + catalogue.error().message());
  if (cfg.path.empty()) return fail("configuration: 'path' must not be empty");
  auto accel = accelerator.get();
  if (!accel.ok()) return fail(accel.error().message());
  auto machines = server::machine_settings(cfg, platform, *accel);
  if (!machines.ok()) return fail(machines.error().message());

  domain::checkpointer checkpoints(**store, folded.value(), checkpoint_settings());
  auto host_version = record_accelerator(**store, folded->state.host, *accel, cfg.accelerator);
  if (!host_version.ok()) return fail(host_version.error().message());
  // Every stored table's checksums, read in the background while the server serves (issue #15).
  auto verified = std::async(std::launch::async, [&store = **store, v = *host_version] { verify_log(store, v); });
  int exit_code = 0;
  {
    caf::actor_system_config actor_cfg;
    // A scheduler worker that runs out of work polls its queue 500 times, 50 us apart, before it
    // waits on its condition variable (which a new job notifies). Each message therefore kept
    // the workers polling for the next 25-50 ms: a download's progress messages, 10 a second,
    // cost 0.10-0.28 s of CPU per GiB downloaded here (bench/README.md). 10 polls keep the first
    // half-millisecond of it.
    actor_cfg.set("work-stealing.moderate-poll-attempts", std::size_t{10});
    caf::actor_system sys{actor_cfg};
    auto supervisor = actors::spawn_supervisor(
        sys, **store, {cfg.images_path(), std::move(catalogue.value()), host_arch()}, std::move(machines.value()),
        std::move(folded->state));
    const auto found = qemu.get();
    http::api_server api({&sys, supervisor, store->get(),
                          {KASO_VERSION, effective.name, owner.name, cfg.path.string(), static_cast<long>(getpid()),
                           std::string(qemu::to_string(accel->accel)), accel->reason, found.binary, found.version,
                           cfg.socket_path().string(), cfg.events_path().string(), cfg.images_path().string(),
                           cfg.instances_path().string()}});
    // The TCP listener (if any) first: once the Unix socket accepts, the server is wholly up.
    kaso::status listening = kaso::ok_status();
    if (cfg.tcp_listener) {
      auto token = ensure_token(cfg.token_path);
      if (!token.ok()) {
        listening = token.error();
      } else if (!is_loopback(cfg.default_server_host) && !cfg.tcp_allow_non_loopback) {
        listening = kaso::error::invalid_argument(
            "default_server_host " + cfg.default_server_host +
            " is not a loopback address; set tcp_allow_non_loopback to listen there");
      } else {
        listening = api.listen_tcp(cfg.default_server_host, cfg.default_server_port, token.value());
      }
    }
    if (listening.ok()) listening = api.listen_unix(cfg.socket_path(), cfg.socket_group);
    if (!listening.ok()) {
      exit_code = fail(listening.error().message());
    } else {
      spdlog::info("Listening on unix:{}{}", cfg.socket_path().string(),
                   cfg.tcp_listener ? " and http://" + cfg.default_server_host + ":" +
                                          std::to_string(cfg.default_server_port)
                                    : std::string());
      int sig = 0;
      sigwait(&stop_signals, &sig);
      spdlog::info("Stopping on signal {}", sig);
    }
    api.stop();
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  }  // ~actor_system waits for every actor
  checkpoints.stop();  // after the last append
  if (auto seq = checkpoints.last_written(); seq != 0) spdlog::info("Checkpoint at event {}", seq);
  spdlog::info("Stopped");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_options(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  return run(std::get<options>(parsed));
}
