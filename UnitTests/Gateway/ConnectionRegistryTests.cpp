#include "Gateway/ConnectionRegistry.h"
#include "Gateway/UpstreamConnection.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  class CountingConnection : public IClosable
  {
  public:
    void Close() override { closed_++; }
    int closed_ = 0;
  };
}


TEST(ConnectionRegistry, MaxConnectionsSessionsAtMost)
{
  ConnectionRegistry registry(2);
  auto first = registry.TryJoin(ConnectionRegistry::Kind::Session);
  auto second = registry.TryJoin(ConnectionRegistry::Kind::Session);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session));
  EXPECT_EQ(2u, registry.CountSessions());
}


TEST(ConnectionRegistry, LeavingFreesAPlace)
{
  ConnectionRegistry registry(1);
  {
    auto member = registry.TryJoin(ConnectionRegistry::Kind::Session);
    ASSERT_TRUE(member);
    EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session));
  }
  EXPECT_EQ(0u, registry.CountSessions());
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session));
}


TEST(ConnectionRegistry, RefusalsAreCountedApartFromSessions)
{
  ConnectionRegistry registry(1);
  auto session = registry.TryJoin(ConnectionRegistry::Kind::Session);
  auto refusal = registry.TryJoin(ConnectionRegistry::Kind::Refusal);
  EXPECT_TRUE(session && refusal);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Refusal));
}


TEST(ConnectionRegistry, CloseAllClosesEveryMemberAndRefusesNewOnes)
{
  ConnectionRegistry registry(10);
  auto a = std::make_shared<CountingConnection>();
  auto b = std::make_shared<CountingConnection>();
  auto memberA = registry.TryJoin(ConnectionRegistry::Kind::Session);
  auto memberB = registry.TryJoin(ConnectionRegistry::Kind::Refusal);
  ASSERT_TRUE(memberA && memberB);
  ASSERT_TRUE(memberA->Attach(a));
  ASSERT_TRUE(memberB->Attach(b));

  registry.CloseAll();
  EXPECT_EQ(1, a->closed_);
  EXPECT_EQ(1, b->closed_);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session));
}


TEST(ConnectionRegistry, AttachingAfterCloseAllFails)
{
  ConnectionRegistry registry(10);
  auto member = registry.TryJoin(ConnectionRegistry::Kind::Session);
  ASSERT_TRUE(member);
  registry.CloseAll();
  EXPECT_FALSE(member->Attach(std::make_shared<CountingConnection>()));
}


TEST(UpstreamReuse, DefaultsToEightyPercentOfOrthancsOneSecond)
{
  EXPECT_EQ(std::chrono::milliseconds(800), ComputeReuseLimit(""));
}


TEST(UpstreamReuse, FollowsTheAnnouncedKeepAliveTimeout)
{
  EXPECT_EQ(std::chrono::milliseconds(800), ComputeReuseLimit("timeout=1"));
  EXPECT_EQ(std::chrono::milliseconds(4000), ComputeReuseLimit("timeout=5, max=100"));
}


TEST(UpstreamReuse, MalformedTimeoutFallsBackToTheDefault)
{
  EXPECT_EQ(std::chrono::milliseconds(800), ComputeReuseLimit("timeout=abc"));
  EXPECT_EQ(std::chrono::milliseconds(800), ComputeReuseLimit("timeout=0"));
}
