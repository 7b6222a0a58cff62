// SPDX-License-Identifier: AGPL-3.0-or-later

#include "RouteSettings.h"

#include "../Common/HttpHeaders.h"
#include "ConfigurationError.h"
#include "ConfigurationKeys.h"

#include <algorithm>
#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    using namespace ConfigurationKeys::Cors;

    HeaderNameSet MakeHeaderNameSet(std::vector<std::string> names)
    {
      HeaderNameSet set;
      set.names = std::move(names);
      return set;
    }

    // Methods are case-sensitive tokens (RFC 9110): "patch" is not "PATCH", and
    // both are kept as written.
    std::vector<std::string> ReadMethods(const Json::Value& value, const std::string& key)
    {
      const std::vector<std::string> entries = ReadStringList(value, key);

      std::vector<std::string> methods;
      for (size_t i = 0; i < entries.size(); i++)
      {
        if (!IsToken(entries[i]))
        {
          throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)),
                                   "\"" + entries[i] + "\" is not an HTTP method (an RFC 9110 token)");
        }
        if (std::find(methods.begin(), methods.end(), entries[i]) == methods.end())
        {
          methods.push_back(entries[i]);
        }
      }
      return methods;
    }

    // Header names are case-insensitive tokens; "*" is the wildcard.
    HeaderNameSet ReadHeaderNames(const Json::Value& value, const std::string& key, int& wildcardPosition)
    {
      const std::vector<std::string> entries = ReadStringList(value, key);

      HeaderNameSet set;
      wildcardPosition = -1;

      for (size_t i = 0; i < entries.size(); i++)
      {
        if (entries[i] == "*")
        {
          if (!set.wildcard)
          {
            wildcardPosition = static_cast<int>(i);
          }
          set.wildcard = true;
        }
        else if (!IsToken(entries[i]))
        {
          throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)),
                                   "\"" + entries[i] + "\" is not a header name (an RFC 9110 token) nor \"*\"");
        }
        else if (std::none_of(set.names.begin(), set.names.end(), [&](const std::string& name)
                              { return EqualsIgnoringCase(name, entries[i]); }))
        {
          set.names.push_back(entries[i]);
        }
      }
      return set;
    }

    // The key to name for a credentials conflict: the setting the route entry
    // wrote itself when only one of the two comes from it (the other one may be
    // fine where it was written), else the wildcard entry.
    std::string ConflictKey(const RouteSettingKeys::Source& list, int position,
                            const RouteSettingKeys::Source& credentials)
    {
      if (credentials.fromRouteEntry && !list.fromRouteEntry)
      {
        return credentials.key;
      }
      else
      {
        return ElementKey(list.key, static_cast<Json::ArrayIndex>(position));
      }
    }

    std::string ConflictReason(const std::string& entry, const RouteSettingKeys::Source& list,
                               const RouteSettingKeys::Source& credentials, const std::string& why)
    {
      std::string reason = "\"" + entry + "\" in " + list.key + " cannot be combined with \"" +
        ALLOW_CREDENTIALS + "\": true";
      if (credentials.fromRouteEntry != list.fromRouteEntry)
      {
        reason += " (" + credentials.key + ")";
      }
      return reason + ": " + why;
    }
  }

  RoutePolicy MakeDefaultRouteSettings()
  {
    RoutePolicy route;
    route.allowCredentials = false;
    route.allowedMethods = { "GET", "HEAD", "POST", "PUT", "DELETE" };
    route.allowedHeaders = MakeHeaderNameSet({ "Accept", "Authorization", "Content-Type", "Range", "X-Requested-With" });
    route.exposedHeaders = MakeHeaderNameSet({ "Content-Disposition", "Content-Length", "Content-Range", "ETag", "Location", "Warning" });
    return route;
  }

  const std::vector<std::string>& GetRouteSettingNames()
  {
    static const std::vector<std::string> names =
      { ALLOWED_ORIGINS, ALLOW_CREDENTIALS, ALLOWED_METHODS, ALLOWED_HEADERS, EXPOSED_HEADERS };
    return names;
  }

  void ReadRouteSettings(const ConfigurationObject& object,
                         bool isRouteEntry,
                         RoutePolicy& route,
                         RouteSettingKeys& keys)
  {
    if (object.Has(ALLOWED_ORIGINS))
    {
      keys.allowedOrigins = { object.KeyOf(ALLOWED_ORIGINS), isRouteEntry };
      route.allowedOrigins = ReadOriginList(object.Get(ALLOWED_ORIGINS), keys.allowedOrigins.key);
    }

    if (object.Has(ALLOW_CREDENTIALS))
    {
      keys.allowCredentials = { object.KeyOf(ALLOW_CREDENTIALS), isRouteEntry };
      route.allowCredentials = ReadBoolean(object.Get(ALLOW_CREDENTIALS), keys.allowCredentials.key);
    }

    if (object.Has(ALLOWED_METHODS))
    {
      keys.allowedMethods = { object.KeyOf(ALLOWED_METHODS), isRouteEntry };
      route.allowedMethods = ReadMethods(object.Get(ALLOWED_METHODS), keys.allowedMethods.key);
    }

    if (object.Has(ALLOWED_HEADERS))
    {
      keys.allowedHeaders = { object.KeyOf(ALLOWED_HEADERS), isRouteEntry };
      route.allowedHeaders = ReadHeaderNames(object.Get(ALLOWED_HEADERS), keys.allowedHeaders.key,
                                             keys.allowedHeadersWildcard);
    }

    if (object.Has(EXPOSED_HEADERS))
    {
      keys.exposedHeaders = { object.KeyOf(EXPOSED_HEADERS), isRouteEntry };
      route.exposedHeaders = ReadHeaderNames(object.Get(EXPOSED_HEADERS), keys.exposedHeaders.key,
                                             keys.exposedHeadersWildcard);
    }
  }

  void CheckCredentialsAreSafe(const RoutePolicy& route, const RouteSettingKeys& keys)
  {
    if (!route.allowCredentials)
    {
      return;
    }

    for (size_t i = 0; i < route.allowedOrigins.size(); i++)
    {
      const OriginPattern& pattern = route.allowedOrigins[i];

      if (pattern.GetKind() == OriginPattern::Kind::Any)
      {
        throw ConfigurationError(
          ConflictKey(keys.allowedOrigins, static_cast<int>(i), keys.allowCredentials),
          ConflictReason("*", keys.allowedOrigins, keys.allowCredentials,
                         "an API that any web page can read with the user's credentials is the "
                         "classic CORS hole; list the origins, or use a pattern such as "
                         "\"https://*.hospital.example\""));
      }

      if (pattern.GetKind() == OriginPattern::Kind::Null)
      {
        throw ConfigurationError(
          ConflictKey(keys.allowedOrigins, static_cast<int>(i), keys.allowCredentials),
          ConflictReason("null", keys.allowedOrigins, keys.allowCredentials,
                         "any web page can send \"Origin: null\" (from a sandboxed iframe or a data: "
                         "URL), so this would let every page read the API with the user's "
                         "credentials; list the origins, or use a pattern"));
      }
    }

    if (route.allowedHeaders.wildcard)
    {
      throw ConfigurationError(
        ConflictKey(keys.allowedHeaders, keys.allowedHeadersWildcard, keys.allowCredentials),
        ConflictReason("*", keys.allowedHeaders, keys.allowCredentials,
                       "with credentials, browsers read \"*\" as a header literally named \"*\", "
                       "not as a wildcard; list the request headers to allow"));
    }

    if (route.exposedHeaders.wildcard)
    {
      throw ConfigurationError(
        ConflictKey(keys.exposedHeaders, keys.exposedHeadersWildcard, keys.allowCredentials),
        ConflictReason("*", keys.exposedHeaders, keys.allowCredentials,
                       "with credentials, browsers read \"*\" as a header literally named \"*\", "
                       "not as a wildcard; list the response headers to expose"));
    }
  }

  std::vector<OriginPattern> ReadOriginList(const Json::Value& value, const std::string& key,
                                            OriginPattern (*parseEntry)(const std::string&))
  {
    const std::vector<std::string> entries = ReadStringList(value, key);

    std::vector<OriginPattern> patterns;
    for (size_t i = 0; i < entries.size(); i++)
    {
      try
      {
        patterns.push_back(parseEntry(entries[i]));
      }
      catch (const std::invalid_argument& e)
      {
        // The reason quotes the entry already.
        throw ConfigurationError(ElementKey(key, static_cast<Json::ArrayIndex>(i)), e.what());
      }
    }
    return patterns;
  }
}
