// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"
#include "TestTls.h"

#include "Folders/FolderServer.h"
#include "Policy/OriginPattern.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string SCRIPT = "console.log('viewer');\n";
  const std::string INDEX = "<!doctype html><title>viewer</title>\n";
  const std::string ORTHANC_CHALLENGE = "Basic realm=\"Orthanc Secure Area\"";

  // Orthanc with AuthenticationEnabled: the access probe is answered by the
  // credentials it carries (401 without, 403 for a user an authorization plugin
  // refuses, 200 "{}" for a known user); other requests get AnswerOk.
  void AnswerLikeAnAuthenticatingOrthanc(FakeUpstream::Exchange& exchange)
  {
    if (exchange.request.target.rfind("/cors/folder-access/", 0) != 0)
    {
      FakeUpstream::AnswerOk(exchange);
      return;
    }
    const std::string authorization = exchange.request.Get("Authorization");
    if (authorization == "Basic known-user")
    {
      exchange.Respond(200, "Content-Type: application/json\r\n", "{}");
    }
    else if (authorization == "Basic refused-user")
    {
      exchange.Respond(403, "", "");
    }
    else
    {
      exchange.Respond(401, "WWW-Authenticate: " + ORTHANC_CHALLENGE + "\r\n", "");
    }
  }

  class GatewayFolders : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      std::ofstream(folder_.Path("index.html")) << INDEX;
      std::ofstream(folder_.Path("app.js")) << SCRIPT;

      folders_ = MakeFolders(true);

      configuration_ = MakeTestConfiguration(upstream_.GetPort());
      RoutePolicy dicomWeb = configuration_->policy.GetRoutes().front();
      RoutePolicy ohif = dicomWeb;
      ohif.prefix = "/ohif/";
      configuration_->policy = Policy({dicomWeb, ohif}, 600, false, "cross-origin");
    }

    // The viewer at /ohif/; a public one is served without asking Orthanc.
    std::shared_ptr<FolderServer> MakeFolders(bool isPublic)
    {
      FolderSettings viewer;
      viewer.prefix = "/ohif/";
      viewer.path = folder_.Path("");
      viewer.path.pop_back();   // no final '/'
      viewer.singlePageApplication = true;
      viewer.crossOriginIsolation = CrossOriginIsolation::RequireCorp;
      viewer.isPublic = isPublic;
      return std::make_shared<FolderServer>(std::vector<FolderSettings>{viewer},
                                            std::map<std::string, std::string>(), true, true,
                                            std::vector<std::string>{"/dicom-web/"});
    }

    std::size_t CountProbes() const
    {
      std::size_t count = 0;
      for (const ReceivedMessage& request : upstream_.GetRequests())
      {
        count += request.target.rfind("/cors/folder-access/", 0) == 0 ? 1 : 0;
      }
      return count;
    }

    ReceivedMessage Send(uint16_t port, const std::string& raw, bool head = false)
    {
      TestSocket client = TestSocket::Connect(port);
      EXPECT_TRUE(client.SendAll(raw));
      std::string pending;
      ReadOptions options;
      options.skipBody = head;
      return ReadResponse(client, pending, options);
    }

    TemporaryFolder folder_;
    FakeUpstream upstream_{AnswerLikeAnAuthenticatingOrthanc};
    std::shared_ptr<FolderServer> folders_;
    std::shared_ptr<Configuration> configuration_;
  };
}


TEST_F(GatewayFolders, FileOfAMountedFolderIsServedByTheGatewayWithCorsHeaders)
{
  RunningGateway gateway(configuration_, folders_);
  const ReceivedMessage response = Send(gateway.GetPort(), std::string("GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n"
                                                                       "Origin: ") + ALLOWED_ORIGIN + "\r\n\r\n");
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(SCRIPT, response.body);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_EQ("require-corp", response.Get("Cross-Origin-Embedder-Policy"));
  EXPECT_EQ(1u, response.Count("Cross-Origin-Resource-Policy"));
  EXPECT_EQ(0u, upstream_.CountConnections());
}


TEST_F(GatewayFolders, HeadOfAServedFileHasItsLengthAndNoBody)
{
  RunningGateway gateway(configuration_, folders_);
  const ReceivedMessage response = Send(gateway.GetPort(), "HEAD /ohif/app.js HTTP/1.1\r\nHost: gw\r\n\r\n", true);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(std::to_string(SCRIPT.size()), response.Get("Content-Length"));
  EXPECT_EQ(0u, response.bodyBytes);
}


TEST_F(GatewayFolders, NavigationToAClientRouteGetsTheIndex)
{
  RunningGateway gateway(configuration_, folders_);
  const ReceivedMessage response = Send(gateway.GetPort(), "GET /ohif/viewer HTTP/1.1\r\nHost: gw\r\n"
                                                           "Accept: text/html\r\nSec-Fetch-Mode: navigate\r\n\r\n");
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(INDEX, response.body);
  EXPECT_EQ(0u, upstream_.CountConnections());
}


TEST_F(GatewayFolders, EverythingElseIsRelayedToOrthanc)
{
  RunningGateway gateway(configuration_, folders_);
  EXPECT_EQ("upstream says hello",
            Send(gateway.GetPort(), "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n").body);
  EXPECT_EQ("upstream says hello",
            Send(gateway.GetPort(), "GET /ohif/missing.js HTTP/1.1\r\nHost: gw\r\n\r\n").body);
  EXPECT_EQ(2u, upstream_.GetRequests().size());
}


// ---- Folders that are not public: served to the clients Orthanc lets in ------------------

TEST_F(GatewayFolders, ClientWithoutCredentialsGets401WithOrthancsChallengeAndCorsHeaders)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  const ReceivedMessage response = Send(gateway.GetPort(), std::string("GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n"
                                                                       "Origin: ") + ALLOWED_ORIGIN + "\r\n\r\n");
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(401u, response.status);
  EXPECT_EQ(ORTHANC_CHALLENGE, response.Get("WWW-Authenticate"));
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_NE(std::string::npos, response.body.find("\"Unauthorized\"")) << response.body;
  EXPECT_EQ(std::string::npos, response.body.find("console.log"));

  ASSERT_EQ(1u, CountProbes());
  const ReceivedMessage probe = upstream_.GetRequests().front();
  EXPECT_EQ("GET", probe.method);
  EXPECT_EQ("/cors/folder-access/ohif/", probe.target);
  EXPECT_EQ("gw", probe.Get("Host"));
  EXPECT_EQ("http", probe.Get("X-Forwarded-Proto"));
  EXPECT_EQ(ALLOWED_ORIGIN, probe.Get("Origin"));
}


TEST_F(GatewayFolders, ClientThatOrthancRefusesGets403)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  const ReceivedMessage response = Send(gateway.GetPort(), "GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n"
                                                           "Authorization: Basic refused-user\r\n\r\n");
  EXPECT_EQ(403u, response.status);
  EXPECT_EQ("", response.Get("WWW-Authenticate"));
}


TEST_F(GatewayFolders, ClientThatOrthancLetsInGetsTheFileAndTheProbeCarriesItsCredentials)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  const ReceivedMessage response = Send(gateway.GetPort(), "GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n"
                                                           "Authorization: Basic known-user\r\n"
                                                           "Cookie: session=1\r\nX-Token: t\r\n"
                                                           "Accept: */*\r\nSec-Fetch-Dest: script\r\n\r\n");
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ(SCRIPT, response.body);

  ASSERT_EQ(1u, upstream_.GetRequests().size());
  const ReceivedMessage probe = upstream_.GetRequests().front();
  EXPECT_EQ("Basic known-user", probe.Get("Authorization"));
  EXPECT_EQ("session=1", probe.Get("Cookie"));
  EXPECT_EQ("t", probe.Get("X-Token"));
  EXPECT_EQ("", probe.Get("Accept"));           // per-request fields stay out of the probe
  EXPECT_EQ("", probe.Get("Sec-Fetch-Dest"));
}


TEST_F(GatewayFolders, NavigationToAClientRouteIsCheckedToo)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  EXPECT_EQ(401u, Send(gateway.GetPort(), "GET /ohif/viewer HTTP/1.1\r\nHost: gw\r\n"
                                          "Accept: text/html\r\nSec-Fetch-Mode: navigate\r\n\r\n").status);
  EXPECT_EQ(1u, CountProbes());
}


TEST_F(GatewayFolders, OneProbeServesManyFilesOfTheSameClient)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  for (const char* path : { "/ohif/app.js", "/ohif/index.html", "/ohif/app.js", "/ohif/", "/ohif/viewer" })
  {
    const ReceivedMessage response = Send(gateway.GetPort(), std::string("GET ") + path + " HTTP/1.1\r\nHost: gw\r\n"
                                          "Authorization: Basic known-user\r\nAccept: text/html\r\n"
                                          "If-None-Match: \"nothing\"\r\n\r\n");
    EXPECT_EQ(200u, response.status) << path;
  }
  EXPECT_EQ(1u, CountProbes());
}


TEST_F(GatewayFolders, VerdictOfOneClientIsNeverGivenToOtherCredentials)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  const std::string request = "GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n";
  EXPECT_EQ(200u, Send(gateway.GetPort(), request + "Authorization: Basic known-user\r\n\r\n").status);
  EXPECT_EQ(401u, Send(gateway.GetPort(), request + "\r\n").status);
  EXPECT_EQ(401u, Send(gateway.GetPort(), request + "Authorization: Basic wrong\r\n\r\n").status);
  EXPECT_EQ(403u, Send(gateway.GetPort(), request + "Authorization: Basic refused-user\r\n\r\n").status);
  EXPECT_EQ(200u, Send(gateway.GetPort(), request + "Authorization: Basic known-user\r\n\r\n").status);
  // Any other header an authorization plugin may read makes other credentials.
  EXPECT_EQ(200u, Send(gateway.GetPort(), request + "Authorization: Basic known-user\r\n"
                                                    "X-Token: another\r\n\r\n").status);
  EXPECT_EQ(5u, CountProbes());   // the second plain known-user request came from the cache
}


TEST_F(GatewayFolders, RequestsRelayedToOrthancAnywayAreNotProbed)
{
  RunningGateway gateway(configuration_, MakeFolders(false));
  Send(gateway.GetPort(), "GET /ohif/missing.js HTTP/1.1\r\nHost: gw\r\n\r\n");
  Send(gateway.GetPort(), "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n");
  EXPECT_EQ(0u, CountProbes());
  EXPECT_EQ(2u, upstream_.GetRequests().size());
}


TEST_F(GatewayFolders, PublicFolderIsServedWithoutAskingOrthanc)
{
  RunningGateway gateway(configuration_, MakeFolders(true));
  EXPECT_EQ(200u, Send(gateway.GetPort(), "GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n\r\n").status);
  EXPECT_EQ(0u, upstream_.CountConnections());
}


TEST_F(GatewayFolders, UnexpectedProbeAnswerGives502AndIsNotCached)
{
  FakeUpstream broken([](FakeUpstream::Exchange& exchange) { exchange.Respond(404, "", ""); });
  configuration_->upstream.httpPort = broken.GetPort();
  RunningGateway gateway(configuration_, MakeFolders(false));
  const std::string request = "GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\nAuthorization: Basic known-user\r\n\r\n";
  EXPECT_EQ(502u, Send(gateway.GetPort(), request).status);
  EXPECT_EQ(502u, Send(gateway.GetPort(), request).status);
  EXPECT_EQ(2u, broken.GetRequests().size());
  EXPECT_TRUE(gateway.GetLogger().Contains("warning", "Orthanc answered 404"));
}


TEST_F(GatewayFolders, UnreachableOrthancGives502WithCorsHeaders)
{
  configuration_->upstream.httpPort = FindUnusedPort();
  RunningGateway gateway(configuration_, MakeFolders(false));
  const ReceivedMessage response = Send(gateway.GetPort(), std::string("GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\n"
                                                                       "Origin: ") + ALLOWED_ORIGIN + "\r\n\r\n");
  EXPECT_EQ(502u, response.status);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_NE(std::string::npos, response.body.find("cannot ask Orthanc")) << response.body;
}


TEST_F(GatewayFolders, ProbesOnAConnectionOrthancClosesAfterEachAnswerStillGetAnswers)
{
  FakeUpstream closing([](FakeUpstream::Exchange& exchange)
  {
    AnswerLikeAnAuthenticatingOrthanc(exchange);
    exchange.closeAfter = true;
  });
  configuration_->upstream.httpPort = closing.GetPort();
  RunningGateway gateway(configuration_, MakeFolders(false));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  for (const char* authorization : { "Basic known-user", "Basic refused-user", "Basic other" })
  {
    ASSERT_TRUE(client.SendAll(std::string("GET /ohif/app.js HTTP/1.1\r\nHost: gw\r\nAuthorization: ") +
                               authorization + "\r\n\r\n"));
    const ReceivedMessage response = ReadResponse(client, pending);
    ASSERT_TRUE(response.complete) << response.error;
    EXPECT_EQ(authorization == std::string("Basic known-user") ? 200u :
              authorization == std::string("Basic refused-user") ? 403u : 401u, response.status) << authorization;
  }
  EXPECT_EQ(3u, closing.GetRequests().size());
}
