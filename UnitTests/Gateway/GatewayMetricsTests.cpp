// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"
#include "TestTls.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  // Sends one request on a new connection, reads everything until the gateway
  // closes it (so that the request is counted, which happens just before), and
  // returns what was received.
  std::string Exchange(uint16_t port, const std::string& request)
  {
    TestSocket client = TestSocket::Connect(port);
    EXPECT_TRUE(client.SendAll(request));
    std::string received;
    while (client.Receive(received) > 0)
    {
    }
    return received;
  }

  std::string Get(const std::string& target, const std::string& extraFields = "")
  {
    return "GET " + target + " HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n" + extraFields + "\r\n";
  }

  std::string Preflight(const std::string& origin, const std::string& method, const std::string& extraFields = "",
                        const std::string& target = "/dicom-web/studies")
  {
    return "OPTIONS " + target + " HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\nOrigin: " + origin +
      "\r\nAccess-Control-Request-Method: " + method + "\r\n" + extraFields + "\r\n";
  }

  // The gauge drops when the session object goes, just after the connection closes.
  bool WaitForNoClientConnection(const CorsMetrics& metrics)
  {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (metrics.clientConnections.Get() != 0 && std::chrono::steady_clock::now() < deadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return metrics.clientConnections.Get() == 0;
  }

  // The test configuration, on TLS with a new self-signed pair written into `folder`.
  std::shared_ptr<Configuration> MakeTlsConfiguration(uint16_t upstreamPort, const TemporaryFolder& folder)
  {
    WriteSelfSignedCertificate(folder.Path("cert.pem"), folder.Path("key.pem"));
    auto configuration = MakeTestConfiguration(upstreamPort);
    configuration->gateway.sslEnabled = true;
    configuration->gateway.sslCertificate = folder.Path("cert.pem");
    configuration->gateway.sslPrivateKey = folder.Path("key.pem");
    return configuration;
  }

  std::string ReadFile(const std::string& path)
  {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
  }
}


TEST(GatewayMetrics, EveryPolicyOutcomeIsCountedOnceAndBytesExactly)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  const CorsMetrics& metrics = gateway.Get().GetMetrics();
  const std::string origin = std::string("Origin: ") + ALLOWED_ORIGIN + "\r\n";

  const std::vector<std::string> requests = {
    Preflight(ALLOWED_ORIGIN, "GET"),
    Preflight("https://evil.example", "GET"),
    Preflight(ALLOWED_ORIGIN, "PATCH"),
    Preflight(ALLOWED_ORIGIN, "GET", "Access-Control-Request-Headers: x-secret\r\n"),
    Preflight(ALLOWED_ORIGIN, "GET", "", "/tools/find"),
    Preflight(ALLOWED_ORIGIN, "GET", "Access-Control-Request-Private-Network: true\r\n"),
    Get("/dicom-web/studies", origin),
    Get("/dicom-web/studies"),
    Get("/dicom-web/studies", "Origin: https://evil.example\r\n"),
    Get("/tools/find", origin),
    "GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n",   // absolute-form: 400
  };
  uint64_t sent = 0;
  uint64_t received = 0;
  for (const std::string& request : requests)
  {
    sent += request.size();
    received += Exchange(gateway.GetPort(), request).size();
  }
  ASSERT_TRUE(WaitForNoClientConnection(metrics));

  EXPECT_EQ(1u, metrics.preflightsAllowed.Get());
  EXPECT_EQ(1u, metrics.preflightsRefusedOrigin.Get());
  EXPECT_EQ(1u, metrics.preflightsRefusedMethod.Get());
  EXPECT_EQ(1u, metrics.preflightsRefusedHeader.Get());
  EXPECT_EQ(1u, metrics.preflightsRefusedRoute.Get());
  EXPECT_EQ(1u, metrics.preflightsRefusedPrivateNetwork.Get());
  EXPECT_EQ(1u, metrics.requestsOriginAllowed.Get());
  EXPECT_EQ(1u, metrics.requestsWithoutOrigin.Get());
  EXPECT_EQ(1u, metrics.requestsOriginRefused.Get());
  EXPECT_EQ(1u, metrics.requestsNotExposed.Get());
  EXPECT_EQ(1u, metrics.requestsMalformed.Get());
  EXPECT_EQ(0u, metrics.requestsHostRefused.Get());
  EXPECT_EQ(4u, metrics.relayed2xx.Get());
  EXPECT_EQ(4u, metrics.relayCount.Get());
  EXPECT_GT(metrics.relayMicroseconds.Get(), 0u);
  EXPECT_EQ(0u, metrics.relayed5xx.Get() + metrics.answered502.Get() + metrics.answered504.Get());
  EXPECT_EQ(sent, metrics.bytesReceived.Get());
  EXPECT_EQ(received, metrics.bytesSent.Get());
  EXPECT_EQ(0, metrics.upstreamConnections.Get());
}


TEST(GatewayMetrics, OrthancDownIsAConnectFailureAnd502)
{
  RunningGateway gateway(MakeTestConfiguration(FindUnusedPort()));
  const CorsMetrics& metrics = gateway.Get().GetMetrics();
  EXPECT_EQ(0u, Exchange(gateway.GetPort(), Get("/dicom-web/studies")).find("HTTP/1.1 502"));
  EXPECT_EQ(1u, metrics.upstreamConnectFailures.Get());
  EXPECT_EQ(1u, metrics.answered502.Get());
  EXPECT_EQ(0u, metrics.relayed5xx.Get());   // not one of Orthanc's answers
}


TEST(GatewayMetrics, RelayedStatusesAreCountedByClass)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    const std::string& target = exchange.request.target;
    exchange.Respond(target == "/dicom-web/missing" ? 404 : (target == "/dicom-web/moved" ? 301 : 500));
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));
  const CorsMetrics& metrics = gateway.Get().GetMetrics();
  Exchange(gateway.GetPort(), Get("/dicom-web/missing"));
  Exchange(gateway.GetPort(), Get("/dicom-web/missing"));
  Exchange(gateway.GetPort(), Get("/dicom-web/moved"));
  Exchange(gateway.GetPort(), Get("/dicom-web/broken"));
  EXPECT_EQ(2u, metrics.relayed4xx.Get());
  EXPECT_EQ(1u, metrics.relayed3xx.Get());
  EXPECT_EQ(1u, metrics.relayed5xx.Get());
  EXPECT_EQ(0u, metrics.relayed2xx.Get());
}


TEST(GatewayMetrics, RefusalsAtMaxConnectionsAreCounted)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.maxConnections = 1;
  configuration->gateway.maxConnectionsPerClient = 1;
  RunningGateway gateway(configuration);
  const CorsMetrics& metrics = gateway.Get().GetMetrics();

  TestSocket held = TestSocket::Connect(gateway.GetPort());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metrics.clientConnections.Get() != 1 && std::chrono::steady_clock::now() < deadline)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(1, metrics.clientConnections.Get());
  EXPECT_EQ(0u, Exchange(gateway.GetPort(), Get("/dicom-web/studies")).find("HTTP/1.1 503"));
  EXPECT_EQ(1u, metrics.refused503.Get());
}


TEST(GatewayMetrics, FailedTlsHandshakesAreCounted)
{
  TemporaryFolder folder;
  FakeUpstream upstream;
  auto configuration = MakeTlsConfiguration(upstream.GetPort(), folder);
  RunningGateway gateway(configuration);

  {
    TlsTestClient outdated(gateway.GetPort(), TLS1_1_VERSION);
    EXPECT_FALSE(outdated.Handshake());
  }
  {
    TlsTestClient current(gateway.GetPort());
    EXPECT_TRUE(current.Handshake());
  }
  ASSERT_TRUE(WaitForNoClientConnection(gateway.Get().GetMetrics()));
  EXPECT_EQ(1u, gateway.Get().GetMetrics().tlsHandshakeFailures.Get());
}


TEST(GatewayAccessLog, EveryRequestIsOneLineParsedBackFieldByField)
{
  TemporaryFolder folder;
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.accessLog = folder.Path("access.log");
  RunningGateway gateway(configuration);

  const std::string first = Exchange(gateway.GetPort(), Get("/dicom-web/studies?access_token=s3cr3t&limit=2",
    std::string("Origin: ") + ALLOWED_ORIGIN + "\r\nReferer: https://viewer.example/?jwt=s3cr3t\r\n"
    "User-Agent: Test \"agent\"\r\nAuthorization: Bearer s3cr3t\r\nCookie: session=s3cr3t\r\n"));
  Exchange(gateway.GetPort(), Preflight(ALLOWED_ORIGIN, "PATCH"));
  Exchange(gateway.GetPort(), "GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n");
  gateway.Get().FlushAccessLog();

  const std::string log = ReadFile(folder.Path("access.log"));
  EXPECT_EQ(std::string::npos, log.find("s3cr3t")) << log;
  std::istringstream lines(log);
  std::string line;
  const std::regex format(R"re(^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)" (\d+\.\d{3}) (\S+)$)re");
  std::smatch fields;

  ASSERT_TRUE(std::getline(lines, line));
  ASSERT_TRUE(std::regex_match(line, fields, format)) << line;
  EXPECT_EQ("127.0.0.1", fields[1]);
  EXPECT_EQ("GET /dicom-web/studies?access_token=***&limit=2 HTTP/1.1", fields[3]);
  EXPECT_EQ("200", fields[4]);
  EXPECT_EQ(std::to_string(std::string("upstream says hello").size()), fields[5]);
  EXPECT_EQ("https://viewer.example/?jwt=***", fields[6]);
  EXPECT_EQ("Test \\x22agent\\x22", fields[7]);
  EXPECT_EQ("cors-ok", fields[9]);
  EXPECT_NE(std::string::npos, first.find("upstream says hello"));

  ASSERT_TRUE(std::getline(lines, line));
  ASSERT_TRUE(std::regex_match(line, fields, format)) << line;
  EXPECT_EQ("OPTIONS /dicom-web/studies HTTP/1.1", fields[3]);
  EXPECT_EQ("403", fields[4]);
  EXPECT_EQ("0", fields[5]);
  EXPECT_EQ("-", fields[6]);
  EXPECT_EQ("preflight-refused:method", fields[9]);

  ASSERT_TRUE(std::getline(lines, line));
  ASSERT_TRUE(std::regex_match(line, fields, format)) << line;
  EXPECT_EQ("GET http://example.org/ HTTP/1.1", fields[3]);
  EXPECT_EQ("400", fields[4]);
  EXPECT_EQ("-", fields[9]);

  EXPECT_FALSE(std::getline(lines, line));
}


// A request line ended by a bare LF (which the gateway refuses) must not drag
// the header lines after it into the log.
TEST(GatewayAccessLog, RefusedRequestLogsItsRequestLineOnlyWhateverItsLineEnds)
{
  TemporaryFolder folder;
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.accessLog = folder.Path("access.log");
  RunningGateway gateway(configuration);

  const std::string answer = Exchange(gateway.GetPort(), "GET /dicom-web/studies HTTP/1.1\nHost: gw\n"
                                      "Authorization: Bearer s3cr3t\nCookie: session=s3cr3t\r\n\r\n");
  EXPECT_EQ(0u, answer.find("HTTP/1.1 505")) << answer;   // Beast reads "HTTP/1.1\n..." as a bad version
  gateway.Get().FlushAccessLog();
  const std::string log = ReadFile(folder.Path("access.log"));
  EXPECT_EQ(std::string::npos, log.find("s3cr3t")) << log;
  EXPECT_NE(std::string::npos, log.find("\"GET /dicom-web/studies HTTP/1.1\" 505 ")) << log;
}


// The request time runs from the request's first byte, not from the connection's opening.
TEST(GatewayAccessLog, RequestTimeStartsAtTheFirstByteNotAtTheConnection)
{
  TemporaryFolder folder;
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.accessLog = folder.Path("access.log");
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));   // a browser's preconnect, idle
  ASSERT_TRUE(client.SendAll(Get("/dicom-web/studies")));
  std::string received;
  while (client.Receive(received) > 0)
  {
  }
  gateway.Get().FlushAccessLog();
  const std::string log = ReadFile(folder.Path("access.log"));
  const std::regex requestTime(R"( \d{3} \d+ "-" "-" (\d+)\.(\d{3}) no-origin\n$)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(log, match, requestTime)) << log;
  EXPECT_EQ("0", match[1].str()) << log;   // well under the 1.5 s the connection stayed silent
}


TEST(GatewayAccessLog, PlainHttpOnTheTlsPortIsLoggedAndCounted)
{
  TemporaryFolder folder;
  FakeUpstream upstream;
  auto configuration = MakeTlsConfiguration(upstream.GetPort(), folder);
  configuration->gateway.accessLog = folder.Path("access.log");
  RunningGateway gateway(configuration);

  const std::string request = Get("/dicom-web/studies?token=s3cr3t");
  const std::string answer = Exchange(gateway.GetPort(), request);
  EXPECT_EQ(0u, answer.find("HTTP/1.1 400")) << answer;
  Exchange(gateway.GetPort(), std::string("\x01\x02garbage", 9));   // neither TLS nor HTTP

  const CorsMetrics& metrics = gateway.Get().GetMetrics();
  ASSERT_TRUE(WaitForNoClientConnection(metrics));
  EXPECT_EQ(1u, metrics.requestsMalformed.Get());
  EXPECT_EQ(1u, metrics.tlsHandshakeFailures.Get());
  EXPECT_EQ(answer.size(), metrics.bytesSent.Get());
  gateway.Get().FlushAccessLog();
  const std::string log = ReadFile(folder.Path("access.log"));
  EXPECT_NE(std::string::npos, log.find("\"GET /dicom-web/studies?token=*** HTTP/1.1\" 400 ")) << log;
  EXPECT_EQ(std::string::npos, log.find("s3cr3t")) << log;
}
