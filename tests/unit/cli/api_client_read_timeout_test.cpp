// api_client::set_read_timeout, which `kaso instance stop` relies on to wait as long as the server
// may take: a server that holds its answer past the timeout gives the transport error naming the
// timeout set. The server here is httplib's, whose handler waits until the test releases it.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <future>
#include <thread>

#include <httplib.h>

#include "cli/api_client.hpp"
#include "fake_api_server.hpp"

namespace kaso::cli {
namespace {

TEST(api_client_read_timeout, an_answer_later_than_the_timeout_set_is_an_error_naming_it) {
  testing::temp_dir dir;
  auto socket = dir.path() / "slow.sock";
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  httplib::Server slow;
  slow.Post(".*", [&](const httplib::Request&, httplib::Response& res) {
    released.wait();
    res.set_content("{}", "application/json");
  });
  slow.set_address_family(AF_UNIX);
  ASSERT_TRUE(slow.bind_to_port(socket.string(), 80));
  std::thread serving([&] { slow.listen_after_bind(); });

  endpoint where;
  where.socket = socket;
  api_client api(where);
  api.set_read_timeout(std::chrono::seconds(1));
  auto answer = api.post("/instances/vm1/stop", nlohmann::json::object());

  release.set_value();
  while (!slow.is_running()) std::this_thread::yield();  // stop() acts only once it runs
  slow.stop();
  serving.join();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code(), errc::unavailable);
  EXPECT_EQ(answer.error().message(), "kaso-server at unix:" + socket.string() +
                                          " closed the connection or did not answer within 1 s");
}

}  // namespace
}  // namespace kaso::cli
