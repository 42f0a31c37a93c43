// How instances look in tables: the list's columns and the get view's fields. Pure functions of
// the API's instance JSON; a missing or null field shows as an empty cell.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"
#include "domain/instance_state.hpp"

namespace kaso::cli::instance {

// The get view's values wrap beyond this: its longest field name ("Phone home host keys") still
// leaves it 80 columns wide.
inline constexpr std::size_t value_width = 53;

// Columns ID, Name, State, Ready ("yes (after 29.6 s)", "no (kernel)" while booting), Image ID,
// Network ID, SSH ("127.0.0.1:40022", or empty while the
// instance has no forwarded port); `instances` is the API's array.
table list_table(const nlohmann::json& instances);

// Every field: Id, Name, State, PID, Last exit, Message (why it last failed), Path, MAC, vCPUs,
// RAM (MB), Display, Bootstrapper, Image ID, Network ID, Identity IDs, Static IPv4, SSH forward,
// OS Disk Path, OS Disk Size, Seed Path, VM Script Path, QMP/Console/VNC Socket Path, Log Path,
// Phone home IP/hostname/host keys/time, Version, Created, Modified.
std::vector<field> fields_of(const nlohmann::json& instance);

// The instance's "state", converted at this edge (domain/instance_state.hpp): the CLI compares
// states, never words. nullopt when absent or a word this CLI does not know.
std::optional<domain::instance_state> state_of(const nlohmann::json& instance);

// What changes at the instance's next start (its "pending"): "ram 4096 MB, vcpu 2"; "" when
// nothing does.
std::string pending_text(const nlohmann::json& instance);

// "127.0.0.1:40022" for an instance with a positive "ssh_port"; "" otherwise.
std::string ssh_forward_text(const nlohmann::json& instance);

// How the qemu process last ended: "exit code 0", "killed by signal 9", or "" (null: never, or
// it is running).
std::string last_exit_text(const nlohmann::json& instance);

}  // namespace kaso::cli::instance
