// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  TEST(Configuration, NoCorsSectionLeavesThePluginInactive)
  {
    EXPECT_FALSE(ParseConfiguration(ParseJson("{ \"HttpPort\": 8042 }")).has_value());
    EXPECT_FALSE(ParseConfiguration(Json::Value()).has_value());
  }

  TEST(Configuration, CorsSectionThatIsNotAnObjectIsRefused)
  {
    EXPECT_TRUE(IsRefused(ParseJson("{ \"Cors\": [] }"), "Cors", "expected an object, got an array"));
    EXPECT_TRUE(IsRefused(ParseJson("{ \"Cors\": true }"), "Cors", "expected an object"));
    EXPECT_TRUE(IsRefused(ParseJson("{ \"Cors\": null }"), "Cors", "expected an object, got null"));
  }

  TEST(Configuration, EmptyCorsSectionTakesEveryDefault)
  {
    const Configuration configuration = ParseCors("{}");
    const Policy& policy = configuration.policy;

    EXPECT_EQ(600u, policy.GetMaxAgeSeconds());
    EXPECT_FALSE(policy.IsPrivateNetworkAllowed());
    EXPECT_EQ("cross-origin", policy.GetResourcePolicy());
    EXPECT_TRUE(configuration.rejectForeignOrigins);
    EXPECT_TRUE(configuration.allowCache);
    EXPECT_TRUE(configuration.generateETag);
    EXPECT_TRUE(configuration.folders.empty());
    EXPECT_TRUE(configuration.mimeTypes.empty());

    ASSERT_FALSE(policy.GetRoutes().empty());
    for (const RoutePolicy& route : policy.GetRoutes())
    {
      EXPECT_TRUE(route.allowedOrigins.empty());
      EXPECT_FALSE(route.allowCredentials);
      EXPECT_EQ((std::vector<std::string>{ "GET", "HEAD", "POST", "PUT", "DELETE" }), route.allowedMethods);
      EXPECT_FALSE(route.allowedHeaders.wildcard);
      EXPECT_EQ((std::vector<std::string>{ "Accept", "Authorization", "Content-Type", "Range", "X-Requested-With" }),
                route.allowedHeaders.names);
      EXPECT_FALSE(route.exposedHeaders.wildcard);
      EXPECT_EQ((std::vector<std::string>{ "Content-Disposition", "Content-Length", "Content-Range", "ETag", "Location",
                                            "Warning" }),
                route.exposedHeaders.names);
    }
  }

  TEST(Configuration, DesignExampleIsAccepted)
  {
    TemporaryDirectory temporary;
    const std::string ohif = temporary.MakeDirectory("ohif");

    const Configuration configuration = ParseCors(R"({
      "AllowedOrigins" : [ "http://localhost:3000", "https://*.hospital.example",
                           "regex:^https://viewer-[0-9]+\\.example\\.org$" ],
      "AllowCredentials" : false,
      "AllowedMethods" : [ "GET", "HEAD", "POST", "PUT", "DELETE" ],
      "AllowedHeaders" : [ "Accept", "Authorization", "Content-Type", "Range", "X-Requested-With" ],
      "ExposedHeaders" : [ "Content-Disposition", "Content-Length", "ETag", "Location", "Warning" ],
      "MaxAge" : 600,
      "AllowPrivateNetwork" : false,
      "ResourcePolicy" : "cross-origin",
      "Routes" : [ "/dicom-web/", "/wado" ],
      "RejectForeignOrigins" : true,
      "Gateway" : { "Enable" : true, "Port" : 8043, "BindAddress" : "0.0.0.0",
                    "SslEnabled" : false, "SslCertificate" : "", "SslPrivateKey" : "",
                    "Threads" : 0, "MaxConnections" : 1000, "IdleTimeout" : 60, "UpstreamTimeout" : 300 },
      "Folders" : { "/ohif" : { "Path" : )" + Quoted(ohif) + R"(, "SinglePageApplication" : true,
                                "CrossOriginIsolation" : "require-corp" } },
      "Extensions" : { ".wasm" : "application/wasm" },
      "AllowCache" : true,
      "GenerateETag" : true
    })");

    ASSERT_EQ(2u, configuration.policy.GetRoutes().size());
    EXPECT_EQ(3u, configuration.policy.GetRoutes()[0].allowedOrigins.size());
    ASSERT_EQ(1u, configuration.folders.size());
    EXPECT_EQ("/ohif/", configuration.folders[0].prefix);
    EXPECT_EQ("application/wasm", configuration.mimeTypes.at(".wasm"));
  }

  TEST(Configuration, SectionLevelSettingsAreRead)
  {
    const Configuration configuration = ParseCors(R"({
      "MaxAge": 7200, "AllowPrivateNetwork": true, "ResourcePolicy": "same-site",
      "RejectForeignOrigins": false, "AllowCache": false, "GenerateETag": false })");

    EXPECT_EQ(7200u, configuration.policy.GetMaxAgeSeconds());
    EXPECT_TRUE(configuration.policy.IsPrivateNetworkAllowed());
    EXPECT_EQ("same-site", configuration.policy.GetResourcePolicy());
    EXPECT_FALSE(configuration.rejectForeignOrigins);
    EXPECT_FALSE(configuration.allowCache);
    EXPECT_FALSE(configuration.generateETag);
  }

  TEST(Configuration, MaxAgeAbove86400IsRefusedBecauseBrowsersCapIt)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": 86401 })", "Cors.MaxAge", "between 0 and 86400"));
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": 86401 })", "Cors.MaxAge", "browsers cap"));
  }

  TEST(Configuration, NegativeMaxAgeIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": -1 })", "Cors.MaxAge", "got -1"));
  }

  TEST(Configuration, MaxAgeBoundsAreAccepted)
  {
    EXPECT_EQ(0u, ParseCors(R"({ "MaxAge": 0 })").policy.GetMaxAgeSeconds());
    EXPECT_EQ(86400u, ParseCors(R"({ "MaxAge": 86400 })").policy.GetMaxAgeSeconds());
  }

  TEST(Configuration, ResourcePolicyAcceptsTheThreeValuesAndEmptyForNone)
  {
    for (const std::string value : { "same-origin", "same-site", "cross-origin", "" })
    {
      EXPECT_EQ(value, ParseCors("{ \"ResourcePolicy\": \"" + value + "\" }").policy.GetResourcePolicy());
    }
  }

  TEST(Configuration, UnknownResourcePolicyIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "ResourcePolicy": "Cross-Origin" })", "Cors.ResourcePolicy", "is not one of"));
    EXPECT_TRUE(CorsIsRefused(R"({ "ResourcePolicy": "none" })", "Cors.ResourcePolicy"));
  }
}
