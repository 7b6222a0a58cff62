// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  ReceivedMessage Send(uint16_t port, const std::string& raw)
  {
    TestSocket client = TestSocket::Connect(port);
    EXPECT_TRUE(client.SendAll(raw));
    std::string pending;
    return ReadResponse(client, pending);
  }

  std::string Preflight(const std::string& origin, const std::string& method, const std::string& headers)
  {
    return "OPTIONS /dicom-web/studies HTTP/1.1\r\nHost: gw.example\r\nOrigin: " + origin +
      "\r\nAccess-Control-Request-Method: " + method +
      (headers.empty() ? "" : "\r\nAccess-Control-Request-Headers: " + headers) + "\r\n\r\n";
  }
}


TEST(GatewayPreflight, AllowedPreflightAnsweredWith204WithoutTouchingOrthanc)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Preflight(ALLOWED_ORIGIN, "GET", "authorization"));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(204u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_EQ("authorization", response.Get("Access-Control-Allow-Headers"));
  EXPECT_FALSE(response.Get("Access-Control-Allow-Methods").empty());
  EXPECT_EQ("0", response.Get("Content-Length"));
  EXPECT_EQ(0u, upstream.CountConnections());
}


TEST(GatewayPreflight, PreflightNeedsNoCredentialsEvenWhenOrthancWould)
{
  // An Orthanc with authentication answers 401 to anything without credentials.
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    exchange.Respond(401, "WWW-Authenticate: Basic realm=\"Orthanc\"\r\n");
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Preflight(ALLOWED_ORIGIN, "DELETE", "authorization, content-type"));
  EXPECT_EQ(204u, response.status);
  EXPECT_EQ(0u, upstream.CountConnections());
}


TEST(GatewayPreflight, RefusedPreflightIs403WithoutAccessControlHeadersAndLoggedAtInfo)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Preflight("https://evil.example", "GET", ""));
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(403u, response.status);
  EXPECT_EQ(0u, response.Count("Access-Control-Allow-Origin"));
  EXPECT_EQ(0u, upstream.CountConnections());
  EXPECT_TRUE(gateway.GetLogger().Contains("info", "https://evil.example"));
  EXPECT_TRUE(gateway.GetLogger().Contains("info", "not in AllowedOrigins"));
}


TEST(GatewayPreflight, PreflightWithAHeaderNotAllowedIsRefusedWhole)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(), Preflight(ALLOWED_ORIGIN, "GET", "authorization, x-secret"));
  EXPECT_EQ(403u, response.status);
  EXPECT_EQ(0u, upstream.CountConnections());
}


TEST(GatewayPreflight, OptionsWithoutRequestMethodIsRelayed)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  const ReceivedMessage response = Send(gateway.GetPort(),
    std::string("OPTIONS /dicom-web/studies HTTP/1.1\r\nHost: gw.example\r\nOrigin: ") + ALLOWED_ORIGIN + "\r\n\r\n");
  EXPECT_EQ(200u, response.status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("OPTIONS", upstream.GetRequests()[0].method);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
}


TEST(GatewayPreflight, ConnectionStaysOpenForTheActualRequest)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll(Preflight(ALLOWED_ORIGIN, "GET", "authorization")));
  EXPECT_EQ(204u, ReadResponse(client, pending).status);
  ASSERT_TRUE(client.SendAll(std::string("GET /dicom-web/studies HTTP/1.1\r\nHost: gw.example\r\nAuthorization: Bearer t\r\n"
                                         "Origin: ") + ALLOWED_ORIGIN + "\r\n\r\n"));
  const ReceivedMessage response = ReadResponse(client, pending);
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
}


// A connection keeps the answers it gave (PreflightAnswerCache): each origin still
// gets its own, on one connection, in any order; a refusal in between changes nothing.
TEST(GatewayPreflight, AnswersKeptByAConnectionNeverGoToAnotherOrigin)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  RoutePolicy route = configuration->policy.GetRoutes().front();
  const std::string otherOrigin = "https://second-viewer.example";
  route.allowedOrigins.push_back(OriginPattern::Parse(otherOrigin));
  configuration->policy = Policy({route}, 600, false, "cross-origin");
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  const std::vector<std::string> origins = { ALLOWED_ORIGIN, otherOrigin, ALLOWED_ORIGIN, "https://evil.example",
                                             otherOrigin, ALLOWED_ORIGIN, otherOrigin };
  std::vector<std::string> firstAnswers(2);
  for (const std::string& origin : origins)
  {
    ASSERT_TRUE(client.SendAll(Preflight(origin, "GET", "authorization")));
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << response.error;
    if (origin == "https://evil.example")
    {
      EXPECT_EQ(403u, response.status);
      EXPECT_EQ("", response.Get("Access-Control-Allow-Origin"));
      continue;
    }
    EXPECT_EQ(204u, response.status) << origin;
    EXPECT_EQ(origin, response.Get("Access-Control-Allow-Origin"));
    EXPECT_EQ("authorization", response.Get("Access-Control-Allow-Headers"));
    // Answered again from the connection's cache: the same bytes as the first time.
    std::string& first = firstAnswers[origin == otherOrigin ? 1 : 0];
    std::string head;
    for (const HttpHeader& header : response.headers)
    {
      head += header.name + ": " + header.value + "\n";
    }
    if (first.empty())
    {
      first = head;
    }
    EXPECT_EQ(first, head) << origin;
  }
  EXPECT_EQ(0u, upstream.CountConnections());

  // HTTP/1.0 and a closing request are answered as such, not with a kept head.
  ASSERT_TRUE(client.SendAll("OPTIONS /dicom-web/studies HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n"
                             "Origin: " + std::string(ALLOWED_ORIGIN) + "\r\nAccess-Control-Request-Method: GET\r\n"
                             "Access-Control-Request-Headers: authorization\r\n\r\n"));
  const ReceivedMessage closing = ReadResponse(client, pending);
  EXPECT_EQ(204u, closing.status);
  EXPECT_EQ("close", closing.Get("Connection"));
}


// A request's fields live in the connection's arena, released when its parser is
// gone: a large request (past the arena's inline 2 KiB; fewer fields than Orthanc's
// limit of a request head) followed by
// preflights and a relayed request on the same connection reads each one's own.
TEST(GatewayPreflight, FieldsOfEachRequestOnAConnectionAreItsOwn)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  std::string large = "GET /dicom-web/studies HTTP/1.1\r\nHost: gw.example\r\nOrigin: " +
    std::string(ALLOWED_ORIGIN) + "\r\n";
  for (int i = 0; i < 30; i++)
  {
    large += "X-Filler-" + std::to_string(i) + ": " + std::string(120, static_cast<char>('a' + i % 26)) + "\r\n";
  }
  large += "\r\n";
  for (int round = 0; round < 3; round++)
  {
    ASSERT_TRUE(client.SendAll(large));
    const ReceivedMessage relayed = ReadResponse(client, pending);
    ASSERT_TRUE(relayed.complete) << relayed.error;
    EXPECT_EQ(200u, relayed.status);
    EXPECT_EQ(ALLOWED_ORIGIN, relayed.Get("Access-Control-Allow-Origin"));

    ASSERT_TRUE(client.SendAll(Preflight(ALLOWED_ORIGIN, "GET", "authorization")));
    const ReceivedMessage allowed = ReadResponse(client, pending);
    EXPECT_EQ(204u, allowed.status);
    EXPECT_EQ(ALLOWED_ORIGIN, allowed.Get("Access-Control-Allow-Origin"));

    ASSERT_TRUE(client.SendAll(Preflight("https://evil.example", "GET", "authorization")));
    const ReceivedMessage refused = ReadResponse(client, pending);
    EXPECT_EQ(403u, refused.status);
    EXPECT_EQ("", refused.Get("Access-Control-Allow-Origin"));
  }
  // The filler fields reached Orthanc with the relayed requests, intact.
  const auto received = upstream.GetRequests();
  ASSERT_EQ(3u, received.size());
  for (const ReceivedMessage& request : received)
  {
    EXPECT_EQ(std::string(120, 'a'), request.Get("X-Filler-0"));
    EXPECT_EQ(std::string(120, 'a' + 29 % 26), request.Get("X-Filler-29"));
  }
}
