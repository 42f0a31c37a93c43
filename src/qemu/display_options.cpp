// The display options of build_argv: see display_options.hpp.
#include "qemu/display_options.hpp"

#include "qemu/command_line.hpp"
#include "qemu/value_checks.hpp"

namespace kaso::qemu {
namespace {

// -nodefaults removed the graphics card and input devices: a visible display needs its own.
void add_graphics_devices(const machine_spec& spec, std::vector<std::string>& out) {
  out.insert(out.end(), {"-device", spec.arch == arch::x86_64 ? "virtio-vga" : "virtio-gpu-pci"});
  out.insert(out.end(), {"-device", "qemu-xhci", "-device", "usb-kbd", "-device", "usb-tablet"});
}

}  // namespace

status add_display(const machine_spec& spec, std::vector<std::string>& out) {
  switch (spec.display) {
    case display_kind::headless:
      out.insert(out.end(), {"-display", "none"});
      return ok_status();
    case display_kind::vnc:
      if (auto s = check_socket_path("vnc_socket", spec.vnc_socket, spec.os); !s) {
        return s;
      }
      out.insert(out.end(),
                 {"-display", "none", "-vnc", "vnc=unix:" + escape_option_value(spec.vnc_socket)});
      add_graphics_devices(spec, out);
      return ok_status();
    case display_kind::gui:
      out.insert(out.end(), {"-display", spec.os == host_os::linux ? "gtk" : "cocoa"});
      add_graphics_devices(spec, out);
      return ok_status();
  }
  return error::invalid_argument("unknown display kind");
}

}  // namespace kaso::qemu
