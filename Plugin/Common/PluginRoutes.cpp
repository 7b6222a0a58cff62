// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PluginRoutes.h"

#include "UriPrefix.h"

namespace OrthancCors
{
  bool IsPluginRoute(std::string_view path)
  {
    static const UriPrefix prefix{std::string(PluginRoutes::PREFIX)};
    return prefix.Matches(path);
  }
}
