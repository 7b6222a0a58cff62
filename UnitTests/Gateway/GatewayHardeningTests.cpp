// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  struct MalformedCase
  {
    const char* name;
    std::string request;
    unsigned int status;
  };

  std::string LongHeader()
  {
    std::string request = "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n";
    for (int i = 0; i < 20; i++)
    {
      request += "X-Filler-" + std::to_string(i) + ": " + std::string(4000, 'a') + "\r\n";
    }
    return request + "\r\n";
  }

  std::vector<MalformedCase> MalformedRequests()
  {
    return {
      {"AbsoluteFormTarget", "GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n", 400},
      {"AsteriskFormTarget", "OPTIONS * HTTP/1.1\r\nHost: gw\r\n\r\n", 400},
      {"Connect", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", 405},
      {"ContentLengthThenTransferEncoding",
       "POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"TransferEncodingThenContentLength",
       "POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
      {"DifferingContentLengths",
       "POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
      {"ObsoleteLineFolding", "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nX-Folded: a\r\n b\r\n\r\n", 400},
      {"HeaderSectionOver64KiB", LongHeader(), 431},
      {"Http11WithoutHost", "GET /dicom-web/studies HTTP/1.1\r\n\r\n", 400},
      {"TwoHosts", "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nHost: other\r\n\r\n", 400},
      {"HostWithPath", "GET /dicom-web/studies HTTP/1.1\r\nHost: gw/evil\r\n\r\n", 400},
      {"UnknownTransferCoding", "POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"UnknownExpectation", "PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n", 417},
      {"HttpVersion2", "GET /dicom-web/studies HTTP/2.0\r\nHost: gw\r\n\r\n", 505},
      {"GarbageRequestLine", "HELLO\r\n\r\n", 400},
      {"ControlCharacterInValue", std::string("GET / HTTP/1.1\r\nHost: gw\r\nX-A: a\x01z\r\n\r\n"), 400},
    };
  }
}


class GatewayMalformedRequest : public ::testing::TestWithParam<MalformedCase>
{
};


TEST_P(GatewayMalformedRequest, IsRefusedNeverRelayedAndTheConnectionClosed)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(GetParam().request));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(GetParam().status, response.status);
  EXPECT_EQ(0u, response.Get("Content-Type").find("application/json"));
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_EQ(0u, upstream.GetRequests().size());

  // The gateway keeps serving.
  TestSocket next = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(next.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string nextPending;
  EXPECT_EQ(200u, ReadResponse(next, nextPending).status);
}

INSTANTIATE_TEST_SUITE_P(Hardening, GatewayMalformedRequest, ::testing::ValuesIn(MalformedRequests()),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) { return std::string(info.param.name); });


TEST(GatewayHardening, InvalidChunkSizeIsRefusedWith400)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  for (const char* body : {"zz\r\nhello\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n",
                           "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"})
  {
    TestSocket client = TestSocket::Connect(gateway.GetPort());
    ASSERT_TRUE(client.SendAll(std::string("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n") + body));
    std::string pending;
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << response.error;
    EXPECT_EQ(400u, response.status) << body;
    EXPECT_TRUE(client.WaitForClose());
  }
  // Orthanc never received a complete request.
  EXPECT_EQ(0u, upstream.GetRequests().size());
}


TEST(GatewayHardening, IdenticalRepeatedContentLengthIsAccepted)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("POST /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("hello", upstream.GetRequests()[0].body);
}


namespace
{
  std::string RequestWithFields(std::size_t count, std::size_t valueSize)
  {
    std::string request = std::string("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nOrigin: ") + ALLOWED_ORIGIN + "\r\n";
    for (std::size_t i = 0; i < count; i++)
    {
      request += "X-Field-" + std::to_string(i) + ": " + std::string(valueSize, 'v') + "\r\n";
    }
    return request + "\r\n";
  }
}


TEST(GatewayHardening, RequestsOverOrthancsHeaderLimitsAreAnswered431ByTheGateway)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  std::string manyFields = std::string("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nOrigin: ") + ALLOWED_ORIGIN + "\r\n";
  for (int i = 0; i < 10000; i++)
  {
    manyFields += "X: v\r\n";
  }
  manyFields += "\r\n";

  // 10,000 fields (60 KB, under the gateway's own 64 KiB), then 65 small ones, then 20 KB in few fields.
  for (const std::string& request : {manyFields, RequestWithFields(65, 1), RequestWithFields(5, 4000)})
  {
    TestSocket client = TestSocket::Connect(gateway.GetPort());
    ASSERT_TRUE(client.SendAll(request));
    std::string pending;
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << response.error;
    EXPECT_EQ(431u, response.status);   // before: relayed, refused by Orthanc, 502
    EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  }
  EXPECT_EQ(0u, upstream.GetRequests().size());

  // Room is left for the fields the gateway adds (Forwarded, X-Forwarded-*) and the framing.
  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(RequestWithFields(55, 100)));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_LE(upstream.GetRequests()[0].headers.size(), 64u);
}
