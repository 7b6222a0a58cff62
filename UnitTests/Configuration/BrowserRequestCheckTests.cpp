// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include "Configuration/PolicyCheck.h"
#include "Configuration/RelayPrefixes.h"

namespace OrthancCors
{
  namespace
  {
    // POST /cors/check on a policy with one route, "/dicom-web/", open to one viewer.
    Json::Value CheckPath(const std::string& path)
    {
      const Configuration configuration = ParseCors(R"({ "AllowedOrigins": [ "https://viewer.example" ],
        "Routes": [ "/dicom-web/" ] })");
      const FolderServer folders(configuration.folders, configuration.mimeTypes, configuration.allowCache,
                                 configuration.generateETag, GetRelayPrefixes(configuration));
      return CheckBrowserRequest(configuration, folders,
                                 ParseJson(R"({ "Origin": "https://viewer.example", "Path": ")" + path + "\" }"));
    }

    TEST(BrowserRequestCheck, RouteIsFoundForThePathBeforeItsFirstQuestionMarkOrHash)
    {
      const Json::Value hashBeforeSlash = CheckPath("/dicom-web#/studies");
      EXPECT_EQ("/dicom-web/", hashBeforeSlash["Route"].asString()) << hashBeforeSlash;
      EXPECT_TRUE(hashBeforeSlash["Allowed"].asBool()) << hashBeforeSlash;

      EXPECT_EQ("/dicom-web/", CheckPath("/dicom-web/studies?limit=1")["Route"].asString());
      EXPECT_TRUE(CheckPath("/instances#/dicom-web/")["Route"].isNull());
      EXPECT_FALSE(CheckPath("/instances#/dicom-web/")["Allowed"].asBool());
    }
  }
}
