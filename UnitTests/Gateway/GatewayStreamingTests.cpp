// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

#include <thread>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  constexpr uint64_t LARGE = 300ull * 1024 * 1024;
  constexpr uint64_t MEDIUM = 5ull * 1024 * 1024 + 12345;

  // Answers with `size` pattern bytes, framed as asked.
  void SendPatternAnswer(FakeUpstream::Exchange& exchange, uint64_t size, bool chunked)
  {
    if (chunked)
    {
      exchange.Send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    }
    else
    {
      exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
    }
    SendPattern(exchange.socket, size, chunked, 10000);
  }
}


TEST(GatewayStreaming, LargeUploadAndDownloadFlowThroughByteForByte)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    SendPatternAnswer(exchange, LARGE, false);
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/upload HTTP/1.1\r\nHost: gw\r\nContent-Length: " +
                             std::to_string(LARGE) + "\r\n\r\n"));
  ASSERT_TRUE(SendPattern(client, LARGE));

  std::string pending;
  ReadOptions options;
  options.keepLimit = 0;
  const ReceivedMessage response = ReadResponse(client, pending, options);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(LARGE, response.bodyBytes);
  EXPECT_TRUE(response.patternIntact);

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ(std::to_string(LARGE), requests[0].Get("Content-Length"));
  EXPECT_EQ(LARGE, requests[0].bodyBytes);
  EXPECT_TRUE(requests[0].patternIntact);
}


TEST(GatewayStreaming, ChunkedUploadIsRelayedChunked)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(SendPattern(client, MEDIUM, true, 7777));

  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);

  // The upstream connection stays in step: the next request is read as one.
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n"));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(2u, requests.size());
  EXPECT_TRUE(requests[0].chunked);
  EXPECT_EQ(MEDIUM, requests[0].bodyBytes);
  EXPECT_TRUE(requests[0].patternIntact);
  EXPECT_EQ("GET", requests[1].method);
  EXPECT_EQ(1u, upstream.CountConnections());
}


TEST(GatewayStreaming, ChunkedAnswerIsRelayedChunkedToHttp11)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    SendPatternAnswer(exchange, MEDIUM, true);
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies/1 HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(MEDIUM, response.bodyBytes);
  EXPECT_TRUE(response.patternIntact);
}


TEST(GatewayStreaming, ChunkedAnswerIsDelimitedByCloseForHttp10)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    SendPatternAnswer(exchange, MEDIUM, true);
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies/1 HTTP/1.0\r\nHost: gw\r\nConnection: keep-alive\r\n\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_FALSE(response.chunked);
  EXPECT_EQ(0u, response.Count("Transfer-Encoding"));
  EXPECT_EQ(MEDIUM, response.bodyBytes);
  EXPECT_TRUE(response.patternIntact);
}


TEST(GatewayStreaming, AnswerDelimitedByCloseIsRelayedChunked)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    SendPattern(exchange.socket, MEDIUM);
    exchange.closeAfter = true;
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("GET /dicom-web/x HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(MEDIUM, response.bodyBytes);
  EXPECT_TRUE(response.patternIntact);

  // The client connection outlives the upstream one.
  ASSERT_TRUE(client.SendAll("GET /dicom-web/x HTTP/1.1\r\nHost: gw\r\n\r\n"));
  const ReceivedMessage second = ReadResponse(client, pending);
  EXPECT_EQ(200u, second.status) << second.error;
}


TEST(GatewayStreaming, GatewayAnswers100ContinueItselfAndDropsExpect)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  std::string pending;
  const ReceivedMessage interim = ReadResponse(client, pending);
  ASSERT_TRUE(interim.complete) << interim.error;
  EXPECT_EQ(100u, interim.status);

  ASSERT_TRUE(client.SendAll("hello"));
  const ReceivedMessage response = ReadResponse(client, pending);
  EXPECT_EQ(200u, response.status);

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("hello", requests[0].body);
  EXPECT_EQ(0u, requests[0].Count("Expect"));
}


TEST(GatewayStreaming, PipelinedRequestsAreAnsweredInOrder)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Respond(200, "", exchange.request.target);
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("POST /dicom-web/a HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n\r\nabc"
                             "GET /dicom-web/b HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string pending;
  EXPECT_EQ("/dicom-web/a", ReadResponse(client, pending).body);
  EXPECT_EQ("/dicom-web/b", ReadResponse(client, pending).body);
}
