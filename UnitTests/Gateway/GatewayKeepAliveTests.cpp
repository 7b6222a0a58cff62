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
