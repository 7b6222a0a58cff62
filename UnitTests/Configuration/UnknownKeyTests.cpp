// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

#include "Configuration/KeySuggestion.h"

namespace OrthancCors
{
  TEST(Configuration, UnknownKeyIsRefusedWithSuggestion)
  {
    EXPECT_EQ("Cors.AllowedOrigin: unknown key (did you mean \"AllowedOrigins\"?)",
              ErrorMessage(WithCors(R"({ "AllowedOrigin": [ "http://localhost:3000" ] })")));
  }

  TEST(Configuration, UnknownKeyDifferingOnlyByCaseSuggestsTheRightSpelling)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "allowcredentials": false })", "Cors.allowcredentials",
                              "did you mean \"AllowCredentials\"?"));
  }

  TEST(Configuration, SnakeCaseKeySuggestsTheConfigurationName)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "allowed_origins": [] })", "Cors.allowed_origins",
                              "did you mean \"AllowedOrigins\"?"));
  }

  TEST(Configuration, UnknownKeyFarFromEveryKnownKeyIsRefusedWithoutSuggestion)
  {
    EXPECT_EQ("Cors.Banana: unknown key", ErrorMessage(WithCors(R"({ "Banana": 1 })")));
  }

  TEST(Configuration, UnknownKeyInGatewayIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Prot": 8043 } })", "Cors.Gateway.Prot",
                              "unknown key (did you mean \"Port\"?)"));
  }

  TEST(Configuration, UnknownKeyInFolderEntryIsRefused)
  {
    TemporaryDirectory temporary;
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": { "/ohif": { "Path": )" + Quoted(temporary.GetPath().string()) +
                              R"(, "SinglePageApp": true } } })",
                              "Cors.Folders[\"/ohif\"].SinglePageApp",
                              "did you mean \"SinglePageApplication\"?"));
  }

  TEST(Configuration, UnknownKeyInRouteObjectIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ "/wado", { "Prefix": "/dicom-web/", "AllowedMethod": [ "GET" ] } ] })",
                              "Cors.Routes[1].AllowedMethod", "did you mean \"AllowedMethods\"?"));
  }

  TEST(Configuration, SectionOnlyKeyInRouteObjectIsRefused)
  {
    // MaxAge is a section-wide setting: silently ignoring it per route would mislead.
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": [ { "Prefix": "/wado", "MaxAge": 60 } ] })",
                              "Cors.Routes[0].MaxAge", "unknown key"));
  }

  TEST(KeySuggestion, ShortKeysTolerateFewerMistakes)
  {
    const std::vector<std::string> known = { "Path", "SinglePageApplication", "CrossOriginIsolation" };
    EXPECT_EQ("Path", SuggestClosestKey("Pth", known));
    EXPECT_EQ("Path", SuggestClosestKey("path", known));
    EXPECT_FALSE(SuggestClosestKey("Port", known).has_value());
  }

  TEST(KeySuggestion, ClosestKeyWins)
  {
    const std::vector<std::string> known = { "AllowedHeaders", "ExposedHeaders", "AllowedMethods" };
    EXPECT_EQ("ExposedHeaders", SuggestClosestKey("ExposeHeaders", known));
    EXPECT_EQ("AllowedHeaders", SuggestClosestKey("AllowHeaders", known));
  }

  TEST(KeySuggestion, TransposedLettersCountAsOneMistake)
  {
    EXPECT_EQ("Port", SuggestClosestKey("Prot", { "Enable", "Port", "Threads" }));
  }

  TEST(KeySuggestion, AbbreviatedKeySuggestsTheFullKey)
  {
    EXPECT_EQ("SinglePageApplication", SuggestClosestKey("SinglePageApp", { "Path", "SinglePageApplication" }));
    EXPECT_FALSE(SuggestClosestKey("Sin", { "Path", "SinglePageApplication" }).has_value());
  }
}
