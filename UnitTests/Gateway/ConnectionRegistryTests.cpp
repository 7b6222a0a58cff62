// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Gateway/ConnectionRegistry.h"
#include "Gateway/UpstreamConnection.h"

#include <gtest/gtest.h>

#include <vector>

using namespace OrthancCors;

namespace
{
  const boost::asio::ip::address CLIENT = boost::asio::ip::make_address("192.0.2.1");
  const boost::asio::ip::address OTHER_CLIENT = boost::asio::ip::make_address("192.0.2.2");

  class CountingConnection : public IClosable
  {
  public:
    void Close() override { closed_++; }
    int closed_ = 0;
  };
}


TEST(ConnectionRegistry, MaxConnectionsSessionsAtMost)
{
  ConnectionRegistry registry(2, 2);
  auto first = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  auto second = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
  EXPECT_EQ(2u, registry.CountSessions());
}


TEST(ConnectionRegistry, LeavingFreesAPlace)
{
  ConnectionRegistry registry(1, 1);
  {
    auto member = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
    ASSERT_TRUE(member);
    EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
  }
  EXPECT_EQ(0u, registry.CountSessions());
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
}


TEST(ConnectionRegistry, RefusalsAreCountedApartFromSessions)
{
  ConnectionRegistry registry(1, 1);
  auto session = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  auto refusal = registry.TryJoin(ConnectionRegistry::Kind::Refusal, CLIENT);
  EXPECT_TRUE(session && refusal);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Refusal, CLIENT));
}


TEST(ConnectionRegistry, OneClientGetsAtMostMaxConnectionsPerClientAndOthersStillGetIn)
{
  ConnectionRegistry registry(10, 3);
  std::vector<ConnectionRegistry::Membership> held;
  for (int i = 0; i < 3; i++)
  {
    auto member = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
    ASSERT_TRUE(member);
    held.push_back(std::move(*member));
  }
  ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT, &reached));
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnectionsPerClient, reached);
  EXPECT_EQ(3u, registry.CountSessionsOf(CLIENT));

  auto other = registry.TryJoin(ConnectionRegistry::Kind::Session, OTHER_CLIENT, &reached);
  EXPECT_TRUE(other);
  EXPECT_EQ(ConnectionRegistry::Limit::None, reached);
  EXPECT_EQ(4u, registry.CountSessions());
}


TEST(ConnectionRegistry, MaxConnectionsIsReportedBeforeThePerClientLimit)
{
  ConnectionRegistry registry(2, 2);
  auto a = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  auto b = registry.TryJoin(ConnectionRegistry::Kind::Session, OTHER_CLIENT);
  ASSERT_TRUE(a && b);
  ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT, &reached));
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnections, reached);
}


TEST(ConnectionRegistry, LeavingFreesThePlaceOfThatClient)
{
  ConnectionRegistry registry(10, 1);
  {
    auto member = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
    ASSERT_TRUE(member);
    EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
  }
  EXPECT_EQ(0u, registry.CountSessionsOf(CLIENT));
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
}


TEST(ConnectionRegistry, RefusalsOfOneClientAreBoundedByThePerClientLimit)
{
  // A client flooding past its limit is refused MaxConnectionsPerClient times at
  // once at most: the refusals owed to other clients remain.
  ConnectionRegistry registry(4, 2);
  std::vector<ConnectionRegistry::Membership> held;
  for (int i = 0; i < 2; i++)
  {
    auto session = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
    auto refusal = registry.TryJoin(ConnectionRegistry::Kind::Refusal, CLIENT);
    ASSERT_TRUE(session && refusal);
    held.push_back(std::move(*session));
    held.push_back(std::move(*refusal));
  }
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Refusal, CLIENT));
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Refusal, OTHER_CLIENT));
}


TEST(ConnectionRegistry, IpV4MappedIpV6AddressCountsAsItsIpV4Address)
{
  ConnectionRegistry registry(10, 1);
  auto plain = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  ASSERT_TRUE(plain);
  const auto mapped = boost::asio::ip::make_address("::ffff:192.0.2.1");
  ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, mapped, &reached));
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnectionsPerClient, reached);
  EXPECT_EQ(1u, registry.CountSessionsOf(mapped));

  // A genuine IPv6 client is another client.
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session, boost::asio::ip::make_address("2001:db8::1")));
}


TEST(ConnectionRegistry, IpV6AddressesOfOneSlash64CountAsOneClient)
{
  // An IPv6 customer chooses the host half of its addresses freely.
  ConnectionRegistry registry(10, 2);
  auto first = registry.TryJoin(ConnectionRegistry::Kind::Session, boost::asio::ip::make_address("2001:db8:0:1::1"));
  auto second = registry.TryJoin(ConnectionRegistry::Kind::Session, boost::asio::ip::make_address("2001:db8:0:1::2"));
  ASSERT_TRUE(first && second);
  ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session,
                                boost::asio::ip::make_address("2001:db8:0:1:ffff:ffff:ffff:ffff"), &reached));
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnectionsPerClient, reached);

  // The next /64 is another client.
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session, boost::asio::ip::make_address("2001:db8:0:2::1")));
}


TEST(ConnectionRegistry, CloseAllClosesEveryMemberAndRefusesNewOnes)
{
  ConnectionRegistry registry(10, 10);
  auto a = std::make_shared<CountingConnection>();
  auto b = std::make_shared<CountingConnection>();
  auto memberA = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  auto memberB = registry.TryJoin(ConnectionRegistry::Kind::Refusal, CLIENT);
  ASSERT_TRUE(memberA && memberB);
  ASSERT_TRUE(memberA->Attach(a));
  ASSERT_TRUE(memberB->Attach(b));

  registry.CloseAll();
  EXPECT_EQ(1, a->closed_);
  EXPECT_EQ(1, b->closed_);
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));
}


TEST(ConnectionRegistry, AttachingAfterCloseAllFails)
{
  ConnectionRegistry registry(10, 10);
  auto member = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
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


TEST(ConnectionRegistry, ATrustedProxysConnectionCountsForNoClientUntilMoved)
{
  ConnectionRegistry registry(10, 1);
  auto proxied = registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt);
  auto another = registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt);
  ASSERT_TRUE(proxied && another);
  EXPECT_EQ(2u, registry.CountSessions());
  EXPECT_EQ(0u, registry.CountSessionsOf(CLIENT));

  EXPECT_EQ(ConnectionRegistry::Limit::None, proxied->MoveTo(CLIENT));
  EXPECT_EQ(1u, registry.CountSessionsOf(CLIENT));
  EXPECT_EQ(ConnectionRegistry::Limit::None, proxied->MoveTo(CLIENT));   // the same client again
  EXPECT_EQ(1u, registry.CountSessionsOf(CLIENT));
}


TEST(ConnectionRegistry, MovingToAClientAtItsLimitIsRefusedAndChangesNothing)
{
  ConnectionRegistry registry(10, 1);
  auto direct = registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT);
  auto proxied = registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt);
  ASSERT_TRUE(direct && proxied);
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnectionsPerClient, proxied->MoveTo(CLIENT));
  EXPECT_EQ(1u, registry.CountSessionsOf(CLIENT));
  EXPECT_EQ(ConnectionRegistry::Limit::None, proxied->MoveTo(OTHER_CLIENT));
  EXPECT_EQ(1u, registry.CountSessionsOf(OTHER_CLIENT));
}


TEST(ConnectionRegistry, AMovedConnectionLeavesItsFormerClient)
{
  ConnectionRegistry registry(10, 1);
  auto proxied = registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt);
  ASSERT_TRUE(proxied);
  ASSERT_EQ(ConnectionRegistry::Limit::None, proxied->MoveTo(CLIENT));
  ASSERT_EQ(ConnectionRegistry::Limit::None, proxied->MoveTo(OTHER_CLIENT));   // the next request's client
  EXPECT_EQ(0u, registry.CountSessionsOf(CLIENT));
  EXPECT_EQ(1u, registry.CountSessionsOf(OTHER_CLIENT));
  EXPECT_TRUE(registry.TryJoin(ConnectionRegistry::Kind::Session, CLIENT));

  proxied.reset();
  EXPECT_EQ(0u, registry.CountSessionsOf(OTHER_CLIENT));
  EXPECT_EQ(0u, registry.CountSessions());
}


TEST(ConnectionRegistry, ATrustedProxysConnectionsStillCountAgainstMaxConnections)
{
  ConnectionRegistry registry(1, 1);
  auto proxied = registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt);
  ASSERT_TRUE(proxied);
  ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
  EXPECT_FALSE(registry.TryJoin(ConnectionRegistry::Kind::Session, std::nullopt, &reached));
  EXPECT_EQ(ConnectionRegistry::Limit::MaxConnections, reached);
}
