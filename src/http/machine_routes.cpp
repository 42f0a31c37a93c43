// /api/v1/networks and /api/v1/instances: network and instance commands and queries. Bodies are
// read strictly (unknown keys, wrong types and absurd numbers are refused here, before any actor
// sees them); everything that needs state is checked by the deciders.
#include <charconv>

#include "bootstrap/user_data.hpp"
#include "platform/file_io.hpp"
#include "domain/instance.hpp"
#include "guest/console_log.hpp"
#include "http/actor_answer.hpp"
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

constexpr std::uint64_t max_count = std::uint64_t{1} << 50;

result<std::optional<std::uint64_t>> optional_number(const nlohmann::json& body, const char* key,
                                                     std::uint64_t max = max_count) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::uint64_t>{};
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::uint64_t>() > max) {
    return error::invalid_argument(std::string("'") + key + "' must be an integer from 0 to " + std::to_string(max));
  }
  return std::optional<std::uint64_t>{it->get<std::uint64_t>()};
}

result<std::optional<bool>> optional_bool(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<bool>{};
  if (!it->is_boolean()) return error::invalid_argument(std::string("'") + key + "' must be true or false");
  return std::optional<bool>{it->get<bool>()};
}

// Reads each listed string member into its target.
status read_strings(const nlohmann::json& body,
                    std::initializer_list<std::pair<const char*, std::optional<std::string>*>> wanted) {
  for (auto [key, out] : wanted) {
    auto v = optional_string(body, key);
    if (!v.ok()) return v.error();
    *out = std::move(v.value());
  }
  return ok_status();
}

result<domain::network_fields> read_network(const httplib::Request& req, bool with_kind) {
  auto body = with_kind ? parse_object(req, {"name", "kind", "cidr", "dhcp_start", "dhcp_end", "gateway",
                                             "nameserver", "host_interface", "host_ip4", "bridge"})
                        : parse_object(req, {"name", "cidr", "dhcp_start", "dhcp_end", "gateway", "nameserver",
                                             "host_interface", "host_ip4", "bridge"});
  if (!body.ok()) return body.error();
  domain::network_fields f;
  auto s = read_strings(*body, {{"name", &f.name}, {"kind", &f.kind}, {"cidr", &f.cidr}, {"dhcp_start", &f.dhcp_start},
                                {"dhcp_end", &f.dhcp_end}, {"gateway", &f.gateway}, {"nameserver", &f.nameserver},
                                {"host_interface", &f.host_interface}, {"host_ip4", &f.host_ip4}, {"bridge", &f.bridge}});
  if (!s.ok()) return s.error();
  return f;
}

// The autostart flag and the restart policy's members, as given, into `c`.
status read_supervision(const nlohmann::json& body, domain::instance_changes& c) {
  auto autostart = optional_bool(body, "autostart");
  if (!autostart.ok()) return autostart.error();
  c.autostart = *autostart;
  std::optional<std::string> restart;
  if (auto s = read_strings(body, {{"restart", &restart}}); !s.ok()) return s.error();
  if (restart) {
    auto mode = domain::parse_restart_mode(*restart);
    if (!mode.ok()) return mode.error();
    c.restart = *mode;
  }
  struct bounded {
    const char* key;
    std::uint64_t max;
  };
  for (auto [key, max] : {bounded{"restart_limit", 1000}, bounded{"restart_window", 86400},
                          bounded{"restart_backoff_ms", 3600000}, bounded{"restart_backoff_max_ms", 3600000}}) {
    auto v = optional_number(body, key, max);
    if (!v.ok()) return v.error();
    if (!*v) continue;
    std::string k = key;
    if (k == "restart_limit") c.restart_limit = static_cast<unsigned>(**v);
    if (k == "restart_window") c.restart_window = static_cast<unsigned>(**v);
    if (k == "restart_backoff_ms") c.restart_backoff_ms = **v;
    if (k == "restart_backoff_max_ms") c.restart_backoff_max_ms = **v;
  }
  return ok_status();
}

// body[key], a list of at most `max` strings, each read by `parse` into `out`.
template <class T>
status read_list(const nlohmann::json& body, const char* key, std::size_t max, const char* example,
                 result<T> (*parse)(std::string_view), std::vector<T>& out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return ok_status();
  if (!it->is_array() || it->size() > max) {
    return error::invalid_argument(std::string("'") + key + "' must be a list of up to " + std::to_string(max) + " strings");
  }
  for (const auto& spec : *it) {
    if (!spec.is_string()) return error::invalid_argument(std::string("'") + key + "' holds strings such as \"" + example + "\"");
    auto v = parse(spec.get<std::string>());
    if (!v.ok()) return v.error();
    out.push_back(std::move(*v));
  }
  return ok_status();
}

// The body {"KEY": "SPEC"} of adding a forward or a mount: the spec, or what is wrong.
result<std::string> read_spec(const httplib::Request& req, const char* key, const char* example) {
  auto body = parse_object(req, {key});
  if (!body.ok()) return body.error();
  auto spec = optional_string(*body, key);
  if (!spec.ok()) return spec.error();
  if (!*spec) return error::invalid_argument(std::string("give the '") + key + "', e.g. \"" + example + "\"");
  return **spec;
}

// A shared directory is one the caller may read (and write, unless read-only): checked with the
// caller's rights, as --file imports are. What is shared is the directory checked, its links
// resolved (and its name checked again).
result<domain::guest_mount> shareable(std::int64_t uid, const domain::guest_mount& m) {
  auto real = platform::check_directory_for(uid, m.host_path, !m.readonly);
  if (!real.ok()) return real.error();
  auto resolved = m;
  resolved.host_path = real->string();
  return domain::parse_guest_mount(domain::to_string(resolved));
}

result<actors::instance_request> read_instance(const httplib::Request& req) {
  auto body = parse_object(req, {"name", "vcpu", "ram", "display", "network", "image", "identities", "static_ip4",
                                 "bootstrapper", "disk_size", "autostart", "restart", "restart_limit", "restart_window",
                                 "restart_backoff_ms", "restart_backoff_max_ms", "cloud_init", "ignition", "forwards",
                                 "mounts", "no_identity"});
  if (!body.ok()) return body.error();
  actors::instance_request r;
  auto no_identity = optional_bool(*body, "no_identity");
  if (!no_identity.ok()) return no_identity.error();
  r.no_identity = no_identity->value_or(false);
  std::optional<std::string> name, network, image, static_ip4, bootstrapper;
  auto s = read_strings(*body, {{"name", &name}, {"network", &network}, {"image", &image}, {"static_ip4", &static_ip4},
                                {"display", &r.display}, {"bootstrapper", &bootstrapper}});
  if (!s.ok()) return s.error();
  if (bootstrapper) {
    auto b = domain::parse_bootstrapper(*bootstrapper);
    if (!b.ok()) return b.error();
    r.bootstrapper = *b;
  }
  if (!name) return error::invalid_argument("an instance needs a name");
  if (!network) return error::invalid_argument("an instance needs a network");
  if (!image) return error::invalid_argument("an instance needs an image");
  r.name = *name;
  r.network = *network;
  r.image = *image;
  r.static_ip4 = static_ip4.value_or("");
  auto vcpu = optional_number(*body, "vcpu", 4096);
  auto ram = optional_number(*body, "ram", std::uint64_t{1} << 30);
  auto disk = optional_number(*body, "disk_size");
  for (const auto* v : {&vcpu, &ram, &disk}) {
    if (!v->ok()) return v->error();
  }
  if (*vcpu) r.vcpu = static_cast<unsigned>(**vcpu);
  r.ram_mb = *ram;
  r.disk_size = *disk;
  domain::instance_changes given;
  if (auto v = read_supervision(*body, given); !v.ok()) return v.error();
  r.autostart = given.autostart.value_or(false);
  if (given.restart) r.restart.mode = *given.restart;
  if (given.restart_limit) r.restart.max_restarts = *given.restart_limit;
  if (given.restart_window) r.restart.window_s = *given.restart_window;
  if (given.restart_backoff_ms) r.restart.backoff_ms = *given.restart_backoff_ms;
  if (given.restart_backoff_max_ms) r.restart.backoff_max_ms = *given.restart_backoff_max_ms;
  std::optional<std::string> user_data, ignition;
  if (auto s = read_strings(*body, {{"cloud_init", &user_data}, {"ignition", &ignition}}); !s.ok()) return s.error();
  if (user_data && ignition) return error::invalid_argument("give 'cloud_init' or 'ignition', not both");
  if (ignition) {
    if (auto v = bootstrap::check_ignition(*ignition); !v.ok()) return v.error();
    r.user_data = std::move(*ignition);
    r.user_data_kind = "ignition";
  }
  if (user_data) {
    auto kind = bootstrap::check_user_data(*user_data);
    if (!kind.ok()) return kind.error();
    r.user_data = std::move(*user_data);
    r.user_data_kind = std::string(bootstrap::to_string(*kind));
  }
  if (auto v = read_list(*body, "mounts", domain::max_guest_mounts, "/home/me/src:/src:ro", domain::parse_guest_mount,
                         r.mounts);
      !v.ok()) {
    return v.error();
  }
  if (auto v = read_list(*body, "forwards", domain::max_port_forwards, "8080:80", domain::parse_port_forward, r.forwards);
      !v.ok()) {
    return v.error();
  }
  if (auto it = body->find("identities"); it != body->end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 64) return error::invalid_argument("'identities' must be a list of up to 64 names or ids");
    for (const auto& ref : *it) {
      if (!ref.is_string() && !ref.is_number_unsigned()) return error::invalid_argument("'identities' holds names or ids");
      r.identities.push_back(ref.is_string() ? ref.get<std::string>() : std::to_string(ref.get<std::uint64_t>()));
    }
  }
  return r;
}

result<domain::modify_instance> read_instance_changes(const httplib::Request& req, std::string ref) {
  auto body = parse_object(req, {"name", "vcpu", "ram", "display", "autostart", "restart", "restart_limit",
                                 "restart_window", "restart_backoff_ms", "restart_backoff_max_ms"});
  if (!body.ok()) return body.error();
  domain::modify_instance m;
  m.ref = std::move(ref);
  auto s = read_strings(*body, {{"name", &m.changes.name}, {"display", &m.changes.display}});
  if (!s.ok()) return s.error();
  auto vcpu = optional_number(*body, "vcpu", 4096);
  if (!vcpu.ok()) return vcpu.error();
  if (*vcpu) m.changes.vcpu = static_cast<unsigned>(**vcpu);
  auto ram = optional_number(*body, "ram", std::uint64_t{1} << 30);
  if (!ram.ok()) return ram.error();
  m.changes.ram_mb = *ram;
  if (auto v = read_supervision(*body, m.changes); !v.ok()) return v.error();
  return m;
}

// {timeout?: seconds, force?: bool}; an empty body means the defaults.
result<actors::stop_request> read_stop(const httplib::Request& req, std::string ref) {
  actors::stop_request r{std::move(ref)};
  if (req.body.empty()) return r;
  auto body = parse_object(req, {"timeout", "force"});
  if (!body.ok()) return body.error();
  auto timeout = optional_number(*body, "timeout", 3600);
  if (!timeout.ok()) return timeout.error();
  auto force = optional_bool(*body, "force");
  if (!force.ok()) return force.error();
  if (*timeout) r.timeout_s = static_cast<unsigned>(**timeout);
  r.force = force->value_or(false);
  return r;
}

// How long an HTTP thread waits for a stop: the guest's grace, then quit and kill.
caf::timespan stop_bound(const actors::stop_request& r) {
  return actors::timeouts::api_stop(std::chrono::seconds(r.timeout_s));
}

// `GET .../console-log`: bounded whatever is asked.
constexpr std::uint64_t console_tail_default = 64 * 1024;
constexpr std::uint64_t console_tail_max = 4 * 1024 * 1024;
constexpr std::uint64_t console_from_max = 1024 * 1024;

result<std::optional<std::uint64_t>> console_param(const httplib::Request& req, const char* key, std::uint64_t max) {
  if (!req.has_param(key)) return std::optional<std::uint64_t>{};
  auto text = req.get_param_value(key);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) {
    return error::invalid_argument(std::string("'") + key + "' must be an integer from 0 to " + std::to_string(max));
  }
  return std::optional<std::uint64_t>{v};
}

// The instance's console log, read by this HTTP thread (the instance manager only says where it is).
void answer_console_log(const api_context& ctx, const request_context& rc, httplib::Response& res) {
  auto tail = console_param(rc.req, "tail", console_tail_max);
  if (!tail.ok()) return write_error(res, tail.error());
  auto from = console_param(rc.req, "from", std::numeric_limits<std::uint64_t>::max());
  if (!from.ok()) return write_error(res, from.error());
  auto vm = actors::ask<actors::json_text>(*ctx.sys, ctx.supervisor, actors::get_atom_v, actors::instances_atom_v, rc.param);
  if (!vm.ok()) return write_error(res, vm.error());
  auto path = nlohmann::json::parse(*vm.value(), nullptr, false).value("path", std::string());
  if (path.empty()) return write_error(res, error::internal("the instance has no directory"));
  auto log = domain::files_of(path).console_log;
  std::uint64_t end = 0;
  auto bytes = *from ? guest::read_console_from(log, **from, console_from_max, end)
                     : guest::read_console_tail(log, tail->value_or(console_tail_default), end);
  if (!bytes.ok()) return write_error(res, bytes.error());
  res.status = 200;
  res.set_header("X-Kaso-Console-End", std::to_string(end));
  res.set_content(std::move(*bytes), "application/octet-stream");
}

}  // namespace

std::vector<route> machine_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/networks",
       [=](const request_context&, httplib::Response& res) { answer(ctx, res, 200, actors::list_atom_v, actors::networks_atom_v); }},
      {"POST", "/api/v1/networks",
       [=](const request_context& rc, httplib::Response& res) {
         auto f = read_network(rc.req, true);
         if (!f.ok()) return write_error(res, f.error());
         answer(ctx, res, 201, domain::create_network{std::move(*f)}, rc.who);
       }},
      {"GET", "/api/v1/networks/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::get_atom_v, actors::networks_atom_v, rc.param);
       }},
      {"PATCH", "/api/v1/networks/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         auto f = read_network(rc.req, false);
         if (!f.ok()) return write_error(res, f.error());
         answer(ctx, res, 200, domain::modify_network{rc.param, std::move(*f)}, rc.who);
       }},
      {"DELETE", "/api/v1/networks/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, domain::remove_network{rc.param}, rc.who);
       }},
      {"GET", "/api/v1/instances",
       [=](const request_context&, httplib::Response& res) { answer(ctx, res, 200, actors::list_atom_v, actors::instances_atom_v); }},
      {"POST", "/api/v1/instances",
       [=](const request_context& rc, httplib::Response& res) {
         auto r = read_instance(rc.req);
         if (!r.ok()) return write_error(res, r.error());
         for (auto& m : r->mounts) {
           auto checked = shareable(rc.who.uid, m);
           if (!checked.ok()) return write_error(res, checked.error());
           m = *checked;
         }
         answer_within(ctx, actors::timeouts::api_create, res, 201, std::move(*r), rc.who);
       }},
      {"GET", "/api/v1/instances/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::get_atom_v, actors::instances_atom_v, rc.param);
       }},
      {"PATCH", "/api/v1/instances/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         auto m = read_instance_changes(rc.req, rc.param);
         if (!m.ok()) return write_error(res, m.error());
         answer(ctx, res, 200, std::move(*m), rc.who);
       }},
      {"DELETE", "/api/v1/instances/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         auto force = rc.req.get_param_value("force");
         if (!force.empty() && force != "true" && force != "false") {
           return write_error(res, error::invalid_argument("force must be true or false"));
         }
         answer_long(ctx, rc, actors::timeouts::api_remove, res, 200, "remove",
                     actors::remove_instance_request{rc.param, force == "true"}, rc.who);
       }},
      {"POST", "/api/v1/instances/{ref}/start",
       [=](const request_context& rc, httplib::Response& res) {
         answer_long(ctx, rc, actors::timeouts::api_start, res, 200, "start", actors::start_atom_v, rc.param, rc.who);
       }},
      {"POST", "/api/v1/instances/{ref}/stop",
       [=](const request_context& rc, httplib::Response& res) {
         auto r = read_stop(rc.req, rc.param);
         if (!r.ok()) return write_error(res, r.error());
         auto bound = stop_bound(*r);
         answer_long(ctx, rc, bound, res, 200, "stop", std::move(*r), rc.who);
       }},
      {"POST", "/api/v1/instances/{ref}/restart",
       [=](const request_context& rc, httplib::Response& res) {
         auto r = read_stop(rc.req, rc.param);
         if (!r.ok()) return write_error(res, r.error());
         auto bound = actors::timeouts::api_restart(std::chrono::seconds(r->timeout_s));
         answer_long(ctx, rc, bound, res, 200, "restart", actors::restart_atom_v, std::move(*r), rc.who);
       }},
      {"POST", "/api/v1/instances/{ref}/forwards",
       [=](const request_context& rc, httplib::Response& res) {
         auto spec = read_spec(rc.req, "forward", "8080:80");
         if (!spec.ok()) return write_error(res, spec.error());
         auto f = domain::parse_port_forward(*spec);
         if (!f.ok()) return write_error(res, f.error());
         answer(ctx, res, 200, domain::add_forward{rc.param, *f}, rc.who);
       }},
      {"DELETE", "/api/v1/instances/{ref}/forwards",
       [=](const request_context& rc, httplib::Response& res) {
         auto f = domain::parse_port_forward_host(rc.req.get_param_value("forward"));
         if (!f.ok()) return write_error(res, f.error());
         answer(ctx, res, 200, domain::remove_forward{rc.param, *f}, rc.who);
       }},
      {"POST", "/api/v1/instances/{ref}/mounts",
       [=](const request_context& rc, httplib::Response& res) {
         auto spec = read_spec(rc.req, "mount", "/home/me/src:/src:ro");
         if (!spec.ok()) return write_error(res, spec.error());
         auto m = domain::parse_guest_mount(*spec);
         if (!m.ok()) return write_error(res, m.error());
         auto checked = shareable(rc.who.uid, *m);
         if (!checked.ok()) return write_error(res, checked.error());
         answer(ctx, res, 200, domain::add_mount{rc.param, *checked}, rc.who);
       }},
      {"DELETE", "/api/v1/instances/{ref}/mounts",
       [=](const request_context& rc, httplib::Response& res) {
         auto guest_path = rc.req.get_param_value("mount");
         if (guest_path.empty()) return write_error(res, error::invalid_argument("give the guest directory: ?mount=GUESTDIR"));
         if (guest_path.size() > 1 && guest_path.back() == '/') guest_path.pop_back();
         answer(ctx, res, 200, domain::remove_mount{rc.param, guest_path}, rc.who);
       }},
      {"GET", "/api/v1/instances/{ref}/console-log",
       [=](const request_context& rc, httplib::Response& res) { answer_console_log(ctx, rc, res); }},
  };
}

}  // namespace kaso::http
