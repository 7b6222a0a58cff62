// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    std::vector<std::string> Prefixes(const Configuration& configuration)
    {
      std::vector<std::string> prefixes;
      for (const RoutePolicy& route : configuration.policy.GetRoutes())
      {
        prefixes.push_back(route.prefix);
      }
      std::sort(prefixes.begin(), prefixes.end());
      return prefixes;
    }

    const RoutePolicy& RouteOf(const Configuration& configuration, const std::string& prefix)
    {
      for (const RoutePolicy& route : configuration.policy.GetRoutes())
      {
        if (route.prefix == prefix)
        {
          return route;
        }
      }
      throw std::runtime_error("no route " + prefix);
    }
  }

  TEST(Routes, DefaultRoutesAreDicomWebRootWadoAndEveryFolder)
  {
    TemporaryDirectory temporary;
    const std::string viewer = temporary.MakeDirectory("viewer");

    const Configuration configuration = ParseCors(R"({ "Folders": { "/ohif": )" + Quoted(viewer) +
                                                  R"(, "/stone/": )" + Quoted(viewer) + " } }");
    EXPECT_EQ((std::vector<std::string>{ "/dicom-web/", "/ohif/", "/stone/", "/wado" }), Prefixes(configuration));
  }

  TEST(Routes, DefaultRoutesFollowOrthancDicomWebRoot)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(ParseJson(R"({
      "DicomWeb": { "Enable": true, "Root": "dicom" }, "Cors": {} })"));
    ASSERT_TRUE(configuration);
    EXPECT_EQ((std::vector<std::string>{ "/dicom/", "/wado" }), Prefixes(*configuration));
  }

  TEST(Routes, DefaultRoutesNeverExposeTheWholeServer)
  {
    // A folder at "/" is served by the gateway; exposing "/" by default would make
    // /tools, /modalities, /jobs... readable cross-origin.
    TemporaryDirectory temporary;
    const Configuration configuration = ParseCors(R"({ "Folders": { "/": )" + Quoted(temporary.GetPath().string()) + " } }");
    EXPECT_EQ((std::vector<std::string>{ "/dicom-web/", "/wado" }), Prefixes(configuration));
  }

  TEST(Routes, RootMayBeExposedWhenListedExplicitly)
  {
    EXPECT_EQ((std::vector<std::string>{ "/" }), Prefixes(ParseCors(R"({ "Routes": [ "/" ] })")));
  }

  TEST(Routes, EmptyRoutesExposeNothing)
  {
    EXPECT_TRUE(ParseCors(R"({ "Routes": [] })").policy.GetRoutes().empty());
  }

  TEST(Routes, RouteStringTakesTheSectionSettings)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedOrigins": [ "http://localhost:3000" ],
      "AllowedMethods": [ "GET" ], "Routes": [ "/dicom-web/studies" ] })");
    const RoutePolicy& route = RouteOf(configuration, "/dicom-web/studies");
    ASSERT_EQ(1u, route.allowedOrigins.size());
    EXPECT_EQ("http://localhost:3000", route.allowedOrigins[0].GetText());
    EXPECT_EQ((std::vector<std::string>{ "GET" }), route.allowedMethods);
  }

  TEST(Routes, RouteObjectOverridesOnlyWhatItLists)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedOrigins": [ "http://localhost:3000" ],
      "Routes": [ "/wado",
                  { "Prefix": "/dicom-web/", "AllowedMethods": [ "GET", "POST" ],
                    "AllowedOrigins": [ "https://viewer.example" ], "AllowCredentials": true,
                    "AllowedHeaders": [ "Authorization" ], "ExposedHeaders": [ "ETag" ] } ] })");

    const RoutePolicy& dicomWeb = RouteOf(configuration, "/dicom-web/");
    EXPECT_EQ((std::vector<std::string>{ "GET", "POST" }), dicomWeb.allowedMethods);
    EXPECT_EQ("https://viewer.example", dicomWeb.allowedOrigins.at(0).GetText());
    EXPECT_TRUE(dicomWeb.allowCredentials);
    EXPECT_EQ((std::vector<std::string>{ "Authorization" }), dicomWeb.allowedHeaders.names);
    EXPECT_EQ((std::vector<std::string>{ "ETag" }), dicomWeb.exposedHeaders.names);

    const RoutePolicy& wado = RouteOf(configuration, "/wado");
    EXPECT_EQ("http://localhost:3000", wado.allowedOrigins.at(0).GetText());
    EXPECT_FALSE(wado.allowCredentials);
    EXPECT_EQ(5u, wado.allowedMethods.size());
  }

  TEST(Routes, RouteObjectInheritsWhatItDoesNotList)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedOrigins": [ "http://localhost:3000" ],
      "ExposedHeaders": [ "Location" ], "Routes": [ { "Prefix": "/dicom-web/", "AllowedMethods": [ "GET" ] } ] })");
    const RoutePolicy& route = RouteOf(configuration, "/dicom-web/");
    EXPECT_EQ("http://localhost:3000", route.allowedOrigins.at(0).GetText());
    EXPECT_EQ((std::vector<std::string>{ "Location" }), route.exposedHeaders.names);
  }

  TEST(Routes, RouteObjectWithoutPrefixIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "AllowedMethods": [ "GET" ] } ] })", "Cors.Routes[0]",
                              "needs a \"Prefix\""));
  }

  TEST(Routes, RoutePrefixMustStartWithSlash)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "dicom-web/" ] })", "Cors.Routes[0]", "must start with \"/\""));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "Prefix": "" } ] })", "Cors.Routes[0].Prefix", "must start with \"/\""));
  }

  TEST(Routes, RoutePrefixThatCouldNeverMatchIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/dicom-web/../tools" ] })", "Cors.Routes[0]", "normalized"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/wado?x=1" ] })", "Cors.Routes[0]", "query"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/dicom web/" ] })", "Cors.Routes[0]"));
  }

  TEST(Routes, DuplicateRoutePrefixesAreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/wado", "/dicom-web/", { "Prefix": "/wado/" } ] })",
                              "Cors.Routes[2].Prefix", "duplicate route"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/wado", "/wado" ] })", "Cors.Routes[1]", "Cors.Routes[0]"));
  }

  TEST(Routes, RouteThatIsNeitherStringNorObjectIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/wado", 42 ] })", "Cors.Routes[1]", "expected a URI prefix"));
  }

  TEST(Routes, RouteObjectSettingsAreTypeChecked)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "Prefix": "/wado", "AllowCredentials": "yes" } ] })",
                              "Cors.Routes[0].AllowCredentials", "expected a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "Prefix": "/wado", "AllowedOrigins": [ "https://a.example/path" ] } ] })",
                              "Cors.Routes[0].AllowedOrigins[0]"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "Prefix": 1 } ] })", "Cors.Routes[0].Prefix", "expected a string"));
  }
}
