// Reaching an instance over SSH from the host (issue #17), as `kaso instance shell|exec|copy` do:
// the system's ssh and scp, run with an argv (no shell), to the instance's forwarded port on
// 127.0.0.1, as the user of its first identity with a public key (or --user), trusting only the
// host keys the guest phoned home: kaso writes them to a known_hosts file of its own under the
// alias "kaso-NAME" and runs ssh with StrictHostKeyChecking=yes, so a guest that presents another
// key is refused (Multipass and Lima accept any key).
//
// Pure functions of the API's JSON, except write_known_hosts (one file) and the defaults read
// from the environment by the verbs.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli::instance {

struct ssh_target {
  std::string name;                              // the instance
  std::uint16_t port = 0;                        // on 127.0.0.1
  std::string user;
  std::map<std::string, std::string> host_keys;  // "ssh-ed25519" -> base64
};

// What ssh needs from the instance (GET /instances/{ref}, ready) and the server's identities
// (GET /identities). `user`: --user, else the instance's first identity with a public key.
// Errors say what to do: no forwarded port, no host key phoned home, no user.
result<ssh_target> ssh_target_of(const nlohmann::json& instance, const nlohmann::json& identities,
                                 const std::optional<std::string>& user);

// known_hosts for `t`: one line per host key, "kaso-NAME TYPE BASE64"; the directory is made
// (mode 0700) and the file replaced (mode 0600).
status write_known_hosts(const std::filesystem::path& file, const ssh_target& t);

// The options every ssh and scp run gets: no configuration file, strict host key checking
// against `known_hosts` only, the alias, and the identity file when given.
std::vector<std::string> ssh_options(const ssh_target& t, const std::filesystem::path& known_hosts,
                                     const std::optional<std::string>& identity_file);

// ssh ... USER@127.0.0.1 [-- COMMAND], each word of `command` quoted for the remote shell so it
// arrives as the word it was here; no command: an interactive login shell.
std::vector<std::string> ssh_argv(const ssh_target& t, const std::filesystem::path& known_hosts,
                                  const std::optional<std::string>& identity_file,
                                  const std::vector<std::string>& command);

// `word` single-quoted for a POSIX shell ('it'\''s').
std::string shell_quote(const std::string& word);

// One side of `kaso instance copy`: "NAME:PATH" (an instance: no '/' before the first ':') or a
// local path.
struct copy_end {
  std::optional<std::string> instance;
  std::string path;
};
copy_end parse_copy_end(const std::string& text);

// scp ... [-r] SRC DST with the instance's side as USER@127.0.0.1:PATH.
std::vector<std::string> scp_argv(const ssh_target& t, const std::filesystem::path& known_hosts,
                                  const std::optional<std::string>& identity_file, bool recursive,
                                  const copy_end& from, const copy_end& to);

}  // namespace kaso::cli::instance
