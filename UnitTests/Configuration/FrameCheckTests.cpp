// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include "Configuration/PolicyCheck.h"
#include "Configuration/RelayPrefixes.h"

#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    // As the plugin builds it (CorsPlugin): the folders and the paths relayed to Orthanc.
    Json::Value CheckWith(const Configuration& configuration, const std::string& query)
    {
      const FolderServer folders(configuration.folders, configuration.mimeTypes, configuration.allowCache,
                                 configuration.generateETag, GetRelayPrefixes(configuration));
      return CheckBrowserRequest(configuration, folders, ParseJson(query));
    }

    // A viewer at "/" of the gateway that one portal may frame, and a plain folder.
    class FrameCheck : public ::testing::Test
    {
    protected:
      TemporaryDirectory viewer_;
      TemporaryDirectory plain_;
      Configuration configuration_;

      void SetUp() override
      {
        configuration_ = ParseCors(R"({ "Folders": {
          "/": { "Path": )" + Quoted(viewer_.GetPath().string()) + R"(, "SinglePageApplication": true,
                 "CrossOriginIsolation": "require-corp", "FrameAncestors": [ "https://portal.example" ] },
          "/plain": )" + Quoted(plain_.GetPath().string()) + R"( } })");
      }

      Json::Value Check(const std::string& query) const
      {
        return CheckWith(configuration_, query);
      }
    };
  }

  TEST_F(FrameCheck, ListedOriginMayFrameTheFolderAndLearnsWhatIsolationNeeds)
  {
    const Json::Value answer = Check(R"({ "Origin": "https://portal.example", "Path": "/viewer?x=1", "Frame": true })");
    EXPECT_EQ("/", answer["Folder"].asString());
    EXPECT_TRUE(answer["Allowed"].asBool());
    EXPECT_NE(std::string::npos, answer["Reason"].asString().find("allow=\"cross-origin-isolated\""));
    EXPECT_EQ("frame-ancestors 'self' https://portal.example", answer["Headers"]["Content-Security-Policy"].asString());
    EXPECT_EQ("cross-origin", answer["Headers"]["Cross-Origin-Resource-Policy"].asString());
    EXPECT_EQ("require-corp", answer["Headers"]["Cross-Origin-Embedder-Policy"].asString());
    EXPECT_FALSE(answer["Headers"].isMember("Cross-Origin-Opener-Policy"));
  }

  TEST_F(FrameCheck, OriginNotListedIsRefusedWithTheList)
  {
    const Json::Value answer = Check(R"({ "Origin": "https://evil.example", "Path": "/", "Frame": true })");
    EXPECT_FALSE(answer["Allowed"].asBool());
    EXPECT_NE(std::string::npos, answer["Reason"].asString().find("is https://portal.example")) << answer;

    const Json::Value plain = Check(R"({ "Origin": "https://portal.example", "Path": "/plain/a.html", "Frame": true })");
    EXPECT_EQ("/plain/", plain["Folder"].asString());
    EXPECT_FALSE(plain["Allowed"].asBool());
    EXPECT_NE(std::string::npos, plain["Reason"].asString().find("lists no origin")) << plain;
    EXPECT_EQ("SAMEORIGIN", plain["Headers"]["X-Frame-Options"].asString());
  }

  TEST_F(FrameCheck, PathIsReadAsTheFolderServerReadsIt)
  {
    // "%70lain" is "/plain": percent-decoded, as the gateway decodes the request-target.
    EXPECT_EQ("/plain/", Check(R"({ "Origin": "https://portal.example", "Path": "/%70lain/a.html",
                                   "Frame": true })")["Folder"].asString());
    EXPECT_THROW(Check(R"({ "Origin": "https://portal.example", "Path": "/plain/..%2f..%2fetc", "Frame": true })"),
                 std::invalid_argument);
  }

  TEST_F(FrameCheck, FolderWithoutIsolationSaysAnIsolatedPortalCannotFrameIt)
  {
    TemporaryDirectory viewer;
    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": { "Path": )" +
      Quoted(viewer.GetPath().string()) + R"(, "FrameAncestors": [ "https://portal.example" ] } } })");
    const Json::Value answer = CheckWith(
      configuration, R"({ "Origin": "http://portal.example", "Path": "/ohif/", "Frame": true })");
    EXPECT_FALSE(answer["Allowed"].asBool()) << answer;   // https:// is listed, not http://
    const Json::Value allowed = CheckWith(
      configuration, R"({ "Origin": "https://portal.example", "Path": "/ohif/", "Frame": true })");
    EXPECT_TRUE(allowed["Allowed"].asBool());
    EXPECT_NE(std::string::npos, allowed["Reason"].asString().find("CrossOriginIsolation is off")) << allowed;
  }

  TEST_F(FrameCheck, PathTheGatewayRelaysToOrthancIsNoFoldersToAnswerFor)
  {
    const Json::Value answer = Check(R"({ "Origin": "https://portal.example", "Path": "/dicom-web/studies",
                                         "Frame": true })");
    EXPECT_TRUE(answer["Folder"].isNull());
    EXPECT_TRUE(answer["Allowed"].isNull());
    EXPECT_NE(std::string::npos, answer["Reason"].asString().find("Orthanc's own headers"));
  }

  TEST_F(FrameCheck, QueryMixingFrameWithRequestKeysOrBadValuesIsRefused)
  {
    EXPECT_THROW(Check(R"({ "Origin": "https://portal.example", "Path": "/", "Frame": true, "Method": "GET" })"),
                 std::invalid_argument);
    EXPECT_THROW(Check(R"({ "Origin": "https://portal.example", "Path": "/", "Frame": "yes" })"),
                 std::invalid_argument);
    EXPECT_THROW(Check(R"({ "Origin": "https://portal.example/", "Path": "/", "Frame": true })"),
                 std::invalid_argument);
    EXPECT_THROW(Check(R"({ "Origin": "https://portal.example", "Path": "viewer", "Frame": true })"),
                 std::invalid_argument);
    // "Frame": false is the request check.
    EXPECT_TRUE(Check(R"({ "Origin": "https://portal.example", "Path": "/plain/a.html", "Frame": false })")
                .isMember("PreflightRequired"));
  }
}
