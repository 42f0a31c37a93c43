#include "domain/identity.hpp"

#include <array>
#include <charconv>

#include "crypto/password_hash.hpp"
#include "crypto/ssh_key.hpp"
#include "domain/names.hpp"
#include "domain/event_types/fold_rules.hpp"
#include "domain/event_types/identity.hpp"
#include "domain/event_types/instance.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

// GECOS ends up in /etc/passwd and in cloud-init YAML: printable, no ':' (the passwd separator).
status validate_gecos(const std::string& g) {
  if (g.size() > 256) return error::invalid_argument("gecos is longer than 256 characters");
  if (has_control_characters(g)) return error::invalid_argument("gecos must not contain control characters");
  if (g.find(':') != std::string::npos) return error::invalid_argument("gecos must not contain ':'");
  return ok_status();
}

// Home directories and shells: absolute paths of a plain alphabet, no '..' component.
status validate_path_field(std::string_view what, const std::string& p) {
  auto fail = [&](std::string_view why) {
    return error::invalid_argument(std::string(what) + " " + std::string(why));
  };
  if (p.empty()) return ok_status();  // empty means the guest's default
  if (p.size() > 255) return fail("is longer than 255 characters");
  if (p.front() != '/') return fail("must be an absolute path");
  for (char c : p) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '.' || c == '_' || c == '-';
    if (!ok) return fail("may only contain letters, digits and / . _ -");
  }
  if (p.find("/../") != std::string::npos || p.ends_with("/..")) return fail("must not contain '..'");
  return ok_status();
}

status validate_optional(const identity_changes& f) {
  if (f.name) {
    if (auto s = validate_name("identity", *f.name); !s.ok()) return s;
  }
  if (f.gecos) {
    if (auto s = validate_gecos(*f.gecos); !s.ok()) return s;
  }
  if (f.homedir) {
    if (auto s = validate_path_field("homedir", *f.homedir); !s.ok()) return s;
  }
  if (f.shell) {
    if (auto s = validate_path_field("shell", *f.shell); !s.ok()) return s;
  }
  if (f.password_hash && !crypto::is_sha512_crypt_hash(*f.password_hash)) {
    return error::internal("password was not hashed before deciding");
  }
  if (f.public_key && f.password_hash) {
    return error::invalid_argument("give either a public key or a password, not both");
  }
  return ok_status();
}

// The key's canonical line, type and fingerprint into `out` (a created or modified event), or
// fails on a bad key.
template <class Event>
status put_key(Event& out, const std::string& text) {
  auto key = crypto::parse_public_key(text);
  if (!key.ok()) return key.error();
  out.kind = "pubkey";
  out.public_key = key->to_line();
  out.key_type = key->type;
  out.fingerprint = key->fingerprint;
  out.password_hash = "";
  return ok_status();
}

template <class Event>
void put_password(Event& out, const std::string& hash) {
  out.kind = "password";
  out.public_key = "";
  out.key_type = "";
  out.fingerprint = "";
  out.password_hash = hash;
}

// Any kind but "password" is a key, as it always was.
void set_kind(identity& i, const std::string& kind) {
  i.kind = kind == "password" ? identity_kind::password : identity_kind::pubkey;
}

void apply_created(identities& state, std::uint64_t id, const identity_created& c, const events::event& e) {
  identity i;
  i.id = id;
  i.name = c.name;
  set_kind(i, c.kind);
  i.public_key = c.public_key;
  i.key_type = c.key_type;
  i.fingerprint = c.fingerprint;
  i.password_hash = c.password_hash;
  i.gecos = c.gecos;
  i.homedir = c.homedir;
  i.shell = c.shell;
  i.version = e.version;
  i.created_us = i.modified_us = e.time_us;
  state.id_by_name[i.name] = id;
  state.by_id[id] = std::move(i);
  state.next_id = std::max(state.next_id, id + 1);
}

void apply_modified(identities& state, std::uint64_t id, const identity_modified& m, const events::event& e) {
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  identity& i = it->second;
  std::string old_name = i.name;
  auto set = [](std::string& to, const std::optional<std::string>& v) {
    if (v) to = *v;
  };
  set(i.name, m.name);
  if (m.kind) set_kind(i, *m.kind);
  set(i.public_key, m.public_key);
  set(i.key_type, m.key_type);
  set(i.fingerprint, m.fingerprint);
  set(i.password_hash, m.password_hash);
  set(i.gecos, m.gecos);
  set(i.homedir, m.homedir);
  set(i.shell, m.shell);
  if (i.name != old_name) {
    state.id_by_name.erase(old_name);
    state.id_by_name[i.name] = id;
  }
  i.version = e.version;
  i.modified_us = e.time_us;
}

void apply_removed(identities& state, std::uint64_t id, const identity_removed&, const events::event&) {
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  state.id_by_name.erase(it->second.name);
  state.by_id.erase(it);
}

// Instances are folded here for `used_by` and for the names in messages.
void apply_instance_created(identities& state, std::uint64_t instance, const instance_created& c, const events::event&) {
  for (auto id : c.identity_ids) {
    if (auto it = state.by_id.find(id); it != state.by_id.end()) it->second.used_by.insert(instance);
  }
  state.instance_names[instance] = c.name;
}

void apply_instance_removed(identities& state, std::uint64_t instance, const instance_removed&, const events::event&) {
  for (auto& [id, i] : state.by_id) i.used_by.erase(instance);
  state.instance_names.erase(instance);
}

constexpr fold_rule<identities> rules[] = {
    rule<identities, identity_created, apply_created>(),
    rule<identities, identity_modified, apply_modified>(),
    rule<identities, identity_removed, apply_removed>(),
    rule<identities, instance_created, apply_instance_created>(),
    rule<identities, instance_removed, apply_instance_removed>(),
};

}  // namespace

const identity* identities::find(std::uint64_t id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &it->second;
}

const identity* identities::resolve(std::string_view ref) const {
  if (auto it = id_by_name.find(std::string(ref)); it != id_by_name.end()) return find(it->second);
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  if (ec != std::errc() || end != ref.data() + ref.size()) return nullptr;
  return find(id);
}

result<std::vector<events::event>> decide(const identities& state, const create_identity& cmd) {
  const auto& f = cmd.fields;
  if (!f.name) return error::invalid_argument("an identity needs a name");
  if (!f.public_key && !f.password_hash) {
    return error::invalid_argument("an identity needs a public key or a password");
  }
  if (auto s = validate_optional(f); !s.ok()) return s.error();
  if (state.id_by_name.contains(*f.name)) {
    return error::already_exists("identity '" + *f.name + "' already exists");
  }
  identity_created created;
  created.name = *f.name;
  created.gecos = f.gecos.value_or("");
  created.homedir = f.homedir.value_or("");
  created.shell = f.shell.value_or("");
  if (f.public_key) {
    if (auto s = put_key(created, *f.public_key); !s.ok()) return s.error();
  } else {
    put_password(created, *f.password_hash);
  }
  return std::vector{make_event(created, state.next_id, 1)};
}

result<std::vector<events::event>> decide(const identities& state, const modify_identity& cmd) {
  const identity* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("identity '" + cmd.ref + "' does not exist");
  const auto& c = cmd.changes;
  if (auto s = validate_optional(c); !s.ok()) return s.error();
  identity_modified modified;
  if (c.name && *c.name != current->name) {
    if (state.id_by_name.contains(*c.name)) {
      return error::already_exists("identity '" + *c.name + "' already exists");
    }
    modified.name = *c.name;
  }
  if (c.public_key) {
    if (auto s = put_key(modified, *c.public_key); !s.ok()) return s.error();
  }
  if (c.password_hash) put_password(modified, *c.password_hash);
  if (c.gecos && *c.gecos != current->gecos) modified.gecos = *c.gecos;
  if (c.homedir && *c.homedir != current->homedir) modified.homedir = *c.homedir;
  if (c.shell && *c.shell != current->shell) modified.shell = *c.shell;
  if (modified == identity_modified{}) return std::vector<events::event>{};  // nothing changes: nothing recorded
  return std::vector{make_event(modified, current->id, current->version + 1)};
}

result<std::vector<events::event>> decide(const identities& state, const remove_identity& cmd) {
  const identity* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("identity '" + cmd.ref + "' does not exist");
  if (!current->used_by.empty()) {
    return error::conflict("identity '" + current->name +
                           "' is used by instances: " + joined_instance_names(current->used_by, state.instance_names) +
                           " (remove them first: an instance keeps the identities it was created with)");
  }
  return std::vector{make_event(identity_removed{current->name}, current->id, current->version + 1)};
}

void evolve(identities& state, const events::event& e) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(e.id.data(), e.id.data() + e.id.size(), id);
  if (ec != std::errc() || id == 0) return;
  fold_by<identities>(rules, state, id, e);
}

std::string_view to_string(identity_kind k) {
  return k == identity_kind::password ? "password" : "pubkey";
}

nlohmann::json to_json(const identity& i) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  return {{"id", i.id},
          {"name", i.name},
          {"kind", to_string(i.kind)},
          {"public_key", or_null(i.public_key)},
          {"key_type", or_null(i.key_type)},
          {"fingerprint", or_null(i.fingerprint)},
          {"password_set", !i.password_hash.empty()},
          {"gecos", i.gecos},
          {"homedir", i.homedir},
          {"shell", i.shell},
          {"used_by", nlohmann::json::array()},
          {"version", i.version},
          {"created", events::format_time(i.created_us)},
          {"modified", events::format_time(i.modified_us)}};
}

nlohmann::json to_json(const identity& i, const identities& all) {
  auto j = to_json(i);
  j["used_by"] = instance_names_of(i.used_by, all.instance_names);
  return j;
}

void redact_secrets(events::event& e) {
  if (e.kind != "identity" || !e.payload.is_object()) return;
  if (auto hash = e.payload.find("password_hash"); hash != e.payload.end()) *hash = redacted_secret;
}

}  // namespace kaso::domain
