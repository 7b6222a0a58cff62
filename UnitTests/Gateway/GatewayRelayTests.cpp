// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"
#include "Configuration/ConfigurationTestSupport.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  ReceivedMessage Send(uint16_t port, const std::string& raw, const ReadOptions& options = {})
  {
    TestSocket client = TestSocket::Connect(port);
    EXPECT_TRUE(client.SendAll(raw));
    std::string pending;
    return ReadResponse(client, pending, options);
  }

  std::string Get(const std::string& target, const std::string& extraHeaders = "")
  {
    return "GET " + target + " HTTP/1.1\r\nHost: gw.example:8043\r\nOrigin: " + std::string(ALLOWED_ORIGIN) + "\r\n" +
      extraHeaders + "\r\n";
  }
}


TEST(GatewayRelay, EndToEndHeadersAuthorizationAndHostReachOrthanc)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies?PatientID=1",
    "Authorization: Bearer token\r\nAccept: multipart/related; type=\"application/dicom\"\r\n"));
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ("upstream says hello", response.body);

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("GET", requests[0].method);
  EXPECT_EQ("/dicom-web/studies?PatientID=1", requests[0].target);
  EXPECT_EQ("Bearer token", requests[0].Get("Authorization"));
  EXPECT_EQ("multipart/related; type=\"application/dicom\"", requests[0].Get("Accept"));
  EXPECT_EQ("gw.example:8043", requests[0].Get("Host"));
  EXPECT_EQ(ALLOWED_ORIGIN, requests[0].Get("Origin"));
}


TEST(GatewayRelay, ForwardedAndXForwardedDescribeTheGatewayNotTheClientsClaims)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  Send(gateway.GetPort(), Get("/dicom-web/studies",
    "Forwarded: for=6.6.6.6;host=evil.example;proto=https\r\nX-Forwarded-For: 10.1.2.3\r\n"
    "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n"));

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("for=127.0.0.1;host=gw.example:8043;proto=http", requests[0].Get("Forwarded"));
  EXPECT_EQ(1u, requests[0].Count("Forwarded"));
  EXPECT_EQ("10.1.2.3, 127.0.0.1", requests[0].Get("X-Forwarded-For"));
  EXPECT_EQ("gw.example:8043", requests[0].Get("X-Forwarded-Host"));
  EXPECT_EQ("http", requests[0].Get("X-Forwarded-Proto"));
}


TEST(GatewayRelay, HopByHopHeadersAreNotRelayedInEitherDirection)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Respond(200, "Connection: keep-alive, X-Internal\r\nX-Internal: 1\r\nKeep-Alive: timeout=1\r\n"
                     "X-Public: 2\r\n", "ok");
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies",
    "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: 300\r\nTE: trailers\r\n"
    "Upgrade: websocket\r\nProxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\n"));
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(0u, response.Count("X-Internal"));
  EXPECT_EQ(0u, response.Count("Keep-Alive"));
  EXPECT_EQ("2", response.Get("X-Public"));

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  for (const char* name : {"X-Secret", "Keep-Alive", "TE", "Upgrade", "Proxy-Authorization", "Proxy-Connection"})
  {
    EXPECT_EQ(0u, requests[0].Count(name)) << name;
  }
}


class GatewayErrorStatus : public ::testing::TestWithParam<int>
{
};


TEST_P(GatewayErrorStatus, PolicyHeadersAreMergedIntoOrthancsErrors)
{
  const int status = GetParam();
  FakeUpstream upstream([status](FakeUpstream::Exchange& exchange)
  {
    // A stray Access-Control-Allow-Origin from Orthanc must be replaced, not doubled.
    exchange.Respond(status, "WWW-Authenticate: Basic realm=\"Orthanc\"\r\nAccess-Control-Allow-Origin: *\r\n"
                     "Vary: Accept-Encoding\r\n", "{\"Message\": \"failed\"}");
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  EXPECT_EQ(static_cast<unsigned int>(status), response.status);
  EXPECT_EQ(1u, response.Count("Access-Control-Allow-Origin"));
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_NE(std::string::npos, response.Get("Vary").find("Origin"));
  EXPECT_EQ("cross-origin", response.Get("Cross-Origin-Resource-Policy"));
  EXPECT_EQ("{\"Message\": \"failed\"}", response.body);
}

INSTANTIATE_TEST_SUITE_P(EveryStatus, GatewayErrorStatus, ::testing::Values(200, 401, 403, 404, 500));


TEST(GatewayRelay, DisallowedOriginGetsVaryButNoAllowOrigin)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(),
    "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nOrigin: https://evil.example\r\n\r\n");
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(0u, response.Count("Access-Control-Allow-Origin"));
  EXPECT_NE(std::string::npos, response.Get("Vary").find("Origin"));
}


TEST(GatewayRelay, RouteNotExposedIsRelayedWithoutCorsHeaders)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/tools/now"));
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(0u, response.Count("Access-Control-Allow-Origin"));
  EXPECT_EQ(1u, upstream.GetRequests().size());
}


TEST(GatewayRelay, HeadAnswerKeepsLengthCarriesNoBodyAndKeepsTheConnection)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    if (exchange.request.method == "HEAD")
    {
      exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/dicom\r\n\r\n");
    }
    else
    {
      FakeUpstream::AnswerOk(exchange);
    }
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll("HEAD /dicom-web/x HTTP/1.1\r\nHost: gw\r\n\r\n"));
  ReadOptions head;
  head.skipBody = true;
  const ReceivedMessage first = ReadResponse(client, pending, head);
  EXPECT_EQ(200u, first.status);
  EXPECT_EQ("1000", first.Get("Content-Length"));
  EXPECT_EQ(0u, first.bodyBytes);

  ASSERT_TRUE(client.SendAll("GET /dicom-web/x HTTP/1.1\r\nHost: gw\r\n\r\n"));
  const ReceivedMessage second = ReadResponse(client, pending);
  EXPECT_EQ(200u, second.status);
  EXPECT_EQ("upstream says hello", second.body);
}


TEST(GatewayRelay, InterimAnswersFromOrthancAreSkipped)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
    exchange.Respond(200, "", "final");
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ("final", response.body);
}


TEST(GatewayRelay, PostWithoutBodyIsSentWithZeroLength)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), "POST /tools/reset HTTP/1.1\r\nHost: gw\r\n\r\n");
  EXPECT_EQ(200u, response.status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("0", upstream.GetRequests()[0].Get("Content-Length"));
}


TEST(GatewayUpstreamFailure, UnreachableOrthancGives502WithPolicyHeadersAndJson)
{
  RunningGateway gateway(MakeTestConfiguration(FindUnusedPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(502u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  const Json::Value body = ParseJson(response.body);
  EXPECT_EQ("Bad Gateway", body["Error"].asString());
  EXPECT_FALSE(body["Details"].asString().empty());
  EXPECT_TRUE(gateway.GetLogger().Contains("warning", "cannot connect to Orthanc"));
}


TEST(GatewayUpstreamFailure, RepeatedFailuresAreLoggedOncePerInterval)
{
  RunningGateway gateway(MakeTestConfiguration(FindUnusedPort()));

  for (int i = 0; i < 20; i++)
  {
    EXPECT_EQ(502u, Send(gateway.GetPort(), Get("/dicom-web/studies")).status);
  }
  // Before the throttle: one warning per request.
  EXPECT_EQ(1u, gateway.GetLogger().Count("warning", "cannot connect to Orthanc"));
}


TEST(GatewayUpstreamFailure, SilentOrthancGives504AfterUpstreamTimeout)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Stall();
  });
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.upstreamTimeoutSeconds = 1;
  RunningGateway gateway(configuration);

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(504u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_EQ("Gateway Timeout", ParseJson(response.body)["Error"].asString());
  EXPECT_TRUE(gateway.GetLogger().Contains("warning", "UpstreamTimeout"));
}


TEST(GatewayUpstreamFailure, LargeResponseCutAfterSomeOfItsBodyClosesTheClientConnection)
{
  // Past one chunk, an answer is sent as it comes: Orthanc's cut reaches the client as a cut.
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + std::string(100000, 'b'));
    exchange.closeAfter = true;
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  EXPECT_FALSE(response.complete);
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ("connection closed in the body", response.error);
  EXPECT_EQ(100000u, response.bodyBytes);
}


TEST(GatewayUpstreamFailure, SmallResponseCutInItsBodyGives502)
{
  // An answer that fits one chunk is read whole before any of it is sent: a cut
  // one is answered with a readable 502 instead of a truncated body.
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b");
    exchange.closeAfter = true;
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(502u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
}


TEST(GatewayUpstreamFailure, ResponseCutBeforeItsFirstBodyByteGives502)
{
  // The head of an answer goes with its first body bytes: when Orthanc closes
  // before any, nothing is sent yet, and the client reads why.
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
    exchange.closeAfter = true;
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(502u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_TRUE(gateway.GetLogger().Contains("warning", "cut before its body"));
}


TEST(GatewayUpstreamFailure, OrthancSilentAfterItsHeadGives504AfterUpstreamTimeout)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
    exchange.Stall();
  });
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.upstreamTimeoutSeconds = 1;
  RunningGateway gateway(configuration);

  const ReceivedMessage response = Send(gateway.GetPort(), Get("/dicom-web/studies"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(504u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
}
