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

  class GatewayFolders : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      std::ofstream(folder_.Path("index.html")) << INDEX;
      std::ofstream(folder_.Path("app.js")) << SCRIPT;

      FolderSettings viewer;
      viewer.prefix = "/ohif/";
      viewer.path = folder_.Path("");
      viewer.path.pop_back();   // no final '/'
      viewer.singlePageApplication = true;
      viewer.crossOriginIsolation = CrossOriginIsolation::RequireCorp;
      folders_ = std::make_shared<FolderServer>(std::vector<FolderSettings>{viewer},
                                                std::map<std::string, std::string>(), true, true,
                                                std::vector<std::string>{"/dicom-web/"});

      configuration_ = MakeTestConfiguration(upstream_.GetPort());
      RoutePolicy dicomWeb = configuration_->policy.GetRoutes().front();
      RoutePolicy ohif = dicomWeb;
      ohif.prefix = "/ohif/";
      configuration_->policy = Policy({dicomWeb, ohif}, 600, false, "cross-origin");
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
    FakeUpstream upstream_;
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
