// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  Policy ThreeRoutes()
  {
    PolicySpec spec;
    RouteSpec dicomWeb;
    dicomWeb.prefix = "/dicom-web/";
    RouteSpec studies;
    studies.prefix = "/dicom-web/studies";
    studies.methods = { "GET" };
    RouteSpec wado;
    wado.prefix = "/wado";
    spec.routes = { dicomWeb, studies, wado };
    return MakePolicy(spec);
  }

  // The prefix of the route a path maps to, "" when it maps to none.
  std::string RouteOf(const Policy& policy, const std::string& path)
  {
    const RoutePolicy* route = policy.FindRoute(path);
    return route == nullptr ? "" : route->prefix;
  }

  struct RoutingCase
  {
    const char* name;
    std::string path;
    std::string expectedRoute;
  };

  class RoutePrefix : public testing::TestWithParam<RoutingCase>
  {
  };
}


TEST_P(RoutePrefix, PathMapsToTheLongestMatchingPrefixAfterNormalization)
{
  EXPECT_EQ(GetParam().expectedRoute, RouteOf(ThreeRoutes(), GetParam().path));
}

INSTANTIATE_TEST_SUITE_P(Routing, RoutePrefix, testing::Values(
  RoutingCase{ "SlashPrefixMatchesItself", "/dicom-web/", "/dicom-web/" },
  RoutingCase{ "SlashPrefixMatchesItselfWithoutTheSlash", "/dicom-web", "/dicom-web/" },
  RoutingCase{ "SlashPrefixMatchesAnythingBelow", "/dicom-web/series", "/dicom-web/" },
  RoutingCase{ "SlashPrefixDoesNotMatchASiblingName", "/dicom-webx", "" },
  RoutingCase{ "LongestPrefixWins", "/dicom-web/studies/1.2.3/series", "/dicom-web/studies" },
  RoutingCase{ "LongerPrefixMatchesItselfExactly", "/dicom-web/studies", "/dicom-web/studies" },
  RoutingCase{ "PrefixWithoutSlashMatchesItself", "/wado", "/wado" },
  RoutingCase{ "PrefixWithoutSlashMatchesItselfWithSlash", "/wado/", "/wado" },
  RoutingCase{ "PrefixWithoutSlashMatchesBelow", "/wado/x", "/wado" },
  RoutingCase{ "PrefixWithoutSlashIsNotAStringPrefix", "/wadox", "" },
  RoutingCase{ "PrefixWithoutSlashLongerPrefixOnlyAtSegmentBoundary", "/dicom-web/studiesx", "/dicom-web/" },
  RoutingCase{ "UnlistedOrthancRouteIsNotExposed", "/tools/find", "" },
  RoutingCase{ "DotDotOutOfTheRouteIsNotExposed", "/dicom-web/../tools/x", "" },
  RoutingCase{ "EncodedDotDotOutOfTheRouteIsNotExposed", "/dicom-web/%2e%2e/tools", "" },
  RoutingCase{ "MixedCaseEncodedDotDotIsNotExposed", "/dicom-web/.%2E/tools", "" },
  RoutingCase{ "DotDotIntoTheRouteIsExposed", "/tools/../dicom-web/studies", "/dicom-web/studies" },
  RoutingCase{ "SingleDotSegmentsAreRemoved", "/./dicom-web/./series", "/dicom-web/" },
  RoutingCase{ "DotDotAfterDoubleSlashStillLeavesTheRoute", "/dicom-web//../tools", "" },
  RoutingCase{ "EncodedUnreservedCharactersAreDecoded", "/%64icom-web/series", "/dicom-web/" },
  RoutingCase{ "EncodedSlashIsNeverRouted", "/dicom-web%2Fseries", "" },
  RoutingCase{ "EncodedSlashInsideRouteIsNeverRouted", "/dicom-web/%2F..%2Ftools", "" },
  RoutingCase{ "EncodedBackslashIsNeverRouted", "/dicom-web/..%5Ctools", "" },
  RoutingCase{ "RawBackslashIsNeverRouted", "/dicom-web/..\\tools", "" },
  RoutingCase{ "InvalidEscapeIsNeverRouted", "/dicom-web/%zz", "" },
  RoutingCase{ "TruncatedEscapeIsNeverRouted", "/dicom-web/%2", "" },
  RoutingCase{ "EncodedNulIsNeverRouted", "/dicom-web/%00", "" },
  RoutingCase{ "AsteriskFormIsNeverRouted", "*", "" },
  RoutingCase{ "AbsoluteFormIsNeverRouted", "http://orthanc/dicom-web/", "" },
  RoutingCase{ "PrefixMatchIsCaseSensitive", "/DICOM-WEB/studies", "" }
), [](const testing::TestParamInfo<RoutingCase>& info) { return std::string(info.param.name); });


TEST(Routing, RoutesAreListedLongestPrefixFirst)
{
  const Policy policy = ThreeRoutes();
  ASSERT_EQ(3u, policy.GetRoutes().size());
  EXPECT_EQ("/dicom-web/studies", policy.GetRoutes()[0].prefix);
  EXPECT_EQ("/dicom-web/", policy.GetRoutes()[1].prefix);
  EXPECT_EQ("/wado", policy.GetRoutes()[2].prefix);
}


TEST(PathNormalization, RemovesDotSegmentsAsRfc3986)
{
  EXPECT_EQ("/a/g", NormalizePathForRouting("/a/b/c/./../../g"));
  EXPECT_EQ("/a/", NormalizePathForRouting("/a/b/.."));
  EXPECT_EQ("/", NormalizePathForRouting("/.."));
  EXPECT_EQ("/", NormalizePathForRouting("/"));
  EXPECT_EQ("/a/b/", NormalizePathForRouting("/a/b/"));
}

TEST(PathNormalization, KeepsReservedEscapesUpperCased)
{
  EXPECT_EQ("/dicom-web/a%20b%3F", NormalizePathForRouting("/dicom-web/a%20b%3f"));
}

TEST(PathNormalization, RefusesWhatCannotBeNormalizedSafely)
{
  EXPECT_FALSE(NormalizePathForRouting("").has_value());
  EXPECT_FALSE(NormalizePathForRouting("dicom-web/").has_value());
  EXPECT_FALSE(NormalizePathForRouting("/a%2fb").has_value());
  EXPECT_FALSE(NormalizePathForRouting(std::string_view("/a\0b", 4)).has_value());
}

TEST(Routing, RootPrefixExposesEverything)
{
  RouteSpec root;
  root.prefix = "/";
  Policy policy = MakePolicy(root);
  EXPECT_EQ("/", RouteOf(policy, "/"));
  EXPECT_EQ("/", RouteOf(policy, "/tools/x"));
}

TEST(Routing, RoutesAreKeptSortedByDecreasingPrefixLength)
{
  Policy policy = ThreeRoutes();
  ASSERT_EQ(3u, policy.GetRoutes().size());
  EXPECT_EQ("/dicom-web/studies", policy.GetRoutes()[0].prefix);
  EXPECT_EQ("/wado", policy.GetRoutes()[2].prefix);
}

TEST(Routing, PerRouteOverridesApplyToTheLongestPrefix)
{
  Policy policy = ThreeRoutes();
  const RoutePolicy* studies = policy.FindRoute("/dicom-web/studies/1.2");
  ASSERT_NE(nullptr, studies);
  EXPECT_EQ(std::vector<std::string>({ "GET" }), studies->allowedMethods);
}

TEST(Routing, EmptyPolicyExposesNothing)
{
  Policy policy;
  EXPECT_EQ(nullptr, policy.FindRoute("/dicom-web/"));
}


// FindRoute skips normalizing a path that is already normal: every path built from
// these pieces must be routed as its normalized form is.
TEST(Routing, PathsRoutedWithoutNormalizingAreRoutedAsNormalized)
{
  const Policy policy = ThreeRoutes();
  const std::vector<std::string> pieces = { "/", "//", "dicom-web", "studies", "wado", "wado-rs", ".", "..", ".a",
                                            "a.", "%2e", "%2F", "%41", "\\", "x", "/." };
  std::vector<std::string> paths = { "/" };
  for (size_t length = 0; length < 4; length++)
  {
    const std::vector<std::string> shorter = paths;
    for (const std::string& path : shorter)
    {
      for (const std::string& piece : pieces)
      {
        paths.push_back(path + piece);
      }
    }
  }
  ASSERT_GT(paths.size(), 60000u);
  for (const std::string& path : paths)
  {
    const std::optional<std::string> normalized = NormalizePathForRouting(path);
    const RoutePolicy* expected = normalized ? policy.FindRoute(*normalized) : nullptr;
    ASSERT_EQ(expected, policy.FindRoute(path)) << path;
    if (normalized)
    {
      ASSERT_EQ(*normalized, NormalizePathForRouting(*normalized).value_or("<none>")) << path;
    }
  }
}
