// kaso instance create -n NAME [--vcpu N] [--ram MB] [--display DISPLAY] --network-id REF
// --image-id REF [--identity-id REF]... [--static-ip4 IP] [-b BOOTSTRAPPER] [-s SIZE] [-o FORMAT]:
// POST /api/v1/instances, which answers 201 with the instance once it exists (stopped): its disk
// and seed written, which the server allows 6 minutes, so the client waits 7. The
// network, image and identities are sent as typed (name or id); the server resolves them. The
// original's --network-id, --image-id and --identity-id took ids only; --network, --image and
// --identity are the same options under the names that fit a name as well.
//
// --start then starts it (POST .../start), and --wait (with --start) waits until it is ready as
// `instance start --wait` does (readiness.hpp); a start or wait that fails is one line and exit 1
// after the "Created" line (the instance stays, stopped or running).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cli/instance/option_values.hpp"
#include "cli/instance/mount_option.hpp"
#include "cli/instance/readiness.hpp"
#include "cli/instance/settings.hpp"
#include "cli/instance/user_data_file.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/network/ip4.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

constexpr const char* bootstrappers[] = {"ci", "ci-disk", "ignition", "none"};
constexpr std::chrono::seconds create_read_timeout{7 * 60};
constexpr std::chrono::seconds start_read_timeout{150};  // as instance start (power.cpp)

class create final : public command {
 public:
  create() : command("instance", "create", "Create an instance") {}

  std::string synopsis() const override {
    return std::string("-n NAME ") + settings_synopsis +
           " --network-id REF --image-id REF [--identity-id REF... | --no-identity] [--static-ip4 IP] "
           "[-b {ci,ci-disk,ignition,none}] [-s SIZE] [--cloud-init FILE|--ignition FILE] [--forward SPEC]... "
           "[--mount HOSTDIR[:GUESTDIR][:ro]]... "
           "[--start [--wait [--wait-timeout SECONDS]]] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()("n,name", "The instance name", cxxopts::value<std::string>(), "NAME");
    add_settings_options(options);
    options.add_options()
        ("network-id,network",
         "The network (name or id) to attach this instance to; also --network",
         cxxopts::value<std::string>(), "REF")
        ("image-id,image", "The image (name or id) holding this instance's OS; also --image",
         cxxopts::value<std::string>(), "REF")
        ("identity-id,identity",
         "An identity (name or id) permitted to log in to this instance; repeat for more; also "
         "--identity",
         cxxopts::value<std::string>(), "REF")
        ("no-identity", "Create it with no identity: nobody can log in unless your own --cloud-init says how")
        ("static-ip4", "A static IPv4 address instead of one from DHCP",
         cxxopts::value<std::string>(), "IP")
        ("b,bootstrapper", "ci, ci-disk, ignition or none", cxxopts::value<std::string>(),
         "BOOTSTRAPPER")
        ("s,size", "OS disk size: 5G, 512M, 1T or bytes (default: the server's)",
         cxxopts::value<std::string>(), "SIZE")
        ("cloud-init", "Your own cloud-init user-data (#cloud-config or a script), merged with kaso's",
         cxxopts::value<std::string>(), "FILE")
        ("ignition", "Your own Ignition config (-b ignition), merged over kaso's", cxxopts::value<std::string>(), "FILE")
        ("forward", "A port forward [tcp|udp:][ADDR:]HOSTPORT:GUESTPORT (ADDR: 127.0.0.1); repeat for more",
         cxxopts::value<std::string>(), "SPEC")
        ("mount", "Share a host directory with the guest (9p; GUESTDIR defaults to HOSTDIR; :ro read-only); "
                  "repeat for more", cxxopts::value<std::string>(), "HOSTDIR[:GUESTDIR][:ro]")
        ("start", "Start the instance once it is created")
        ("wait", "With --start: return once it is ready (its SSH answers), showing the boot's progress")
        ("wait-timeout", "Seconds --wait waits (default " + std::to_string(default_ready_wait.count()) + ")",
         cxxopts::value<std::string>(), "SECONDS");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    for (const char* required : {"name", "network-id", "image-id"}) {
      if (!parsed.count(required)) {
        return error::invalid_argument("missing required option --" + std::string(required));
      }
    }
    auto chosen = take_settings(parsed);
    if (!chosen) return chosen.error();
    if (auto checked = take_optional(parsed); !checked) return checked;
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    name_ = parsed["name"].as<std::string>();
    network_ = parsed["network-id"].as<std::string>();
    image_ = parsed["image-id"].as<std::string>();
    // Every --identity-id and --identity in the order given (the parse result keeps only the
    // last value of a repeated option; its argument list keeps them all).
    for (const auto& given : parsed.arguments()) {
      if (given.key() == "identity-id") identities_.push_back(given.value());
      if (given.key() == "forward") forwards_.push_back(given.value());
      if (given.key() == "mount") {
        auto m = absolute_mount(given.value());
        if (!m) return m.error();
        mounts_.push_back(*m);
      }
    }
    no_identity_ = parsed.count("no-identity") > 0;
    if (no_identity_ && !identities_.empty()) return error::invalid_argument("give --identity-id or --no-identity, not both");
    settings_ = *chosen;
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    nlohmann::json body{
        {"name", name_}, {"network", network_}, {"image", image_}, {"identities", identities_}};
    add_to_body(settings_, body);
    if (static_ip4_) body["static_ip4"] = *static_ip4_;
    if (no_identity_) body["no_identity"] = true;
    if (bootstrapper_) body["bootstrapper"] = *bootstrapper_;
    if (disk_size_) body["disk_size"] = *disk_size_;
    if (!forwards_.empty()) body["forwards"] = forwards_;
    if (!mounts_.empty()) body["mounts"] = mounts_;
    if (cloud_init_) {
      auto text = read_user_data_file(*cloud_init_);
      if (!text) return text.error();
      body["cloud_init"] = std::move(*text);
    }
    if (ignition_) {
      auto text = read_user_data_file(*ignition_, "--ignition");
      if (!text) return text.error();
      body["ignition"] = std::move(*text);
    }
    api.set_read_timeout(create_read_timeout);
    auto created = api.post("/instances", body);
    if (!created) return created.error();
    if (!start_ && format_ == output_format::json) {
      print_json(out, *created);
    } else if (format_ != output_format::json) {
      out << "Created instance with id " << text_of(*created, "id") << '\n' << std::flush;
    }
    if (!start_) return ok_status();
    return start_and_wait(api, out, err);
  }

 private:
  // --start [--wait]: the instance as started (or once ready) with -o json, else a line.
  status start_and_wait(api_client& api, std::ostream& out, std::ostream& err) {
    api.set_read_timeout(start_read_timeout);
    auto started = api.post("/instances/" + percent_encode(name_) + "/start", nlohmann::json::object());
    if (!started) return started.error();
    api.set_read_timeout(api_client::default_read_timeout);
    if (!wait_) {
      if (format_ == output_format::json) {
        print_json(out, *started);
      } else {
        out << "Started instance " << name_ << " (pid " << text_of(*started, "pid") << ")\n";
      }
      return ok_status();
    }
    auto ready = wait_until_ready(api, name_, wait_limit_, err, task::real_wait_env());
    if (!ready) return ready.error();
    if (format_ == output_format::json) {
      print_json(out, *ready);
    } else {
      out << name_ << " is ready (after " << text_of(*ready, "ready_after_s") << " s): kaso instance shell " << name_
          << '\n';
    }
    return ok_status();
  }

  // --static-ip4, -b and -s.
  status take_optional(const cxxopts::ParseResult& parsed) {
    if (parsed.count("static-ip4")) {
      static_ip4_ = parsed["static-ip4"].as<std::string>();
      if (!network::is_ip4(*static_ip4_)) {
        return error::invalid_argument("--static-ip4 must be an IPv4 address, got '" +
                                       *static_ip4_ + "'");
      }
    }
    if (parsed.count("bootstrapper")) {
      bootstrapper_ = parsed["bootstrapper"].as<std::string>();
      if (std::find(std::begin(bootstrappers), std::end(bootstrappers), *bootstrapper_) ==
          std::end(bootstrappers)) {
        return error::invalid_argument("unknown bootstrapper '" + *bootstrapper_ +
                                       "' (use ci, ci-disk, ignition or none)");
      }
    }
    if (parsed.count("size")) {
      auto bytes = parse_size("--size", parsed["size"].as<std::string>());
      if (!bytes) return bytes.error();
      disk_size_ = *bytes;
    }
    if (parsed.count("cloud-init")) cloud_init_ = parsed["cloud-init"].as<std::string>();
    if (parsed.count("ignition")) ignition_ = parsed["ignition"].as<std::string>();
    if (cloud_init_ && ignition_) return error::invalid_argument("give --cloud-init or --ignition, not both");
    start_ = parsed.count("start") > 0;
    wait_ = parsed.count("wait") > 0;
    if (wait_ && !start_) return error::invalid_argument("--wait goes with --start");
    if (parsed.count("wait-timeout")) {
      if (!wait_) return error::invalid_argument("--wait-timeout goes with --wait");
      auto s = parse_count("--wait-timeout", parsed["wait-timeout"].as<std::string>(), 1, max_ready_wait_s);
      if (!s) return s.error();
      wait_limit_ = std::chrono::seconds(*s);
    }
    return ok_status();
  }

  std::string name_;
  std::string network_;
  std::string image_;
  std::vector<std::string> identities_;
  bool no_identity_ = false;
  std::vector<std::string> forwards_, mounts_;
  settings settings_;
  std::optional<std::string> static_ip4_;
  std::optional<std::string> bootstrapper_;
  std::optional<std::uint64_t> disk_size_;
  std::optional<std::string> cloud_init_, ignition_;
  bool start_ = false, wait_ = false;
  std::chrono::seconds wait_limit_ = default_ready_wait;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_create() { return std::make_unique<create>(); }

}  // namespace kaso::cli::instance
