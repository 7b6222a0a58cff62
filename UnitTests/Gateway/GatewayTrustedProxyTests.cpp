// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

#include <vector>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  std::shared_ptr<Configuration> TrustingLoopback(uint16_t upstreamPort, const char* trusted = "127.0.0.1")
  {
    std::shared_ptr<Configuration> configuration = MakeTestConfiguration(upstreamPort);
    configuration->gateway.trustedProxies.Add(trusted);
    return configuration;
  }

  std::string Get(const std::string& extraHeaders = "")
  {
    return "GET /dicom-web/studies HTTP/1.1\r\nHost: gw.example:8043\r\nOrigin: " + std::string(ALLOWED_ORIGIN) +
      "\r\n" + extraHeaders + "\r\n";
  }

  std::string ProxyVersion1(const std::string& client)
  {
    return "PROXY TCP4 " + client + " 127.0.0.1 51234 8043\r\n";
  }

  // HAProxy's send-proxy-v2 for a TCP client 198.51.100.7 (`command` 0x21), or its health check (0x20).
  std::string ProxyVersion2(char command = '\x21')
  {
    return std::string("\r\n\r\n\0\r\nQUIT\n", 12) + command + std::string("\x11\x00\x0c", 3) +
      std::string("\xC6\x33\x64\x07\x7F\x00\x00\x01\xC8\x22\x1F\x6B", 12);
  }

  // Sends `raw` on a new connection and reads the answer; the connection stays open in `client`.
  ReceivedMessage Exchange(TestSocket& client, uint16_t port, const std::string& raw)
  {
    client = TestSocket::Connect(port);
    EXPECT_TRUE(client.SendAll(raw));
    std::string pending;
    return ReadResponse(client, pending);
  }

  ReceivedMessage Send(uint16_t port, const std::string& raw)
  {
    TestSocket client;
    return Exchange(client, port, raw);
  }
}


TEST(GatewayTrustedProxies, ProxyProtocolVersion1NamesTheClientToOrthanc)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort()));

  EXPECT_EQ(200u, Send(gateway.GetPort(), ProxyVersion1("198.51.100.7") + Get()).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("for=198.51.100.7;host=gw.example:8043;proto=http", requests[0].Get("Forwarded"));
  EXPECT_EQ("198.51.100.7", requests[0].Get("X-Forwarded-For"));
}


TEST(GatewayTrustedProxies, ProxyProtocolVersion2NamesTheClientToOrthanc)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort()));

  EXPECT_EQ(200u, Send(gateway.GetPort(), ProxyVersion2() + Get()).status);
  // A health check's header (LOCAL): the balancer itself.
  EXPECT_EQ(200u, Send(gateway.GetPort(), ProxyVersion2('\x20') + Get()).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(2u, requests.size());
  EXPECT_EQ("198.51.100.7", requests[0].Get("X-Forwarded-For"));
  EXPECT_EQ("127.0.0.1", requests[1].Get("X-Forwarded-For"));
}


TEST(GatewayTrustedProxies, XForwardedForFromATrustedPeerNamesTheClient)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort()));

  // "6.6.6.6" is what the client claimed; the balancer appended who it really was.
  EXPECT_EQ(200u, Send(gateway.GetPort(), Get("X-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n")).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("for=198.51.100.7;host=gw.example:8043;proto=http", requests[0].Get("Forwarded"));
  EXPECT_EQ("6.6.6.6, 198.51.100.7", requests[0].Get("X-Forwarded-For"));
}


TEST(GatewayTrustedProxies, ATrustedHttpProxyThatEndsTlsNamesTheScheme)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort()));

  // HAProxy in HTTP mode with "option forwardfor" and X-Forwarded-Proto set on its TLS side.
  EXPECT_EQ(200u, Send(gateway.GetPort(), Get("X-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\n")).status);
  // Over the PROXY protocol the fields are the browser's own: its X-Forwarded-Proto is not believed.
  EXPECT_EQ(200u, Send(gateway.GetPort(), ProxyVersion1("198.51.100.7") + Get("X-Forwarded-Proto: https\r\n")).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(2u, requests.size());
  EXPECT_EQ("for=198.51.100.7;host=gw.example:8043;proto=https", requests[0].Get("Forwarded"));
  EXPECT_EQ("https", requests[0].Get("X-Forwarded-Proto"));
  EXPECT_EQ("for=198.51.100.7;host=gw.example:8043;proto=http", requests[1].Get("Forwarded"));
  EXPECT_EQ("http", requests[1].Get("X-Forwarded-Proto"));
}


TEST(GatewayTrustedProxies, AnUntrustedPeersForwardedForChangesNothing)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort(), "10.0.0.0/8"));

  EXPECT_EQ(200u, Send(gateway.GetPort(), Get("X-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\n")).status);
  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("for=127.0.0.1;host=gw.example:8043;proto=http", requests[0].Get("Forwarded"));
  EXPECT_EQ("198.51.100.7, 127.0.0.1", requests[0].Get("X-Forwarded-For"));
}


TEST(GatewayTrustedProxies, AnUntrustedPeersProxyHeaderIsRefusedNamingTheKey)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort(), "10.0.0.0/8"));

  for (const std::string& header : {ProxyVersion1("198.51.100.7"), ProxyVersion2()})
  {
    const ReceivedMessage response = Send(gateway.GetPort(), header + Get());
    EXPECT_EQ(400u, response.status);
    EXPECT_NE(std::string::npos, response.body.find("Cors.Gateway.TrustedProxies does not list")) << response.body;
  }
  EXPECT_TRUE(upstream.GetRequests().empty());
}


TEST(GatewayTrustedProxies, AMalformedProxyHeaderFromATrustedPeerClosesTheConnection)
{
  FakeUpstream upstream;
  RunningGateway gateway(TrustingLoopback(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PROXY TCP4 balancer 127.0.0.1 51234 8043\r\n" + Get()));
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_TRUE(upstream.GetRequests().empty());
  EXPECT_TRUE(gateway.GetLogger().Contains("info", "its PROXY protocol header is a version 1 line whose addresses"));
}


TEST(GatewayTrustedProxies, EachProxiedClientHasItsOwnConnectionLimit)
{
  FakeUpstream upstream;
  std::shared_ptr<Configuration> configuration = TrustingLoopback(upstream.GetPort());
  configuration->gateway.maxConnectionsPerClient = 2;
  RunningGateway gateway(configuration);

  // Two open connections of one client through the balancer, by each of its ways of naming it.
  // (Other clients each time: the connections of the first round may not be gone yet.)
  for (const bool byProxyHeader : {true, false})
  {
    SCOPED_TRACE(byProxyHeader ? "PROXY protocol" : "X-Forwarded-For");
    const std::string first = byProxyHeader ? "198.51.100.1" : "198.51.100.11";
    const std::string second = byProxyHeader ? "198.51.100.2" : "198.51.100.12";
    const auto Request = [&](const std::string& client)
    {
      return byProxyHeader ? ProxyVersion1(client) + Get() : Get("X-Forwarded-For: " + client + "\r\n");
    };
    std::vector<TestSocket> held(2);
    for (TestSocket& connection : held)
    {
      EXPECT_EQ(200u, Exchange(connection, gateway.GetPort(), Request(first)).status);
    }

    const ReceivedMessage third = Send(gateway.GetPort(), Request(first));
    EXPECT_EQ(503u, third.status);
    EXPECT_EQ("1", third.Get("Retry-After"));
    EXPECT_NE(std::string::npos, third.body.find("Cors.Gateway.MaxConnectionsPerClient (2)")) << third.body;

    EXPECT_EQ(200u, Send(gateway.GetPort(), Request(second)).status);   // another client
  }
}


TEST(GatewayTrustedProxies, AConnectionCountsForTheClientOfItsLatestRequest)
{
  FakeUpstream upstream;
  std::shared_ptr<Configuration> configuration = TrustingLoopback(upstream.GetPort());
  configuration->gateway.maxConnectionsPerClient = 1;
  RunningGateway gateway(configuration);

  // A balancer reuses its idle connection for another client's request.
  TestSocket pooled;
  EXPECT_EQ(200u, Exchange(pooled, gateway.GetPort(), Get("X-Forwarded-For: 198.51.100.1\r\n")).status);
  ASSERT_TRUE(pooled.SendAll(Get("X-Forwarded-For: 198.51.100.2\r\n")));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(pooled, pending).status);

  // 198.51.100.1 has no connection left: a new one is its.
  EXPECT_EQ(200u, Send(gateway.GetPort(), Get("X-Forwarded-For: 198.51.100.1\r\n")).status);
  EXPECT_EQ(503u, Send(gateway.GetPort(), Get("X-Forwarded-For: 198.51.100.2\r\n")).status);
}
