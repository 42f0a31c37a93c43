#include "domain/snapshot.hpp"

#include <limits>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kaso::domain {
namespace {

using nlohmann::json;

// One member of a struct: its name in a snapshot and where it lives.
template <class S, class T>
struct member {
  const char* name;
  T S::*pointer;
};
template <class S, class T>
member(const char*, T S::*) -> member<S, T>;

template <class S>
using of = std::type_identity<S>;

// Every member of every projection struct, in declaration order, one line each. A member added to
// one of these structs is added here (its name is the snapshot's key), and fold_version is
// bumped (snapshot.hpp). A struct whose member count differs from its list does not compile (see
// checked_members below); a new struct type used in a projection needs its own list here.

constexpr auto members(of<identity>) {
  return std::tuple{member{"id", &identity::id},
                    member{"name", &identity::name},
                    member{"kind", &identity::kind},
                    member{"public_key", &identity::public_key},
                    member{"key_type", &identity::key_type},
                    member{"fingerprint", &identity::fingerprint},
                    member{"password_hash", &identity::password_hash},
                    member{"gecos", &identity::gecos},
                    member{"homedir", &identity::homedir},
                    member{"shell", &identity::shell},
                    member{"version", &identity::version},
                    member{"created_us", &identity::created_us},
                    member{"modified_us", &identity::modified_us},
                    member{"used_by", &identity::used_by}};
}

constexpr auto members(of<identities>) {
  return std::tuple{member{"by_id", &identities::by_id},
                    member{"id_by_name", &identities::id_by_name},
                    member{"next_id", &identities::next_id},
                    member{"instance_names", &identities::instance_names}};
}

constexpr auto members(of<image_source>) {
  return std::tuple{member{"kind", &image_source::kind},
                    member{"url", &image_source::url},
                    member{"predefined", &image_source::predefined},
                    member{"file", &image_source::file}};
}

constexpr auto members(of<image_minimums>) {
  return std::tuple{member{"min_cpu", &image_minimums::min_cpu},
                    member{"min_ram", &image_minimums::min_ram},
                    member{"min_space", &image_minimums::min_space}};
}

constexpr auto members(of<image>) {
  return std::tuple{member{"id", &image::id},
                    member{"used_by", &image::used_by},
                    member{"name", &image::name},
                    member{"path", &image::path},
                    member{"format", &image::format},
                    member{"virtual_size", &image::virtual_size},
                    member{"size", &image::size},
                    member{"sha256", &image::sha256},
                    member{"source", &image::source},
                    member{"minimums", &image::minimums},
                    member{"version", &image::version},
                    member{"created_us", &image::created_us},
                    member{"modified_us", &image::modified_us}};
}

constexpr auto members(of<joined_image>) {
  return std::tuple{member{"name", &joined_image::name},
                    member{"image_id", &joined_image::image_id},
                    member{"minimums", &joined_image::minimums}};
}

constexpr auto members(of<task>) {
  return std::tuple{member{"id", &task::id},
                    member{"kind", &task::kind},
                    member{"state", &task::state},
                    member{"image_name", &task::image_name},
                    member{"image_id", &task::image_id},
                    member{"source", &task::source},
                    member{"sha256", &task::sha256},
                    member{"minimums", &task::minimums},
                    member{"joined", &task::joined},
                    member{"message", &task::message},
                    member{"caller_uid", &task::caller_uid},
                    member{"version", &task::version},
                    member{"created_us", &task::created_us},
                    member{"modified_us", &task::modified_us}};
}

constexpr auto members(of<images>) {
  return std::tuple{member{"by_id", &images::by_id},
                    member{"id_by_name", &images::id_by_name},
                    member{"tasks", &images::tasks},
                    member{"instance_names", &images::instance_names},
                    member{"next_id", &images::next_id},
                    member{"next_task_id", &images::next_task_id}};
}

constexpr auto members(of<network>) {
  return std::tuple{member{"id", &network::id},
                    member{"name", &network::name},
                    member{"kind", &network::kind},
                    member{"cidr", &network::cidr},
                    member{"dhcp_start", &network::dhcp_start},
                    member{"dhcp_end", &network::dhcp_end},
                    member{"gateway", &network::gateway},
                    member{"nameserver", &network::nameserver},
                    member{"host_interface", &network::host_interface},
                    member{"host_ip4", &network::host_ip4},
                    member{"bridge", &network::bridge},
                    member{"used_by", &network::used_by},
                    member{"version", &network::version},
                    member{"created_us", &network::created_us},
                    member{"modified_us", &network::modified_us}};
}

constexpr auto members(of<networks>) {
  return std::tuple{member{"by_id", &networks::by_id},
                    member{"id_by_name", &networks::id_by_name},
                    member{"instance_names", &networks::instance_names},
                    member{"next_id", &networks::next_id}};
}

constexpr auto members(of<phone_home_report>) {
  return std::tuple{member{"hostname", &phone_home_report::hostname},
                    member{"host_keys", &phone_home_report::host_keys},
                    member{"ip", &phone_home_report::ip},
                    member{"time_us", &phone_home_report::time_us}};
}

constexpr auto members(of<guest_mount>) {
  return std::tuple{member{"host_path", &guest_mount::host_path},
                    member{"guest_path", &guest_mount::guest_path},
                    member{"readonly", &guest_mount::readonly},
                    member{"uid", &guest_mount::uid}};
}

constexpr auto members(of<port_forward>) {
  return std::tuple{member{"proto", &port_forward::proto},
                    member{"address", &port_forward::address},
                    member{"host_port", &port_forward::host_port},
                    member{"guest_port", &port_forward::guest_port}};
}

constexpr auto members(of<restart_policy>) {
  return std::tuple{member{"mode", &restart_policy::mode},
                    member{"max_restarts", &restart_policy::max_restarts},
                    member{"window_s", &restart_policy::window_s},
                    member{"backoff_ms", &restart_policy::backoff_ms},
                    member{"backoff_max_ms", &restart_policy::backoff_max_ms}};
}

constexpr auto members(of<instance>) {
  return std::tuple{member{"id", &instance::id},
                    member{"name", &instance::name},
                    member{"path", &instance::path},
                    member{"image_id", &instance::image_id},
                    member{"network_id", &instance::network_id},
                    member{"identity_ids", &instance::identity_ids},
                    member{"vcpu", &instance::vcpu},
                    member{"ram_mb", &instance::ram_mb},
                    member{"disk_size", &instance::disk_size},
                    member{"display", &instance::display},
                    member{"bootstrapper", &instance::bootstrapper},
                    member{"static_ip4", &instance::static_ip4},
                    member{"mac", &instance::mac},
                    member{"ssh_port", &instance::ssh_port},
                    member{"user_data_kind", &instance::user_data_kind},
                    member{"user_data_bytes", &instance::user_data_bytes},
                    member{"forwards", &instance::forwards},
                    member{"mounts", &instance::mounts},
                    member{"autostart", &instance::autostart},
                    member{"restart", &instance::restart},
                    member{"state", &instance::state},
                    member{"pid", &instance::pid},
                    member{"start_time", &instance::start_time},
                    member{"last_exit", &instance::last_exit},
                    member{"message", &instance::message},
                    member{"phone_home", &instance::phone_home},
                    member{"restart_times_us", &instance::restart_times_us},
                    member{"restart_attempt", &instance::restart_attempt},
                    member{"restart_due_us", &instance::restart_due_us},
                    member{"boot_started_us", &instance::boot_started_us},
                    member{"ready_us", &instance::ready_us},
                    member{"ready_after_ms", &instance::ready_after_ms},
                    member{"booted_vcpu", &instance::booted_vcpu},
                    member{"booted_ram_mb", &instance::booted_ram_mb},
                    member{"booted_display", &instance::booted_display},
                    member{"version", &instance::version},
                    member{"created_us", &instance::created_us},
                    member{"modified_us", &instance::modified_us}};
}

constexpr auto members(of<instances>) {
  return std::tuple{member{"by_id", &instances::by_id},
                    member{"id_by_name", &instances::id_by_name},
                    member{"next_id", &instances::next_id}};
}

constexpr auto members(of<machines>) {
  return std::tuple{member{"networks", &machines::networks}, member{"instances", &machines::instances}};
}

constexpr auto members(of<host>) {
  return std::tuple{member{"accelerator", &host::accelerator},
                    member{"accelerator_reason", &host::accelerator_reason},
                    member{"version", &host::version},
                    member{"modified_us", &host::modified_us}};
}

constexpr auto members(of<state>) {
  return std::tuple{member{"last_seq", &state::last_seq},
                    member{"identities", &state::identities},
                    member{"images", &state::images},
                    member{"machines", &state::machines},
                    member{"host", &state::host}};
}

// The number of members of an aggregate: the most initializers `T{...}` accepts (the technique
// of Boost.PFR). `any_member` converts to every type and is never evaluated.
struct any_member {
  template <class T>
  operator T&() const&&;
};

template <class T, std::size_t... I>
constexpr bool initializable_with(std::index_sequence<I...>) {
  return requires { T{(void(I), any_member{})...}; };
}

template <class T, std::size_t N = 0>
constexpr std::size_t member_count() {
  if constexpr (initializable_with<T>(std::make_index_sequence<N + 1>{})) {
    return member_count<T, N + 1>();
  } else {
    return N;
  }
}

template <class T>
constexpr auto checked_members() {
  constexpr auto list = members(of<T>{});
  static_assert(std::tuple_size_v<decltype(list)> == member_count<T>(),
                "a member of this struct is missing from its list in snapshot.cpp: add it there "
                "and bump fold_version in snapshot.hpp");
  return list;
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

template <class T>
concept keyed = requires { typename T::key_type; typename T::mapped_type; };  // map, unordered_map
template <class T>
concept unique_set = requires { typename T::key_type; } && !keyed<T>;           // set
template <class T>
concept sequence = requires(const T& t) { typename T::value_type; t.begin(); };  // vector

// ---- to JSON: scalars as themselves (enums as their number), optionals as null or the value,
// pairs and containers as arrays (a map's elements as [key, value]), structs as objects.

template <class T>
json put(const T& v);

template <class T>
json put_members(const T& v) {
  json j = json::object();
  std::apply([&](const auto&... m) { ((j[m.name] = put(v.*m.pointer)), ...); }, checked_members<T>());
  return j;
}

template <class T>
json put(const T& v) {
  if constexpr (std::is_enum_v<T>) {
    return static_cast<std::underlying_type_t<T>>(v);
  } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (is_optional<T>::value) {
    return v ? put(*v) : json(nullptr);
  } else if constexpr (is_pair<T>::value) {
    return json::array({put(v.first), put(v.second)});
  } else if constexpr (sequence<T>) {
    json a = json::array();
    for (const auto& x : v) a.push_back(put(x));
    return a;
  } else {
    return put_members(v);
  }
}

// ---- from JSON: the exact inverse; anything else throws `malformed`.

struct malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
void get(const json& j, T& out);

template <class T>
void get_members(const json& j, T& out) {
  constexpr auto list = checked_members<T>();
  if (!j.is_object()) throw malformed("expected an object");
  if (j.size() != std::tuple_size_v<decltype(list)>) throw malformed("unexpected members");
  auto one = [&](const char* name, auto& field) {
    auto it = j.find(name);
    if (it == j.end()) throw malformed(std::string("missing member ") + name);
    try {
      get(*it, field);
    } catch (const malformed& e) {
      throw malformed(std::string(name) + ": " + e.what());
    }
  };
  std::apply([&](const auto&... m) { (one(m.name, out.*m.pointer), ...); }, list);
}

template <class T>
T get_integer(const json& j) {
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (std::in_range<T>(u)) return static_cast<T>(u);
  } else if (j.is_number_integer()) {
    auto s = j.get<std::int64_t>();
    if (std::in_range<T>(s)) return static_cast<T>(s);
  }
  throw malformed("expected an integer in range");
}

template <class T>
void get(const json& j, T& out) {
  if constexpr (std::is_enum_v<T>) {
    out = static_cast<T>(get_integer<std::underlying_type_t<T>>(j));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) throw malformed("expected a boolean");
    out = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    out = get_integer<T>(j);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) throw malformed("expected a number");
    out = j.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) throw malformed("expected a string");
    out = j.get_ref<const std::string&>();
  } else if constexpr (is_optional<T>::value) {
    out.reset();
    if (!j.is_null()) get(j, out.emplace());
  } else if constexpr (is_pair<T>::value) {
    if (!j.is_array() || j.size() != 2) throw malformed("expected a pair");
    get(j[0], out.first);
    get(j[1], out.second);
  } else if constexpr (keyed<T> || unique_set<T> || sequence<T>) {
    if (!j.is_array()) throw malformed("expected an array");
    out.clear();
    for (const auto& e : j) {
      if constexpr (keyed<T>) {
        std::pair<typename T::key_type, typename T::mapped_type> kv;
        get(e, kv);
        if (!out.emplace(std::move(kv)).second) throw malformed("duplicate key");
      } else {
        typename T::value_type x{};
        get(e, x);
        if constexpr (unique_set<T>) {
          if (!out.insert(std::move(x)).second) throw malformed("duplicate element");
        } else {
          out.push_back(std::move(x));
        }
      }
    }
  } else {
    get_members(j, out);
  }
}

}  // namespace

nlohmann::json snapshot_to_json(const state& s) { return put(s); }

result<state> snapshot_from_json(const nlohmann::json& j) {
  try {
    state s;
    get(j, s);
    return s;
  } catch (const malformed& e) {
    return error::corruption(std::string("snapshot: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    return error::corruption(std::string("snapshot: ") + e.what());
  }
}

std::string encode_checkpoint(const checkpoint& c) {
  json doc = {{"fold_version", fold_version},
              {"seq", c.seq},
              {"max_time_us", c.max_time_us},
              {"state", snapshot_to_json(c.folded)}};
  std::string out;
  json::to_msgpack(doc, out);
  return out;
}

result<checkpoint> decode_checkpoint(std::string_view bytes) {
  auto doc = json::from_msgpack(bytes, true, false);
  if (doc.is_discarded() || !doc.is_object()) return error::corruption("checkpoint: not MessagePack of an object");
  auto version = doc.find("fold_version");
  if (version == doc.end() || !version->is_number_unsigned()) {
    return error::corruption("checkpoint: no fold_version");
  }
  if (version->get<std::uint64_t>() != fold_version) {
    return error::conflict("checkpoint written by fold version " + version->dump() + ", this is version " +
                           std::to_string(fold_version));
  }
  checkpoint c;
  try {
    get(doc.at("seq"), c.seq);
    get(doc.at("max_time_us"), c.max_time_us);
  } catch (const std::exception& e) {
    return error::corruption(std::string("checkpoint: ") + e.what());
  }
  auto s = doc.find("state");
  if (s == doc.end()) return error::corruption("checkpoint: no state");
  auto folded = snapshot_from_json(*s);
  if (!folded.ok()) return folded.error();
  c.folded = std::move(folded.value());
  return c;
}

}  // namespace kaso::domain
