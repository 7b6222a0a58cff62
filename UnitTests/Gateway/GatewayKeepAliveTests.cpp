// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  std::string Request(const std::string& method)
  {
    return method + " /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n" +
      (method == "POST" ? "Content-Length: 0\r\n" : "") + "\r\n";
  }

  // Orthanc closing an idle keep-alive connection just as the gateway reuses it:
  // the second request on every upstream connection is read, then dropped unanswered.
  void DropSecondRequest(FakeUpstream::Exchange& exchange)
  {
    if (exchange.requestIndex == 1)
    {
      exchange.closeAfter = true;
      return;
    }
    FakeUpstream::AnswerOk(exchange);
  }
}


TEST(GatewayKeepAlive, UpstreamConnectionIsReusedAcrossRequests)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  for (int i = 0; i < 3; i++)
  {
    ASSERT_TRUE(client.SendAll(Request("GET")));
    EXPECT_EQ(200u, ReadResponse(client, pending).status);
  }
  EXPECT_EQ(3u, upstream.GetRequests().size());
  EXPECT_EQ(1u, upstream.CountConnections());
}


TEST(GatewayKeepAlive, StalePooledConnectionIsRetriedOnceForIdempotentRequest)
{
  FakeUpstream upstream(DropSecondRequest);
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll(Request("GET")));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_TRUE(client.SendAll(Request("GET")));
  const ReceivedMessage retried = ReadResponse(client, pending);
  EXPECT_EQ(200u, retried.status);
  EXPECT_EQ(2u, upstream.CountConnections());
}


TEST(GatewayKeepAlive, NonIdempotentRequestIsNotRetried)
{
  FakeUpstream upstream(DropSecondRequest);
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll(Request("GET")));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_TRUE(client.SendAll(Request("POST")));
  EXPECT_EQ(502u, ReadResponse(client, pending).status);
  EXPECT_EQ(1u, upstream.CountConnections());
}


TEST(GatewayKeepAlive, UpstreamConnectionClosedAfterEachAnswerIsReplacedTransparently)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    FakeUpstream::AnswerOk(exchange);
    exchange.closeAfter = true;   // without announcing it
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  std::size_t answered = 0;
  for (const char* method : {"GET", "POST", "GET"})
  {
    // Once Orthanc's close has reached the gateway, even a POST (never retried)
    // must go out on a fresh connection.
    ASSERT_TRUE(upstream.WaitClosedByUpstream(answered));
    ASSERT_TRUE(client.SendAll(Request(method)));
    EXPECT_EQ(200u, ReadResponse(client, pending).status) << method;
    answered++;
  }
  EXPECT_EQ(3u, upstream.CountConnections());
}


TEST(GatewayKeepAlive, ClientAskingToCloseIsAnsweredThenClosed)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll("GET /dicom-web/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));
  const ReceivedMessage response = ReadResponse(client, pending);
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ("close", response.Get("Connection"));
  EXPECT_TRUE(client.WaitForClose());
}


// Bodies of known length are copied from Orthanc's socket as they are, never past
// their end: what follows on the connection is the next response's. Sizes around
// the streaming chunk (64 KiB), an empty one, and a body sent in one write with its
// head (read with it) or after it.
TEST(GatewayKeepAlive, BodiesOfKnownLengthLeaveTheUpstreamConnectionReusable)
{
  const std::vector<std::size_t> sizes = { 0, 1, 10, 65535, 65536, 65537, 3 * 65536 + 7, 100 };
  FakeUpstream upstream([&sizes](FakeUpstream::Exchange& exchange)
  {
    const std::size_t size = sizes[exchange.requestIndex % sizes.size()];
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    if (exchange.requestIndex % 2 == 0)
    {
      exchange.Send(head + MakePattern(0, size));
    }
    else
    {
      exchange.Send(head);
      exchange.Send(MakePattern(0, size));
    }
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  for (std::size_t i = 0; i < 2 * sizes.size(); i++)
  {
    ASSERT_TRUE(client.SendAll(Request("GET")));
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << i << ": " << response.error;
    EXPECT_EQ(200u, response.status);
    EXPECT_EQ(sizes[i % sizes.size()], response.bodyBytes) << i;
    EXPECT_TRUE(response.patternIntact) << i;
  }
  EXPECT_EQ(2 * sizes.size(), upstream.GetRequests().size());
  EXPECT_EQ(1u, upstream.CountConnections());
}
