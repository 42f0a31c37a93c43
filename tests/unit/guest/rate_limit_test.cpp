// The guest's report budget (issue #15): a burst, then one per interval; time passed in.
#include "guest/rate_limit.hpp"

#include <gtest/gtest.h>

namespace kaso::guest {
namespace {

using namespace std::chrono_literals;

TEST(rate_limit, a_burst_then_one_per_interval) {
  rate_limit limit(3, 1s);
  const auto t0 = rate_limit::clock::time_point{} + 100s;
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(limit.allow(t0)) << k;
  EXPECT_FALSE(limit.allow(t0));
  EXPECT_FALSE(limit.allow(t0 + 500ms));
  EXPECT_TRUE(limit.allow(t0 + 1s));
  EXPECT_FALSE(limit.allow(t0 + 1s));
  // A long quiet time earns the burst back, never more.
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(limit.allow(t0 + 1h)) << k;
  EXPECT_FALSE(limit.allow(t0 + 1h));
}

TEST(rate_limit, a_clock_going_backwards_earns_nothing) {
  rate_limit limit(1, 1s);
  const auto t0 = rate_limit::clock::time_point{} + 100s;
  EXPECT_TRUE(limit.allow(t0));
  EXPECT_FALSE(limit.allow(t0 - 10s));
  EXPECT_FALSE(limit.allow(t0 + 500ms));
  EXPECT_TRUE(limit.allow(t0 + 1s));
}

}  // namespace
}  // namespace kaso::guest
