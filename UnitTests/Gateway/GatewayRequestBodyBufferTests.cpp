// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

#include <thread>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

// Request bodies up to Cors.Gateway.RequestBodyBufferSize are read whole before
// Orthanc is contacted (issue 18, finding 6: slow bodies pinned Orthanc's threads).

namespace
{
  // Orthanc closing an idle keep-alive connection just as the gateway reuses it.
  void DropSecondRequest(FakeUpstream::Exchange& exchange)
  {
    if (exchange.requestIndex == 1)
    {
      exchange.closeAfter = true;
      return;
    }
    FakeUpstream::AnswerOk(exchange);
  }

  // Polls (bounded) for `condition`.
  template <typename Condition>
  bool Eventually(Condition condition)
  {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!condition())
    {
      if (std::chrono::steady_clock::now() > deadline)
      {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  // A chunked POST of `size` pattern bytes through a gateway whose
  // RequestBodyBufferSize is 1000; the one request Orthanc received.
  ReceivedMessage RelayChunkedBodyThroughA1000ByteBuffer(uint64_t size)
  {
    FakeUpstream upstream;
    auto configuration = MakeTestConfiguration(upstream.GetPort());
    configuration->gateway.requestBodyBufferSize = 1000;
    RunningGateway gateway(configuration);

    TestSocket client = TestSocket::Connect(gateway.GetPort());
    EXPECT_TRUE(client.SendAll("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"));
    EXPECT_TRUE(SendPattern(client, size, true, 300));
    std::string pending;
    EXPECT_EQ(200u, ReadResponse(client, pending).status);

    const auto requests = upstream.GetRequests();
    EXPECT_EQ(1u, requests.size());
    return requests.empty() ? ReceivedMessage() : requests[0];
  }
}


TEST(GatewayRequestBodyBuffer, OrthancIsNotContactedBeforeASmallBodyIsComplete)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 10\r\n\r\nhello"));
  // (A relay that connects first would have done so by now: the header is complete.)
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(0u, upstream.CountConnections());

  ASSERT_TRUE(client.SendAll("world"));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("helloworld", requests[0].body);
  EXPECT_EQ("10", requests[0].Get("Content-Length"));
}


TEST(GatewayRequestBodyBuffer, SmallChunkedBodyReachesOrthancWithAContentLength)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(SendPattern(client, 100000, true, 7777));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_FALSE(requests[0].chunked);
  EXPECT_EQ("100000", requests[0].Get("Content-Length"));
  EXPECT_EQ(0u, requests[0].Count("Transfer-Encoding"));
  EXPECT_EQ(100000u, requests[0].bodyBytes);
  EXPECT_TRUE(requests[0].patternIntact);
}


TEST(GatewayRequestBodyBuffer, ChunkedBodyLargerThanTheBufferStreamsIntact)
{
  const ReceivedMessage relayed = RelayChunkedBodyThroughA1000ByteBuffer(5000);
  EXPECT_TRUE(relayed.chunked);
  EXPECT_EQ(5000u, relayed.bodyBytes);
  EXPECT_TRUE(relayed.patternIntact);
}


TEST(GatewayRequestBodyBuffer, LargeBodyReachesOrthancOnlyAfterItsFirstBufferSizeBytes)
{
  // Announcing more than RequestBodyBufferSize does not reach Orthanc sooner.
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.requestBodyBufferSize = 1000;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5000\r\n\r\n" +
                             std::string(999, 'a')));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(0u, upstream.CountConnections());

  ASSERT_TRUE(client.SendAll(std::string(4001, 'b')));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("5000", requests[0].Get("Content-Length"));
  EXPECT_EQ(std::string(999, 'a') + std::string(4001, 'b'), requests[0].body);
}


TEST(GatewayRequestBodyBuffer, ChunkedBodyOfExactlyTheBufferSizeIsBuffered)
{
  const ReceivedMessage relayed = RelayChunkedBodyThroughA1000ByteBuffer(1000);
  EXPECT_FALSE(relayed.chunked);
  EXPECT_EQ(1000u, relayed.bodyBytes);
  EXPECT_TRUE(relayed.patternIntact);
}


TEST(GatewayRequestBodyBuffer, SmallBodyTrickledPastIdleTimeoutIsCutAndNeverReachesOrthanc)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 1;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;   // at most IdleTimeout, as the configuration keeps it
  RunningGateway gateway(configuration);

  // Each byte well within IdleTimeout, the whole body not: one deadline for it all.
  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 10\r\n\r\n"));
  for (int i = 0; i < 10; i++)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (!client.SendAll("x"))
    {
      break;
    }
  }
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(10)));
  EXPECT_EQ(0u, upstream.CountConnections());
}


TEST(GatewayRequestBodyBuffer, GatewayAnswers100ContinueBeforeContactingOrthanc)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  std::string pending;
  const ReceivedMessage interim = ReadResponse(client, pending);
  ASSERT_TRUE(interim.complete) << interim.error;
  EXPECT_EQ(100u, interim.status);
  EXPECT_EQ(0u, upstream.CountConnections());

  ASSERT_TRUE(client.SendAll("hello"));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("hello", upstream.GetRequests()[0].body);
}


TEST(GatewayRequestBodyBuffer, IdempotentRequestWithABufferedBodyIsRetriedOnAStalePooledConnection)
{
  FakeUpstream upstream(DropSecondRequest);
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n"));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  EXPECT_EQ(2u, upstream.CountConnections());
  ASSERT_TRUE(Eventually([&] { return upstream.GetRequests().size() == 3; }));
  EXPECT_EQ("hello", upstream.GetRequests()[2].body);
}


TEST(GatewayRequestBodyBuffer, ZeroStreamsEveryBodyAsBefore)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.requestBodyBufferSize = 0;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return upstream.CountConnections() == 1; }));
  ASSERT_TRUE(SendPattern(client, 500, true, 100));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_TRUE(upstream.GetRequests()[0].chunked);
}
