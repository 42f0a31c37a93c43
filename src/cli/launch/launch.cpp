// kaso launch [IMAGE] [-n NAME] [--vcpu N] [--ram MB] [-s SIZE] [--network REF] [--identity REF]...
// [-b {ci,ci-disk}] [--cloud-init FILE] [--mount HOSTDIR[:GUESTDIR][:ro]]... [--wait-timeout SECONDS]:
// from nothing to a ready instance in one command (issue #17), as
// `multipass launch` and `limactl start` do. In order, each step saying on stderr what it does:
//
//   step      | what                                                       | when
//   ----------+------------------------------------------------------------+----------------------
//   image     | IMAGE as a file: imported as an image named after the file | not yet an image of
//             | (reused when one of that name exists); else an existing    | that name
//             | image; else a catalogue entry, downloaded with progress    |
//             | (default: ubuntu-noble)                                    |
//   identity  | --identity as given; else the identity holding the user's  | no --identity
//             | ~/.ssh/id_ed25519.pub (id_ecdsa, id_rsa), made once and     |
//             | named after the login user (launch_plan.hpp)               |
//   instance  | created (name: -n, else "primary", "primary-2", ...) on    |
//             | --network (default_host_network), then started             |
//   ready     | waited for with the boot's progress (readiness.hpp)        |
//
// Then "Launched NAME (ready after S s)" and how to get in. A step that fails is the usual one
// line and exit 1; what the earlier steps made stays (and the line says what was left).
#include <cstdlib>
#include <fstream>

#include "cli/instance/mount_option.hpp"
#include "cli/instance/option_values.hpp"
#include "cli/instance/readiness.hpp"
#include "cli/instance/settings.hpp"
#include "cli/instance/user_data_file.hpp"
#include "cli/launch/launch_plan.hpp"
#include "cli/launch/verbs.hpp"
#include "cli/output.hpp"
#include "cli/task/wait.hpp"
#include "cli/url.hpp"

namespace kaso::cli::launch {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds create_read_timeout{7 * 60};
constexpr std::chrono::seconds start_read_timeout{150};

std::string environment(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

class launch final : public command {
 public:
  explicit launch(task::wait_env env) : command("", "launch", "Create and start an instance, ready to log in to"), env_(std::move(env)) {}

  std::string synopsis() const override {
    return "[IMAGE] [-n NAME] [--vcpu N] [--ram MB] [-s SIZE] [--network REF] [--identity REF]... "
           "[-b {ci,ci-disk}] [--cloud-init FILE] [--mount HOSTDIR[:GUESTDIR][:ro]]... [--wait-timeout SECONDS]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()("n,name", "The instance name (default: primary, or primary-2, ...)",
                          cxxopts::value<std::string>(), "NAME")(
        "vcpu", "Virtual CPUs (default: the server's)", cxxopts::value<std::string>(), "N")(
        "ram", "RAM in MB (default: the server's)", cxxopts::value<std::string>(), "MB")(
        "s,size", "OS disk size: 5G, 512M, 1T or bytes (default: the server's)", cxxopts::value<std::string>(), "SIZE")(
        "network", "The network (default: default_host_network)", cxxopts::value<std::string>(), "REF")(
        "identity", "An identity allowed in; repeat for more (default: one holding your ~/.ssh public key)",
        cxxopts::value<std::string>(), "REF")(
        "mount", "Share a host directory with the guest (GUESTDIR defaults to HOSTDIR; :ro read-only); repeat for more",
        cxxopts::value<std::string>(), "HOSTDIR[:GUESTDIR][:ro]")(
        "b,bootstrapper", "ci-disk (a seed disk, the default) or ci (seeded over the network by kaso)",
        cxxopts::value<std::string>(), "BOOTSTRAPPER")(
        "cloud-init", "Your own cloud-init user-data (#cloud-config or a script), merged with kaso's",
        cxxopts::value<std::string>(), "FILE")(
        "wait-timeout", "Seconds to wait for the instance to be ready (default " +
                            std::to_string(instance::default_ready_wait.count()) + ")",
        cxxopts::value<std::string>(), "SECONDS");
    options.add_options("positional")("image", "A catalogue name, an image (name or id) or an image file",
                                      cxxopts::value<std::string>());
    options.parse_positional({"image"});
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    if (parsed.count("image")) image_ = parsed["image"].as<std::string>();
    if (image_.empty()) return error::invalid_argument("IMAGE must not be empty");
    if (parsed.count("name")) name_ = parsed["name"].as<std::string>();
    if (parsed.count("network")) network_ = parsed["network"].as<std::string>();
    if (parsed.count("cloud-init")) cloud_init_ = parsed["cloud-init"].as<std::string>();
    if (parsed.count("bootstrapper")) {
      bootstrapper_ = parsed["bootstrapper"].as<std::string>();
      if (*bootstrapper_ != "ci" && *bootstrapper_ != "ci-disk") {
        return error::invalid_argument("launch needs a bootstrapper that brings up SSH with your key: ci-disk or ci");
      }
    }
    for (const auto& given : parsed.arguments()) {
      if (given.key() == "identity") identities_.push_back(given.value());
      if (given.key() == "mount") {
        auto m = instance::absolute_mount(given.value());
        if (!m) return m.error();
        mounts_.push_back(*m);
      }
    }
    if (parsed.count("vcpu")) {
      auto n = instance::parse_count("--vcpu", parsed["vcpu"].as<std::string>(), 1, 4096);
      if (!n) return n.error();
      vcpu_ = *n;
    }
    if (parsed.count("ram")) {
      auto n = instance::parse_count("--ram", parsed["ram"].as<std::string>(), 1, std::uint64_t{1} << 30);
      if (!n) return n.error();
      ram_ = *n;
    }
    if (parsed.count("size")) {
      auto bytes = instance::parse_size("--size", parsed["size"].as<std::string>());
      if (!bytes) return bytes.error();
      size_ = *bytes;
    }
    if (parsed.count("wait-timeout")) {
      auto s = instance::parse_count("--wait-timeout", parsed["wait-timeout"].as<std::string>(), 1,
                                     instance::max_ready_wait_s);
      if (!s) return s.error();
      limit_ = std::chrono::seconds(*s);
    }
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    std::optional<std::string> user_data;
    if (cloud_init_) {  // read first: a bad file changes nothing on the server
      auto text = instance::read_user_data_file(*cloud_init_);
      if (!text) return text.error();
      user_data = std::move(*text);
    }
    auto image = image_of(api, err);
    if (!image) return image.error();
    if (identities_.empty()) {
      auto mine = default_identity(api, err);
      if (!mine) return mine.error();
      identities_.push_back(*mine);
    }
    if (!name_) {
      auto instances = api.get("/instances");
      if (!instances) return instances.error();
      name_ = free_instance_name(*instances);
    }
    nlohmann::json body{{"name", *name_}, {"image", *image}, {"network", network_}, {"identities", identities_}};
    if (vcpu_) body["vcpu"] = *vcpu_;
    if (ram_) body["ram"] = *ram_;
    if (size_) body["disk_size"] = *size_;
    if (bootstrapper_) body["bootstrapper"] = *bootstrapper_;
    if (user_data) body["cloud_init"] = *user_data;
    if (!mounts_.empty()) body["mounts"] = mounts_;
    err << "Creating instance " << *name_ << " from image " << *image << '\n' << std::flush;
    api.set_read_timeout(create_read_timeout);
    auto created = api.post("/instances", body);
    if (!created) return created.error();
    api.set_read_timeout(start_read_timeout);
    auto started = api.post("/instances/" + percent_encode(*name_) + "/start", nlohmann::json::object());
    if (!started) return left_behind(started.error(), "created but not started");
    api.set_read_timeout(api_client::default_read_timeout);
    auto ready = instance::wait_until_ready(api, *name_, limit_, err, env_);
    if (!ready) return left_behind(ready.error(), "running");
    out << "Launched " << *name_ << " (ready after " << text_of(*ready, "ready_after_s") << " s)\n"
        << "Get in with: kaso instance shell " << *name_ << '\n';
    return ok_status();
  }

 private:
  status left_behind(const error& e, const std::string& how) const {
    return error(e.code(), e.message() + " (instance " + *name_ + " is " + how + "; kaso instance remove " + *name_ +
                               " --force removes it)");
  }

  // The image to create the instance from, made first when IMAGE is a file or a catalogue entry.
  result<std::string> image_of(api_client& api, std::ostream& err) {
    if (names_a_file(image_)) {
      auto name = image_name_for_file(image_);
      if (api.get("/images/" + percent_encode(name))) {
        err << "Using image " << name << " (already imported; kaso image remove " << name << " to import the file again)\n";
        return name;
      }
      std::error_code ec;
      auto path = fs::absolute(image_, ec).lexically_normal();
      err << "Importing " << path.string() << " as image " << name << '\n' << std::flush;
      if (auto made = make_image({{"name", name}, {"file", path.string()}}, api, err); !made) return made.error();
      return name;
    }
    if (api.get("/images/" + percent_encode(image_))) return image_;
    auto catalogue = api.get("/images/catalogue");
    if (!catalogue) return catalogue.error();
    bool listed = catalogue->is_array() && std::any_of(catalogue->begin(), catalogue->end(), [&](const nlohmann::json& e) {
                    return e.value("name", "") == image_;
                  });
    if (!listed) {
      return error::not_found("'" + image_ + "' is no image, no file and no catalogue entry (kaso image catalogue " +
                              "lists what can be downloaded)");
    }
    err << "Downloading " << image_ << " from the catalogue\n" << std::flush;
    if (auto made = make_image({{"name", image_}, {"predefined", image_}}, api, err); !made) return made.error();
    return image_;
  }

  status make_image(const nlohmann::json& body, api_client& api, std::ostream& err) {
    auto started = api.post("/images", body);
    if (!started) return started.error();
    auto end = task::wait_for_task(api, *started, err, env_);
    if (!end) return end.error();
    if (end->ended == task::task_end::how::completed) return ok_status();
    auto message = text_of(end->task, "message");
    return error(errc::internal, "image " + body["name"].get<std::string>() + ": " +
                                     (message.empty() ? "the task did not complete" : message));
  }

  // The identity holding the user's own public key, made once.
  result<std::string> default_identity(api_client& api, std::ostream& err) {
    auto key_file = default_public_key(environment("HOME"));
    if (!key_file) {
      return error::not_found("no SSH public key in ~/.ssh (id_ed25519.pub, id_ecdsa.pub, id_rsa.pub) to log in with: "
                              "make one with ssh-keygen -t ed25519, or give --identity NAME");
    }
    std::ifstream in(*key_file);
    std::string line;
    std::getline(in, line);
    if (key_material(line).empty()) return error::invalid_argument(key_file->string() + " holds no SSH public key");
    auto identities = api.get("/identities");
    if (!identities) return identities.error();
    if (auto id = identity_with_key(*identities, line)) return *id;
    auto name = identity_name_for(environment("USER").empty() ? environment("LOGNAME") : environment("USER"));
    auto made = api.post("/identities", {{"name", name}, {"public_key", line}});
    if (!made) {
      return error(made.error().code(), "cannot make an identity from " + key_file->string() + ": " +
                                            made.error().message() + " (give --identity NAME)");
    }
    err << "Created identity " << name << " from " << key_file->string() << ": log in to the instance as " << name
        << '\n';
    return text_of(*made, "id");
  }

  task::wait_env env_;
  std::string image_ = default_image;
  std::optional<std::string> name_;
  std::string network_ = "default_host_network";
  std::vector<std::string> identities_, mounts_;
  std::optional<std::uint64_t> vcpu_, ram_, size_;
  std::optional<std::string> cloud_init_, bootstrapper_;
  std::chrono::seconds limit_ = instance::default_ready_wait;
};

}  // namespace

std::unique_ptr<command> make_launch(task::wait_env env) { return std::make_unique<launch>(std::move(env)); }

}  // namespace kaso::cli::launch
