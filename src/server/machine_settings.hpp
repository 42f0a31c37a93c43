// What the instance manager needs to know of this host, from the configuration and from probing
// (accelerator, default route, CPUs and memory). Called once by main before the actors start.
#pragma once

#include "actors/instance_manager.hpp"
#include "config/config.hpp"
#include "util/error.hpp"

namespace kaso::server {

result<actors::instance_settings> machine_settings(const config& cfg);

}  // namespace kaso::server
