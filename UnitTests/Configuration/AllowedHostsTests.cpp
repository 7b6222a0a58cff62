// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  TEST(AllowedHosts, LoopbackOnlyOrthancRestrictsHostsByDefault)
  {
    const auto configuration = ParseConfiguration(ParseJson("{ \"RemoteAccessAllowed\": false, \"Cors\": {} }"));
    ASSERT_TRUE(configuration.has_value());
    EXPECT_TRUE(configuration->allowedHosts.IsRestricted());
    EXPECT_TRUE(configuration->allowedHosts.Check({ { "Host", "rebind.evil.example" } }).has_value());
    EXPECT_FALSE(configuration->allowedHosts.Check({ { "Host", "localhost:8042" } }).has_value());

    // Orthanc's own default for RemoteAccessAllowed is false.
    EXPECT_TRUE(ParseConfiguration(ParseJson("{ \"Cors\": {} }"))->allowedHosts.IsRestricted());
  }

  TEST(AllowedHosts, RemoteAccessWithoutListAcceptsEveryHost)
  {
    EXPECT_FALSE(ParseCors("{}").allowedHosts.IsRestricted());
  }

  TEST(AllowedHosts, ListRestrictsEvenWithRemoteAccess)
  {
    const Configuration configuration = ParseCors("{ \"AllowedHosts\": [ \"PACS.Hospital.Example.\", \"*.viewers.example\" ] }");
    EXPECT_TRUE(configuration.allowedHosts.IsRestricted());
    EXPECT_EQ((std::vector<std::string>{ "pacs.hospital.example", "*.viewers.example" }),
              configuration.allowedHosts.GetListedHosts());
    EXPECT_FALSE(configuration.allowedHosts.Check({ { "Host", "pacs.hospital.example:8043" } }).has_value());
    EXPECT_TRUE(configuration.allowedHosts.Check({ { "Host", "other.example" } }).has_value());
  }

  TEST(AllowedHosts, WildcardTurnsTheCheckOff)
  {
    const auto configuration = ParseConfiguration(ParseJson(
      "{ \"RemoteAccessAllowed\": false, \"Cors\": { \"AllowedHosts\": [ \"*\" ] } }"));
    EXPECT_FALSE(configuration->allowedHosts.IsRestricted());
  }

  TEST(AllowedHosts, InvalidEntriesAreRefusedNamingTheEntry)
  {
    EXPECT_TRUE(CorsIsRefused("{ \"AllowedHosts\": [ \"pacs.example\", \"https://pacs.example\" ] }",
                              "Cors.AllowedHosts[1]", "no scheme and no port"));
    EXPECT_TRUE(CorsIsRefused("{ \"AllowedHosts\": [ \"pacs.example:8042\" ] }", "Cors.AllowedHosts[0]"));
    EXPECT_TRUE(CorsIsRefused("{ \"AllowedHosts\": [ \"\" ] }", "Cors.AllowedHosts[0]"));
    EXPECT_TRUE(CorsIsRefused("{ \"AllowedHosts\": \"pacs.example\" }", "Cors.AllowedHosts"));
    EXPECT_TRUE(CorsIsRefused("{ \"AllowedHosts\": [ 1 ] }", "Cors.AllowedHosts[0]"));
  }

  TEST(AllowedHosts, DescriptionListsTheHostsAndTheEffectiveCheck)
  {
    const Json::Value description = DescribeConfiguration(ParseCors("{ \"AllowedHosts\": [ \"pacs.example\" ] }"));
    ASSERT_EQ(1u, description["AllowedHosts"].size());
    EXPECT_EQ("pacs.example", description["AllowedHosts"][0].asString());
    EXPECT_NE(std::string::npos, description["Upstream"]["HostCheck"].asString().find("AllowedHosts"));
  }
}
