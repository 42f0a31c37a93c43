// Issue #17: port forwards through the real kaso-server and a real qemu (TCG, firmware only): a
// forward given at create is in qemu's command line and listening once it runs; one added to a
// running instance listens at once (QMP hostfwd_add) and stops when removed; a host port another
// instance's forward holds is refused by the server, one another program holds is refused by
// qemu, and neither records anything. Only 127.0.0.1 is used.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"
#include "platform/free_port.hpp"
#include "platform/unique_fd.hpp"

namespace kaso::testing {
namespace {

// Whether something accepts TCP connections on 127.0.0.1:port.
bool listening(std::uint16_t port) {
  platform::unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

std::uint16_t free_port() {
  auto p = platform::free_loopback_port();
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : 0;
}

long count(const std::vector<std::string>& types, const std::string& type) {
  return std::count(types.begin(), types.end(), type);
}

TEST(forwards_it, issue_17_forwards_reach_qemu_at_start_and_live_and_conflicts_change_nothing) {
  fixture f;
  auto p1 = free_port(), p2 = free_port();
  auto vm = f.create("vm1", {{"restart", "never"}, {"forwards", {std::to_string(p1) + ":80"}}});
  EXPECT_EQ(vm["forwards"], nlohmann::json::array({"tcp:127.0.0.1:" + std::to_string(p1) + ":80"}));
  std::ifstream script(vm["vm_script_path"].get<std::string>());
  std::string text((std::istreambuf_iterator<char>(script)), {});
  EXPECT_NE(text.find("hostfwd=tcp:127.0.0.1:" + std::to_string(p1) + "-:80"), std::string::npos) << text;
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  EXPECT_TRUE(listening(p1)) << "qemu listens for the forward given at create";
  EXPECT_FALSE(listening(p2));

  auto added = call(f.s, "POST", "/api/v1/instances/vm1/forwards", {{"forward", std::to_string(p2) + ":81"}});
  ASSERT_EQ(added.status, 200) << added.body.dump();
  EXPECT_TRUE(listening(p2)) << "added to the running qemu at once";
  EXPECT_EQ(count(event_types(f.s, "instance"), "instance.forward_added"), 2);

  f.create("vm2");
  auto taken = call(f.s, "POST", "/api/v1/instances/vm2/forwards", {{"forward", std::to_string(p2) + ":22"}});
  EXPECT_EQ(taken.status, 409) << taken.body.dump();
  EXPECT_NE(taken.body.dump().find("vm1"), std::string::npos) << "the refusal names who holds it";

  // A port another program holds: qemu refuses, and nothing is recorded.
  auto held_port = free_port();
  platform::unique_fd held(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(held_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(held.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(held.get(), 1), 0);
  auto refused = call(f.s, "POST", "/api/v1/instances/vm1/forwards", {{"forward", std::to_string(held_port) + ":82"}});
  EXPECT_EQ(refused.status, 409) << refused.body.dump();
  EXPECT_NE(refused.body.dump().find("qemu"), std::string::npos) << refused.body.dump();
  EXPECT_EQ(count(event_types(f.s, "instance"), "instance.forward_added"), 2);

  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/forwards", {{"forward", "80"}}).status, 400);
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/instances/vm1/forwards?forward=" + std::to_string(free_port())).status, 404);
  auto removed = call(f.s, "DELETE", "/api/v1/instances/vm1/forwards?forward=" + std::to_string(p2));
  ASSERT_EQ(removed.status, 200) << removed.body.dump();
  EXPECT_FALSE(listening(p2)) << "removed from the running qemu at once";
  EXPECT_EQ(removed.body["forwards"], nlohmann::json::array({"tcp:127.0.0.1:" + std::to_string(p1) + ":80"}));
  EXPECT_EQ(count(event_types(f.s, "instance"), "instance.forward_removed"), 1);

  // The CLI: modify --forward on the running instance, and get shows it.
  auto p3 = free_port();
  auto cli = f.s.kaso({"instance", "modify", "vm1", "--forward", std::to_string(p3) + ":83", "--remove-forward",
                       std::to_string(p1)});
  EXPECT_EQ(cli.exit_code, 0) << cli.stderr_text;
  EXPECT_TRUE(listening(p3));
  EXPECT_FALSE(listening(p1));
  EXPECT_EQ(f.s.get_json("/api/v1/instances/vm1")["forwards"],
            nlohmann::json::array({"tcp:127.0.0.1:" + std::to_string(p3) + ":83"}));
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

}  // namespace
}  // namespace kaso::testing
