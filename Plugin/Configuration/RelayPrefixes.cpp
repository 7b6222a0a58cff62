// SPDX-License-Identifier: AGPL-3.0-or-later

#include "RelayPrefixes.h"

#include "../Common/UriPrefix.h"

#include <algorithm>

namespace OrthancCors
{
  std::vector<std::string> GetRelayPrefixes(const Configuration& configuration)
  {
    std::vector<std::string> prefixes = { configuration.upstream.dicomWebRoot, "/app/", "/ui/" };
    for (const RoutePolicy& route : configuration.policy.GetRoutes())
    {
      const UriPrefix routePrefix(route.prefix);
      const bool isFolder = std::any_of(configuration.folders.begin(), configuration.folders.end(),
                                        [&](const FolderSettings& folder) { return UriPrefix(folder.prefix) == routePrefix; });
      if (!isFolder)
      {
        prefixes.push_back(route.prefix);
      }
    }
    return prefixes;
  }
}
