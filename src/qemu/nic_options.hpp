// The network cards of a qemu command line: one `-nic` per machine_spec::nics entry, with the
// slirp options (network, DHCP, DNS, host and guest forwards), the bridge, or the vmnet range or
// interface its kind takes. A user_restricted nic always carries restrict=on.
//
// Private to src/qemu: a step of build_argv (command_line.cpp). Pure: any thread.
#pragma once

#include <string>
#include <vector>

#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

// Appends `-nic TYPE,model=virtio-net-pci[,restrict=on][,mac=MAC],<options>` for each nic, in
// order. Errors: invalid_argument naming "nic N" (a value fails its check, or vmnet off macOS, or
// bridge off Linux); nothing is appended for the refused nic.
status add_nics(const machine_spec& spec, std::vector<std::string>& out);

}  // namespace kaso::qemu
