// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"
#include "Configuration/RelayPrefixes.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    std::vector<std::string> SortedRelayPrefixes(const Configuration& configuration)
    {
      std::vector<std::string> prefixes = GetRelayPrefixes(configuration);
      std::sort(prefixes.begin(), prefixes.end());
      return prefixes;
    }
  }

  TEST(RelayPrefixes, DicomWebRootAndOrthancApplicationsAreAlwaysRelayed)
  {
    EXPECT_EQ((std::vector<std::string>{ "/app/", "/dicom-web/", "/ui/" }),
              SortedRelayPrefixes(ParseCors(R"({ "Routes": [] })")));
  }

  TEST(RelayPrefixes, DicomWebRootFollowsOrthanc)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(ParseJson(R"({
      "DicomWeb": { "Enable": true, "Root": "/dicom/" }, "Cors": { "Routes": [] } })"));
    ASSERT_TRUE(configuration);
    EXPECT_EQ((std::vector<std::string>{ "/app/", "/dicom/", "/ui/" }), SortedRelayPrefixes(*configuration));
  }

  TEST(RelayPrefixes, DefaultRoutesAddWadoButNotTheFolders)
  {
    TemporaryDirectory temporary;
    const std::string path = Quoted(temporary.GetPath().string());
    const Configuration configuration = ParseCors(R"({ "Folders": { "/": )" + path + R"(, "/ohif": )" + path + " } }");
    EXPECT_EQ((std::vector<std::string>{ "/app/", "/dicom-web/", "/dicom-web/", "/ui/", "/wado" }),
              SortedRelayPrefixes(configuration));
  }

  TEST(RelayPrefixes, RouteCoveringTheSameRequestsAsAFolderIsTheFoldersOwn)
  {
    TemporaryDirectory temporary;
    const std::string path = Quoted(temporary.GetPath().string());
    const Configuration configuration = ParseCors(R"({ "Folders": { "/": )" + path + R"(, "/ohif/": )" + path +
                                                  R"( }, "Routes": [ "/", "/ohif", "/ohif/api/", "/studies" ] })");
    EXPECT_EQ((std::vector<std::string>{ "/app/", "/dicom-web/", "/ohif/api/", "/studies", "/ui/" }),
              SortedRelayPrefixes(configuration));
  }
}
