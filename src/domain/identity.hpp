// Identities: who may log in to guests. An SSH public key or a password, kept only as a SHA-512
// crypt hash. This file holds the read model (`identities`), the commands, the pure decider
// (`decide`: state + command -> events or error) and the pure fold (`evolve`: state + event ->
// state). No I/O, no clock, no randomness: the identity actor hashes passwords before deciding.
//
// Events (frozen type strings, schema 1; see doc/event-log.md; as structs in event_types/identity.hpp):
//   identity.created  {name, kind, public_key, key_type, fingerprint, password_hash, gecos, homedir, shell}
//   identity.modified {any of: name, kind, public_key, key_type, fingerprint, password_hash, gecos, homedir, shell}
//   identity.removed  {name}
// and, read here for `used_by` (written by the instances' decider, issue #16: an identity in use
// is not removed, so no instance is left naming one that is gone):
//   instance.created {identity_ids, name}, instance.removed
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

enum class identity_kind { pubkey, password };

struct identity {
  std::uint64_t id = 0;
  std::string name;
  identity_kind kind = identity_kind::pubkey;
  std::string public_key;     // canonical "type base64 comment"; empty for password identities
  std::string key_type;
  std::string fingerprint;    // "SHA256:..." as ssh-keygen -l prints it
  std::string password_hash;  // "$6$..."; empty for key identities
  std::string gecos;
  std::string homedir;
  std::string shell;
  std::uint64_t version = 0;
  std::int64_t created_us = 0;
  std::int64_t modified_us = 0;
  std::set<std::uint64_t> used_by;  // ids of the instances whose guests it may log in to
  friend bool operator==(const identity&, const identity&) = default;
};

// The identities read model.
struct identities {
  std::map<std::uint64_t, identity> by_id;
  std::unordered_map<std::string, std::uint64_t> id_by_name;
  std::uint64_t next_id = 1;  // ids are never reused
  std::map<std::uint64_t, std::string> instance_names;  // for messages about used_by
  friend bool operator==(const identities&, const identities&) = default;

  const identity* find(std::uint64_t id) const;
  // A reference is a name, or else a numeric id: names are tried first.
  const identity* resolve(std::string_view ref) const;
};

struct identity_changes {
  std::optional<std::string> name;
  std::optional<std::string> public_key;     // text of one OpenSSH public key line
  std::optional<std::string> password_hash;  // already hashed by the caller
  std::optional<std::string> gecos;
  std::optional<std::string> homedir;
  std::optional<std::string> shell;
};

struct create_identity {
  identity_changes fields;  // name and exactly one of public_key / password_hash are required
};
struct modify_identity {
  std::string ref;
  identity_changes changes;
};
struct remove_identity {
  std::string ref;
};

// Events drafted by a decider carry kind, id, version, type, schema and payload; the store adds
// seq and time, the actor adds the cause.
result<std::vector<events::event>> decide(const identities& state, const create_identity& cmd);
result<std::vector<events::event>> decide(const identities& state, const modify_identity& cmd);
result<std::vector<events::event>> decide(const identities& state, const remove_identity& cmd);

// Applies one identity event. Never fails: an event that does not fit (unknown type, a missing
// field) is ignored, because replay must always succeed.
void evolve(identities& state, const events::event& e);

// The API's view: never includes the password hash.
nlohmann::json to_json(const identity& i);
// The same, with `used_by` naming the instances that use it.
nlohmann::json to_json(const identity& i, const identities& all);
std::string_view to_string(identity_kind k);

// An event as shown to a reader of the log (the API's event list and stream, `kaso events`,
// `kaso-replay events|export`): an identity event's password_hash is replaced by
// redacted_secret (issue #15: every socket user saw the hashes). Other events are unchanged.
inline constexpr const char* redacted_secret = "(redacted)";
void redact_secrets(events::event& e);

}  // namespace kaso::domain
