// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  TEST(Configuration, MethodThatIsNotATokenIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedMethods": [ "GET", "GET, POST" ] })", "Cors.AllowedMethods[1]",
                              "is not an HTTP method"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedMethods": [ "" ] })", "Cors.AllowedMethods[0]"));
  }

  TEST(Configuration, MethodsKeepTheirCase)
  {
    // Methods are case-sensitive: "patch" is another method than "PATCH", kept as written.
    const Configuration configuration = ParseCors(R"({ "AllowedMethods": [ "patch", "PATCH" ], "Routes": [ "/wado" ] })");
    EXPECT_EQ((std::vector<std::string>{ "patch", "PATCH" }), configuration.policy.GetRoutes()[0].allowedMethods);
  }

  TEST(Configuration, DuplicateMethodsAndHeadersAreTolerated)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedMethods": [ "GET", "GET" ],
      "AllowedHeaders": [ "Authorization", "authorization" ], "ExposedHeaders": [ "ETag", "ETag" ],
      "Routes": [ "/wado" ] })");
    const RoutePolicy& route = configuration.policy.GetRoutes()[0];
    EXPECT_EQ((std::vector<std::string>{ "GET" }), route.allowedMethods);
    EXPECT_EQ((std::vector<std::string>{ "Authorization" }), route.allowedHeaders.names);
    EXPECT_EQ((std::vector<std::string>{ "ETag" }), route.exposedHeaders.names);
  }

  TEST(Configuration, HeaderNameThatIsNotATokenIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedHeaders": [ "X Custom" ] })", "Cors.AllowedHeaders[0]",
                              "is not a header name"));
    EXPECT_TRUE(CorsIsRefused(R"({ "ExposedHeaders": [ "ETag", "Location:" ] })", "Cors.ExposedHeaders[1]"));
  }

  TEST(Configuration, WildcardHeaderNameIsAFlagNotAName)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedHeaders": [ "Authorization", "*" ], "Routes": [ "/wado" ] })");
    const RoutePolicy& route = configuration.policy.GetRoutes()[0];
    EXPECT_TRUE(route.allowedHeaders.wildcard);
    EXPECT_EQ((std::vector<std::string>{ "Authorization" }), route.allowedHeaders.names);
  }

  TEST(Configuration, HeaderNamesKeepTheirCaseForOutput)
  {
    const Configuration configuration = ParseCors(R"({ "ExposedHeaders": [ "x-custom-ID" ], "Routes": [ "/wado" ] })");
    EXPECT_EQ((std::vector<std::string>{ "x-custom-ID" }), configuration.policy.GetRoutes()[0].exposedHeaders.names);
  }

  TEST(Configuration, EmptyListsAreAccepted)
  {
    const Configuration configuration = ParseCors(R"({ "AllowedMethods": [], "AllowedHeaders": [],
      "ExposedHeaders": [], "Routes": [ "/wado" ] })");
    const RoutePolicy& route = configuration.policy.GetRoutes()[0];
    EXPECT_TRUE(route.allowedMethods.empty());
    EXPECT_TRUE(route.allowedHeaders.names.empty());
    EXPECT_TRUE(route.exposedHeaders.names.empty());
  }
}
