// probe_kvm: see kvm_probe.hpp.
#include "vm/kvm_probe.hpp"

#include <stdlib.h>

#include "qemu/command_line.hpp"
#include "qemu/vm_process.hpp"

namespace kaso::vm {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// qemu's words on one line, bounded: what the reason of the choice quotes.
std::string one_line(std::string text) {
  constexpr std::size_t most = 400;
  for (auto& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > most) text = text.substr(0, most) + "...";
  return text;
}

// A private directory for the probe's QMP socket and log, removed on destruction.
struct probe_dir {
  std::filesystem::path path;
  explicit probe_dir(const std::filesystem::path& parent) {
    std::string tmpl = (parent / "kaso-kvm-probe-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~probe_dir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

qemu::machine_spec probe_machine(const vm_platform& p, const std::filesystem::path& dir) {
  qemu::machine_spec s;
  s.os = p.os;
  s.arch = p.arch;
  s.accel = qemu::accelerator::kvm;
  s.qemu_binary = p.qemu_binary;
  s.name = "kaso-kvm-probe";
  s.ram_mb = 64;
  s.firmware_code = p.firmware_code;
  s.qmp_socket = (dir / "qmp").string();
  return s;
}

// After "running": still running `linger` later, and QMP still says so.
std::string verdict_after(qemu::launched_vm& vm, milliseconds linger) {
  if (auto ended = platform::wait_exit(vm.process, linger); ended.ok()) {
    return "qemu " + platform::to_string(*ended) + " right after it was running";
  }
  auto status = vm.qmp.execute("query-status");
  if (!status.ok()) return "QMP query-status failed: " + status.error().message();
  auto state = status->value("status", std::string());
  if (state != "running") return "the machine is " + state + " instead of running";
  return {};
}

}  // namespace

qemu::kvm_probe_result probe_kvm(const vm_platform& platform, const kvm_probe_options& options) {
  const auto t0 = clock::now();
  qemu::kvm_probe_result out;
  auto took = [&] { return std::chrono::duration_cast<milliseconds>(clock::now() - t0); };
  probe_dir dir(options.workdir);
  if (dir.path.empty()) {
    out.failure = "no directory for the probe in " + options.workdir.string();
    out.took = took();
    return out;
  }
  auto argv = qemu::build_argv(probe_machine(platform, dir.path));
  if (!argv.ok()) {
    out.failure = argv.error().message();
    out.took = took();
    return out;
  }
  auto vm = qemu::launch({*argv, (dir.path / "qmp").string(), dir.path / "qemu.log", options.timeout});
  if (!vm.ok()) {
    out.failure = one_line(vm.error().message());
    out.took = took();
    return out;
  }
  out.failure = one_line(verdict_after(*vm, options.linger));
  out.ran = out.failure.empty();
  out.took = took();
  (void)qemu::stop(vm->process, &vm->qmp, milliseconds(0), true);
  return out;
}

}  // namespace kaso::vm
