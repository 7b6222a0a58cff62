// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  namespace
  {
    const RoutePolicy& OnlyRoute(const Configuration& configuration)
    {
      if (configuration.policy.GetRoutes().size() != 1)
      {
        throw std::runtime_error("expected one route");
      }
      return configuration.policy.GetRoutes()[0];
    }
  }

  TEST(Configuration, OriginPatternsOfEveryKindAreKeptInOrder)
  {
    const Configuration configuration = ParseCors(R"({
      "AllowedOrigins": [ "http://localhost:3000", "https://*.hospital.example",
                          "regex:^https://viewer-[0-9]+\\.example\\.org$", "*", "null" ],
      "Routes": [ "/wado" ] })");

    const std::vector<OriginPattern>& origins = OnlyRoute(configuration).allowedOrigins;
    ASSERT_EQ(5u, origins.size());
    EXPECT_EQ(OriginPattern::Kind::Exact, origins[0].GetKind());
    EXPECT_EQ(OriginPattern::Kind::Subdomains, origins[1].GetKind());
    EXPECT_EQ(OriginPattern::Kind::Regex, origins[2].GetKind());
    EXPECT_EQ(OriginPattern::Kind::Any, origins[3].GetKind());
    EXPECT_EQ(OriginPattern::Kind::Null, origins[4].GetKind());
    EXPECT_EQ("http://localhost:3000", origins[0].GetText());
  }

  TEST(Configuration, InvalidOriginIsRefusedNamingItsIndex)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://localhost:3000", "https://viewer.example/" ] })",
                              "Cors.AllowedOrigins[1]", "https://viewer.example/"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "https://viewer.example:443" ] })", "Cors.AllowedOrigins[0]"));
  }

  TEST(Configuration, InvalidRegexIsRefusedNamingItsIndex)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://a.example", "http://b.example", "regex:^https://(a" ] })",
                              "Cors.AllowedOrigins[2]", "regular expression"));
  }

  TEST(Configuration, CredentialsWithAnyOriginAreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://a.example", "*" ], "AllowCredentials": true })",
                              "Cors.AllowedOrigins[1]", "cannot be combined with \"AllowCredentials\": true"));
  }

  TEST(Configuration, CredentialsRefusalExplainsTheHole)
  {
    const std::string message = ErrorMessage(WithCors(R"({ "AllowedOrigins": [ "*" ], "AllowCredentials": true })"));
    EXPECT_NE(std::string::npos, message.find("classic CORS hole")) << message;
    EXPECT_NE(std::string::npos, message.find("list the origins")) << message;
  }

  TEST(Configuration, CredentialsWithNullOriginAreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "null" ], "AllowCredentials": true })",
                              "Cors.AllowedOrigins[0]", "\"null\""));
  }

  TEST(Configuration, CredentialsWithWildcardAllowedHeadersAreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://a.example" ], "AllowCredentials": true,
                                   "AllowedHeaders": [ "Authorization", "*" ] })",
                              "Cors.AllowedHeaders[1]", "literally named \"*\""));
  }

  TEST(Configuration, CredentialsWithWildcardExposedHeadersAreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://a.example" ], "AllowCredentials": true,
                                   "ExposedHeaders": [ "*" ] })",
                              "Cors.ExposedHeaders[0]", "cannot be combined"));
  }

  TEST(Configuration, CredentialsWithListedOriginsAndHeadersAreAccepted)
  {
    const Configuration configuration = ParseCors(R"({
      "AllowedOrigins": [ "http://localhost:3000", "https://*.hospital.example" ],
      "AllowCredentials": true, "Routes": [ "/dicom-web/" ] })");
    EXPECT_TRUE(OnlyRoute(configuration).allowCredentials);
  }

  TEST(Configuration, WildcardsWithoutCredentialsAreAccepted)
  {
    const Configuration configuration = ParseCors(R"({
      "AllowedOrigins": [ "*", "null" ], "AllowedHeaders": [ "*" ], "ExposedHeaders": [ "*" ],
      "Routes": [ "/dicom-web/" ] })");
    EXPECT_TRUE(OnlyRoute(configuration).allowedHeaders.wildcard);
    EXPECT_TRUE(OnlyRoute(configuration).exposedHeaders.wildcard);
  }

  TEST(Configuration, RouteEnablingCredentialsOverInheritedWildcardOriginIsRefused)
  {
    // The section is fine on its own: the route's own setting is the one to fix.
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "*" ],
                                   "Routes": [ { "Prefix": "/dicom-web/", "AllowCredentials": true } ] })",
                              "Cors.Routes[0].AllowCredentials", "\"*\" in Cors.AllowedOrigins"));
  }

  TEST(Configuration, RouteListingWildcardOriginUnderSectionCredentialsIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "http://a.example" ], "AllowCredentials": true,
                                   "Routes": [ "/wado", { "Prefix": "/dicom-web/", "AllowedOrigins": [ "http://b.example", "*" ] } ] })",
                              "Cors.Routes[1].AllowedOrigins[1]", "cannot be combined"));
  }

  TEST(Configuration, RouteEnablingCredentialsOverInheritedWildcardHeadersIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedHeaders": [ "*" ],
                                   "Routes": [ { "Prefix": "/wado", "AllowedOrigins": [ "http://a.example" ],
                                                 "AllowCredentials": true } ] })",
                              "Cors.Routes[0].AllowCredentials", "Cors.AllowedHeaders"));
  }

  TEST(Configuration, RouteReplacingWildcardOriginsMayUseCredentials)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedOrigins": [ "*" ],
      "Routes": [ { "Prefix": "/dicom-web/", "AllowedOrigins": [ "https://viewer.example" ], "AllowCredentials": true } ] })");
    EXPECT_TRUE(OnlyRoute(configuration).allowCredentials);
    ASSERT_EQ(1u, OnlyRoute(configuration).allowedOrigins.size());
    EXPECT_EQ("https://viewer.example", OnlyRoute(configuration).allowedOrigins[0].GetText());
  }

  TEST(Configuration, SectionCredentialsWithWildcardAreRefusedEvenWhenNoRouteInheritsThem)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": [ "*" ], "AllowCredentials": true, "Routes": [] })",
                              "Cors.AllowedOrigins[0]"));
  }
}
