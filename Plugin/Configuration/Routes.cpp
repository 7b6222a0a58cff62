// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Routes.h"

#include "ConfigurationError.h"
#include "ConfigurationKeys.h"
#include "UriPrefixCheck.h"

#include <algorithm>
#include <map>

namespace OrthancCors
{
  namespace
  {
    using ConfigurationKeys::Cors::ROUTES;
    using ConfigurationKeys::Route::PREFIX;

    RoutePolicy ReadRouteEntry(const Json::Value& entry,
                               const std::string& key,
                               const RoutePolicy& sectionSettings,
                               const RouteSettingKeys& sectionKeys,
                               std::string& prefixKey)
    {
      RoutePolicy route = sectionSettings;
      RouteSettingKeys keys = sectionKeys;

      if (entry.isString())
      {
        prefixKey = key;
        route.prefix = entry.asString();
      }
      else if (entry.isObject())
      {
        const ConfigurationObject object(entry, key);

        std::vector<std::string> known = GetRouteSettingNames();
        known.push_back(PREFIX);
        object.RefuseUnknownKeys(known);

        if (!object.Has(PREFIX))
        {
          throw ConfigurationError(key, "a route object needs a \"" + std::string(PREFIX) +
                                   "\" (the URI prefix it applies to)");
        }

        prefixKey = object.KeyOf(PREFIX);
        route.prefix = ReadString(object.Get(PREFIX), prefixKey);
        ReadRouteSettings(object, true, route, keys);
      }
      else
      {
        throw ConfigurationError(key, "expected a URI prefix string or an object with a \"" +
                                 std::string(PREFIX) + "\"");
      }

      CheckUriPrefix(route.prefix, prefixKey);
      CheckCredentialsAreSafe(route, keys);
      return route;
    }
  }

  std::vector<std::string> MakeDefaultRoutePrefixes(const std::string& dicomWebRoot,
                                                    const std::vector<FolderSettings>& folders)
  {
    std::vector<std::string> candidates = { dicomWebRoot, "/wado" };
    for (const FolderSettings& folder : folders)
    {
      candidates.push_back(folder.prefix);
    }

    std::vector<std::string> prefixes;
    for (const std::string& candidate : candidates)
    {
      const bool duplicate = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p)
                                         { return UriPrefix(p) == UriPrefix(candidate); });
      if (candidate != "/" && !duplicate)
      {
        prefixes.push_back(candidate);
      }
    }
    return prefixes;
  }

  std::vector<RoutePolicy> ReadRoutes(const ConfigurationObject& cors,
                                      const RoutePolicy& sectionSettings,
                                      const RouteSettingKeys& sectionKeys,
                                      const std::vector<std::string>& defaultPrefixes)
  {
    std::vector<RoutePolicy> routes;

    if (!cors.Has(ROUTES))
    {
      for (const std::string& prefix : defaultPrefixes)
      {
        RoutePolicy route = sectionSettings;
        route.prefix = prefix;
        routes.push_back(std::move(route));
      }
      return routes;
    }

    const std::string routesKey = cors.KeyOf(ROUTES);
    const Json::Value& entries = cors.Get(ROUTES);
    if (!entries.isArray())
    {
      throw ConfigurationError(routesKey, "expected an array of URI prefixes or route objects");
    }

    std::map<std::string, std::string> prefixKeys;   // prefix without final "/" -> where it was written

    for (Json::ArrayIndex i = 0; i < entries.size(); i++)
    {
      std::string prefixKey;
      RoutePolicy route = ReadRouteEntry(entries[i], ElementKey(routesKey, i),
                                         sectionSettings, sectionKeys, prefixKey);

      const auto inserted = prefixKeys.emplace(UriPrefix(route.prefix).GetBare(), prefixKey);
      if (!inserted.second)
      {
        throw ConfigurationError(prefixKey, "duplicate route \"" + route.prefix + "\", already given by " +
                                 inserted.first->second + " (a prefix with and without a final \"/\" "
                                 "covers the same requests)");
      }

      routes.push_back(std::move(route));
    }

    return routes;
  }
}
