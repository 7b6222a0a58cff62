// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/PluginRoutes.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  TEST(PluginRoutes, EveryRouteOfThePluginIsUnderItsPrefix)
  {
    for (std::string_view route : { PluginRoutes::POLICY, PluginRoutes::CHECK, PluginRoutes::FOLDER_ACCESS })
    {
      EXPECT_TRUE(route.starts_with(PluginRoutes::PREFIX)) << route;
      EXPECT_TRUE(IsPluginRoute(route)) << route;
    }
  }

  TEST(PluginRoutes, PluginRoutesAreMatchedByWholeSegments)
  {
    for (const char* path : { "/cors", "/cors/", "/cors/policy", "/cors/check", "/cors/folder-access/",
                              "/cors/folder-access/ohif/", "/cors/unknown" })
    {
      EXPECT_TRUE(IsPluginRoute(path)) << path;
    }
    for (const char* path : { "/", "/corsair", "/cors-policy", "/ohif/cors/policy", "/CORS/policy", "" })
    {
      EXPECT_FALSE(IsPluginRoute(path)) << path;
    }
  }
}
