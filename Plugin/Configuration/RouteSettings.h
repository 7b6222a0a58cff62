// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Policy/Policy.h"
#include "ConfigurationKeys.h"
#include "ConfigurationObject.h"

#include <string>
#include <vector>

namespace OrthancCors
{
  // Where each CORS setting of a route was written (the "Cors" section, or the
  // "Routes" entry overriding it), so that an error names the key to fix.
  struct RouteSettingKeys
  {
    struct Source
    {
      std::string key;              // "Cors.AllowedOrigins", "Cors.Routes[1].AllowCredentials"
      bool fromRouteEntry = false;  // written in the route entry itself, not inherited
    };

    Source allowedOrigins{ ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::ALLOWED_ORIGINS) };
    Source allowCredentials{ ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::ALLOW_CREDENTIALS) };
    Source allowedMethods{ ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::ALLOWED_METHODS) };
    Source allowedHeaders{ ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::ALLOWED_HEADERS) };
    Source exposedHeaders{ ConfigurationKeys::CorsKeyPath(ConfigurationKeys::Cors::EXPOSED_HEADERS) };

    // Position of "*" in the header lists as written (-1: absent), to name it.
    int allowedHeadersWildcard = -1;
    int exposedHeadersWildcard = -1;
  };

  // A list of origins in AllowedOrigins' syntax (also FrameAncestors, with its own
  // parser); an entry the parser refuses stops with the entry's key ("...[2]").
  std::vector<OriginPattern> ReadOriginList(const Json::Value& value, const std::string& key,
                                            OriginPattern (*parseEntry)(const std::string&) = &OriginPattern::Parse);

  // The section-level defaults (lead's decision, see Configuration.json.example).
  RoutePolicy MakeDefaultRouteSettings();

  // The section's names of the per-route settings, which a "Routes" entry may override.
  const std::vector<std::string>& GetRouteSettingNames();

  // Reads the per-route settings present in `object` (the "Cors" section, or a
  // "Routes" entry: then `isRouteEntry`) over `route`, which holds the inherited
  // values, and records in `keys` where they were written. Checks types, origin
  // patterns, method tokens and header-name tokens; duplicates are dropped.
  void ReadRouteSettings(const ConfigurationObject& object,
                         bool isRouteEntry,
                         RoutePolicy& route,
                         RouteSettingKeys& keys);

  // Refuses AllowCredentials true together with "*" or "null" in AllowedOrigins,
  // or with "*" in AllowedHeaders or ExposedHeaders.
  void CheckCredentialsAreSafe(const RoutePolicy& route, const RouteSettingKeys& keys);
}
