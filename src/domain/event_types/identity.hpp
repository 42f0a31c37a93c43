// The events of identities (doc/event-log.md; the deciders and fold are in domain/identity.cpp):
// one struct per frozen type string, its schema and its member list (codec.hpp encodes and
// decodes from it). Value types; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "domain/event_types/codec.hpp"

namespace kaso::domain {

// Every member always written; logs from before gecos, homedir and shell lack them ("").
struct identity_created {
  static constexpr std::string_view type = "identity.created";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  std::string kind;  // "pubkey" or "password"
  std::string public_key, key_type, fingerprint, password_hash, gecos, homedir, shell;
  static constexpr auto fields() {
    using S = identity_created;
    return std::tuple{field{"name", &S::name},
                      field{"kind", &S::kind},
                      field{"public_key", &S::public_key},
                      field{"key_type", &S::key_type},
                      field{"fingerprint", &S::fingerprint},
                      field{"password_hash", &S::password_hash},
                      field{"gecos", &S::gecos},
                      field{"homedir", &S::homedir},
                      field{"shell", &S::shell}};
  }
  friend bool operator==(const identity_created&, const identity_created&) = default;
};

// Only what changed. A new key or password comes with all five credential members.
struct identity_modified {
  static constexpr std::string_view type = "identity.modified";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> name, kind, public_key, key_type, fingerprint, password_hash, gecos, homedir, shell;
  static constexpr auto fields() {
    using S = identity_modified;
    constexpr auto set = presence::when_set;
    return std::tuple{field{"name", &S::name, set},
                      field{"kind", &S::kind, set},
                      field{"public_key", &S::public_key, set},
                      field{"key_type", &S::key_type, set},
                      field{"fingerprint", &S::fingerprint, set},
                      field{"password_hash", &S::password_hash, set},
                      field{"gecos", &S::gecos, set},
                      field{"homedir", &S::homedir, set},
                      field{"shell", &S::shell, set}};
  }
  friend bool operator==(const identity_modified&, const identity_modified&) = default;
};

struct identity_removed {
  static constexpr std::string_view type = "identity.removed";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  static constexpr auto fields() { return std::tuple{field{"name", &identity_removed::name}}; }
  friend bool operator==(const identity_removed&, const identity_removed&) = default;
};

}  // namespace kaso::domain
