// to_shell_script: the layout of vm.sh, and that /bin/sh hands the exact argv to the program
// (the test runs the script with printf in place of qemu and reads the words back).
#include "qemu/shell_script.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "qemu/command_line.hpp"
#include "temp_dir.hpp"

namespace kaso::qemu {
namespace {

using argv_t = std::vector<std::string>;

// Runs to_shell_script({"printf", "%s\0", argv...}) with /bin/sh and splits what printf wrote.
argv_t words_seen_by_sh(const argv_t& argv) {
  temp_dir dir;
  EXPECT_TRUE(dir.ok());
  argv_t printing = {"printf", "%s\\0"};
  printing.insert(printing.end(), argv.begin(), argv.end());
  std::string script_path = dir.file("vm.sh");
  std::ofstream{script_path} << to_shell_script(printing);
  std::FILE* out = ::popen(("/bin/sh " + script_path).c_str(), "r");
  EXPECT_NE(out, nullptr);
  if (out == nullptr) {
    return {};
  }
  std::string bytes;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) {
    bytes.append(buffer, n);
  }
  EXPECT_EQ(::pclose(out), 0);
  argv_t words;
  for (std::size_t start = 0; start < bytes.size();) {
    std::size_t end = bytes.find('\0', start);
    words.push_back(bytes.substr(start, end - start));
    start = end == std::string::npos ? bytes.size() : end + 1;
  }
  return words;
}

TEST(to_shell_script, one_option_per_line_with_continuations) {
  argv_t argv = {"/usr/bin/qemu-system-x86_64", "-machine", "q35", "-nodefaults",
                 "-nic",  "user,model=virtio-net-pci,"  // shared NAT, no restrict=on: data only
                          "guestfwd=tcp:10.0.2.100:80-cmd:nc 127.0.0.1 1",
                 "-name", "guest=it's"};
  EXPECT_EQ(to_shell_script(argv),
            "#!/bin/sh\n"
            "# The qemu command line of this VM as Kaso Mashin builds it. Edit and run it to "
            "experiment.\n"
            "exec /usr/bin/qemu-system-x86_64 \\\n"
            "  -machine q35 \\\n"
            "  -nodefaults \\\n"
            "  -nic 'user,model=virtio-net-pci,guestfwd=tcp:10.0.2.100:80-cmd:nc 127.0.0.1 1' \\\n"
            "  -name 'guest=it'\\''s'\n");
}

TEST(to_shell_script, round_trips_hostile_words_through_sh) {
  argv_t argv = {"/opt/q emu/bin/qemu", "-name", "it's", "\"double\"", "$HOME", "${HOME}",
                 "`id`", "$(id)", "back\\slash", "trailing\\", "new\nline", "tab\there",
                 "*", "?", "[a]", "~", "~root", "#hash", "", "a b", "  ", "-", "--", "!bang",
                 "semi;colon", "amp&", "pipe|", "<in", ">out", "{a,b}", "\xc3\xbcnic\xc3\xb6" "de",
                 "'", "''", "\\'", "a'b'c", "%s", "%%", "\\0", "\x01\x7f", "x=y", "-x=y"};
  EXPECT_EQ(words_seen_by_sh(argv), argv);
}

TEST(to_shell_script, round_trips_a_real_command_line_through_sh) {
  machine_spec s;
  s.qemu_binary = "/usr/bin/qemu-system-x86_64";
  s.name = "web,1 it's";
  s.disks = {{"/var/lib/kaso/a,b c/os.qcow2", disk_format::qcow2, false}};
  nic n;
  n.mac = "52:54:00:12:34:56";
  n.port_forwards = {{"tcp", "127.0.0.1", 2222, 22}};
  n.guest_forwards = {{"10.0.2.100", 80, {"nc", "127.0.0.1", "41234"}}};
  s.nics = {n};
  s.qmp_socket = "/run/kaso/$x/qmp.sock";
  s.smbios = {{1, {{"serial", "ds=nocloud-net;s=http://10.0.2.100/"}}}};
  result<argv_t> argv = build_argv(s);
  ASSERT_TRUE(argv.ok()) << argv.error().to_string();
  EXPECT_EQ(words_seen_by_sh(argv.value()), argv.value());
}

TEST(to_shell_script, empty_argv_gives_a_script_that_does_nothing) {
  EXPECT_EQ(to_shell_script({}),
            "#!/bin/sh\n"
            "# The qemu command line of this VM as Kaso Mashin builds it. Edit and run it to "
            "experiment.\n");
}

}  // namespace
}  // namespace kaso::qemu
