// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  // A loopback-only Orthanc (RemoteAccessAllowed false) with one extra name.
  std::shared_ptr<Configuration> MakeHostCheckedConfiguration(uint16_t upstreamPort)
  {
    auto configuration = MakeTestConfiguration(upstreamPort);
    configuration->allowedHosts = HostAllowList::Restricted({ "pacs.hospital.example" });
    return configuration;
  }

  ReceivedMessage Exchange(uint16_t port, const std::string& request)
  {
    TestSocket client = TestSocket::Connect(port);
    EXPECT_TRUE(client.SendAll(request));
    std::string pending;
    return ReadResponse(client, pending);
  }
}


TEST(GatewayHostCheck, DnsRebindingHostIsRefusedBeforeAnythingIsAnswered)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeHostCheckedConfiguration(upstream.GetPort()));

  const ReceivedMessage relayed = Exchange(gateway.GetPort(),
    "GET /dicom-web/studies HTTP/1.1\r\nHost: rebind.evil.example:8043\r\nOrigin: http://rebind.evil.example:8043\r\n\r\n");
  ASSERT_TRUE(relayed.complete) << relayed.error;
  EXPECT_EQ(403u, relayed.status);
  EXPECT_NE(std::string::npos, relayed.body.find("AllowedHosts"));
  EXPECT_EQ("", relayed.Get("Access-Control-Allow-Origin"));

  const ReceivedMessage preflight = Exchange(gateway.GetPort(),
    "OPTIONS /dicom-web/studies HTTP/1.1\r\nHost: rebind.evil.example\r\nOrigin: " + std::string(ALLOWED_ORIGIN) +
    "\r\nAccess-Control-Request-Method: GET\r\n\r\n");
  EXPECT_EQ(403u, preflight.status);
  EXPECT_EQ("", preflight.Get("Access-Control-Allow-Origin"));

  EXPECT_EQ(0u, upstream.GetRequests().size());
}


TEST(GatewayHostCheck, LoopbackAndListedHostsAreRelayed)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeHostCheckedConfiguration(upstream.GetPort()));

  for (const char* host : { "localhost:8043", "127.0.0.1", "[::1]:8043", "pacs.hospital.example:8043" })
  {
    const ReceivedMessage response = Exchange(gateway.GetPort(),
      std::string("GET /dicom-web/studies HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    EXPECT_EQ(200u, response.status) << host;
  }
  EXPECT_EQ(4u, upstream.GetRequests().size());
}
