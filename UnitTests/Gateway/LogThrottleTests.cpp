// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Gateway/LogThrottle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace OrthancCors;
using namespace std::chrono_literals;

namespace
{
  struct ManualClock
  {
    std::chrono::steady_clock::time_point now{};
    LogThrottle::Clock Get() { return [this] { return now; }; }
  };
}


TEST(LogThrottle, FirstLinePassesAtOnce)
{
  ManualClock clock;
  LogThrottle throttle(10s, clock.Get());
  EXPECT_EQ("cannot connect", throttle.Admit("cannot connect"));
}


TEST(LogThrottle, RepeatsWithinTheIntervalAreHeldBackThenCounted)
{
  ManualClock clock;
  LogThrottle throttle(10s, clock.Get());
  ASSERT_TRUE(throttle.Admit("a"));
  clock.now += 1s;
  EXPECT_FALSE(throttle.Admit("b"));
  clock.now += 8s;
  EXPECT_FALSE(throttle.Admit("c"));
  clock.now += 1s;
  EXPECT_EQ("d (and 2 similar lines held back; at most one per 10 s)", throttle.Admit("d"));
  clock.now += 1s;
  EXPECT_FALSE(throttle.Admit("e"));
  clock.now += 10s;
  EXPECT_EQ("f (and 1 similar line held back; at most one per 10 s)", throttle.Admit("f"));
  clock.now += 60s;
  EXPECT_EQ("g", throttle.Admit("g"));
}


TEST(LogThrottle, ThreadsTogetherGetOneLineThroughPerInterval)
{
  ManualClock clock;
  LogThrottle throttle(10s, clock.Get());
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
  {
    threads.emplace_back([&]
    {
      for (int i = 0; i < 1000; i++)
      {
        written += throttle.Admit("x") ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads)
  {
    thread.join();
  }
  EXPECT_EQ(1, written.load());
  clock.now += 10s;
  EXPECT_EQ("x (and 3999 similar lines held back; at most one per 10 s)", throttle.Admit("x"));
}
