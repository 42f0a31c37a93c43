#include "domain/identity.hpp"

#include <charconv>

#include "crypto/password_hash.hpp"
#include "crypto/ssh_key.hpp"
#include "domain/names.hpp"
#include "domain/payload.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

constexpr const char* kind_name = "identity";

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

// Adds the key's canonical line, type and fingerprint to `payload`, or fails on a bad key.
status put_key(nlohmann::json& payload, const std::string& text) {
  auto key = crypto::parse_public_key(text);
  if (!key.ok()) return key.error();
  payload["kind"] = "pubkey";
  payload["public_key"] = key->to_line();
  payload["key_type"] = key->type;
  payload["fingerprint"] = key->fingerprint;
  payload["password_hash"] = "";
  return ok_status();
}

void put_password(nlohmann::json& payload, const std::string& hash) {
  payload["kind"] = "password";
  payload["public_key"] = "";
  payload["key_type"] = "";
  payload["fingerprint"] = "";
  payload["password_hash"] = hash;
}

events::event make_event(const identity& target, std::uint64_t version, std::string type,
                         nlohmann::json payload) {
  events::event e;
  e.kind = kind_name;
  e.id = std::to_string(target.id);
  e.version = version;
  e.type = std::move(type);
  e.schema = 1;
  e.payload = std::move(payload);
  return e;
}

using payload::take;

void apply_fields(identity& i, const nlohmann::json& p) {
  take(p, "name", i.name);
  if (auto it = p.find("kind"); it != p.end() && it->is_string()) {
    i.kind = *it == "password" ? identity_kind::password : identity_kind::pubkey;
  }
  take(p, "public_key", i.public_key);
  take(p, "key_type", i.key_type);
  take(p, "fingerprint", i.fingerprint);
  take(p, "password_hash", i.password_hash);
  take(p, "gecos", i.gecos);
  take(p, "homedir", i.homedir);
  take(p, "shell", i.shell);
}

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
  nlohmann::json payload = {{"name", *f.name},
                            {"gecos", f.gecos.value_or("")},
                            {"homedir", f.homedir.value_or("")},
                            {"shell", f.shell.value_or("")}};
  if (f.public_key) {
    if (auto s = put_key(payload, *f.public_key); !s.ok()) return s.error();
  } else {
    put_password(payload, *f.password_hash);
  }
  identity target;
  target.id = state.next_id;
  return std::vector{make_event(target, 1, "identity.created", std::move(payload))};
}

result<std::vector<events::event>> decide(const identities& state, const modify_identity& cmd) {
  const identity* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("identity '" + cmd.ref + "' does not exist");
  const auto& c = cmd.changes;
  if (auto s = validate_optional(c); !s.ok()) return s.error();
  nlohmann::json payload = nlohmann::json::object();
  if (c.name && *c.name != current->name) {
    if (state.id_by_name.contains(*c.name)) {
      return error::already_exists("identity '" + *c.name + "' already exists");
    }
    payload["name"] = *c.name;
  }
  if (c.public_key) {
    if (auto s = put_key(payload, *c.public_key); !s.ok()) return s.error();
  }
  if (c.password_hash) put_password(payload, *c.password_hash);
  if (c.gecos && *c.gecos != current->gecos) payload["gecos"] = *c.gecos;
  if (c.homedir && *c.homedir != current->homedir) payload["homedir"] = *c.homedir;
  if (c.shell && *c.shell != current->shell) payload["shell"] = *c.shell;
  if (payload.empty()) return std::vector<events::event>{};  // nothing changes: nothing recorded
  return std::vector{make_event(*current, current->version + 1, "identity.modified", std::move(payload))};
}

result<std::vector<events::event>> decide(const identities& state, const remove_identity& cmd) {
  const identity* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("identity '" + cmd.ref + "' does not exist");
  return std::vector{make_event(*current, current->version + 1, "identity.removed",
                                {{"name", current->name}})};
}

void evolve(identities& state, const events::event& e) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(e.id.data(), e.id.data() + e.id.size(), id);
  if (ec != std::errc() || id == 0) return;
  if (e.type == "identity.created") {
    identity i;
    i.id = id;
    apply_fields(i, e.payload);
    i.version = e.version;
    i.created_us = i.modified_us = e.time_us;
    state.id_by_name[i.name] = id;
    state.by_id[id] = std::move(i);
    state.next_id = std::max(state.next_id, id + 1);
    return;
  }
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  identity& i = it->second;
  if (e.type == "identity.modified") {
    std::string old_name = i.name;
    apply_fields(i, e.payload);
    if (i.name != old_name) {
      state.id_by_name.erase(old_name);
      state.id_by_name[i.name] = id;
    }
    i.version = e.version;
    i.modified_us = e.time_us;
  } else if (e.type == "identity.removed") {
    state.id_by_name.erase(i.name);
    state.by_id.erase(it);
  }
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
          {"version", i.version},
          {"created", events::format_time(i.created_us)},
          {"modified", events::format_time(i.modified_us)}};
}

void redact_secrets(events::event& e) {
  if (e.kind != "identity" || !e.payload.is_object()) return;
  if (auto hash = e.payload.find("password_hash"); hash != e.payload.end()) *hash = redacted_secret;
}

}  // namespace kaso::domain
