// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  std::string ChunkedPost()
  {
    return std::string("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nOrigin: ") + ALLOWED_ORIGIN +
      "\r\nTransfer-Encoding: chunked\r\n\r\n";
  }

  // Sends the request (possibly while the gateway already answers), then expects
  // a 400 naming `reason`, with the policy's headers, and the connection closed.
  void ExpectRefusedWith400(uint16_t port, const std::string& body, const std::string& reason)
  {
    TestSocket client = TestSocket::Connect(port);
    client.SendAll(ChunkedPost() + body);   // may fail once the gateway has closed
    std::string pending;
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << response.error;
    EXPECT_EQ(400u, response.status);
    EXPECT_NE(std::string::npos, response.body.find(reason)) << response.body;
    EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
    EXPECT_EQ("close", response.Get("Connection"));
    EXPECT_TRUE(client.WaitForClose());
  }

  std::string Trailers(std::size_t size)
  {
    std::string trailers;
    for (int i = 0; trailers.size() < size; i++)
    {
      trailers += "X-Trailer-" + std::to_string(i) + ": " + std::string(1000, 't') + "\r\n";
    }
    return trailers;
  }
}


TEST(GatewayChunkedFraming, UnfinishedChunkLineOverFourKibIsRefusedWithoutWaitingForItsEnd)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  ExpectRefusedWith400(gateway.GetPort(), "1;" + std::string(6 * 1024, 'a'), "chunk-size line");
}


TEST(GatewayChunkedFraming, EndlessChunkLineIsRefusedWhileTheClientStillSends)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(ChunkedPost() + "1;"));
  const std::string piece(64 * 1024, 'a');
  std::size_t sent = 0;
  while (sent < 64 * 1024 * 1024 && client.SendAll(piece))
  {
    sent += piece.size();
  }
  // The gateway stopped reading long before 64 MiB: the send failed (reset) or
  // blocked... and the answer is there.
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error << " after " << sent << " bytes";
  EXPECT_EQ(400u, response.status);
}


TEST(GatewayChunkedFraming, LongExtensionsArrivingAtOnceAreRefused)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  ExpectRefusedWith400(gateway.GetPort(), "5;" + std::string(5000, 'x') + "\r\nhello\r\n0\r\n\r\n", "chunk-size line");
}


TEST(GatewayChunkedFraming, UnfinishedTrailersOverTheHeaderLimitAreRefused)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  ExpectRefusedWith400(gateway.GetPort(), "5\r\nhello\r\n0\r\n" + Trailers(100 * 1024), "trailer section");
}


TEST(GatewayChunkedFraming, CompleteTrailersOverTheHeaderLimitAreRefused)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  ExpectRefusedWith400(gateway.GetPort(), "5\r\nhello\r\n0\r\n" + Trailers(70 * 1024) + "\r\n", "trailer section");
}


TEST(GatewayChunkedFraming, TrailersJustUnderTheHeaderLimitAreAccepted)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  // The request's head (about 100 bytes) and these trailers share the 64 KiB.
  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(ChunkedPost() + "5\r\nhello\r\n0\r\n" + Trailers(63 * 1024) + "\r\n"));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
}


TEST(GatewayChunkedFraming, ShortExtensionsAndTrailersAreAccepted)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(ChunkedPost() + "5;name=" + std::string(3000, 'v') + "\r\nhello\r\n"
                             "0\r\n" + Trailers(30 * 1024) + "\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(200u, response.status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("hello", upstream.GetRequests()[0].body);
}
