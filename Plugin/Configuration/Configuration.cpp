// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Configuration.h"

#include "ConfigurationError.h"
#include "ConfigurationKeys.h"
#include "ConfigurationObject.h"
#include "Folders.h"
#include "GatewaySection.h"
#include "OrthancSettings.h"
#include "RouteSettings.h"
#include "Routes.h"
#include "../Policy/HostAllowList.h"

namespace OrthancCors
{
  namespace
  {
    using ConfigurationKeys::CORS;
    using namespace ConfigurationKeys::Cors;

    // Browsers cap the preflight cache anyway (Chromium at 7200 s, Firefox at 86400 s):
    // a larger value only says the configuration was misunderstood.
    const int64_t MAX_AGE_LIMIT = 86400;

    std::string ReadResourcePolicy(const ConfigurationObject& cors)
    {
      const std::string value = cors.GetString(RESOURCE_POLICY, "cross-origin");
      if (value != "same-origin" && value != "same-site" && value != "cross-origin" && !value.empty())
      {
        throw ConfigurationError(cors.KeyOf(RESOURCE_POLICY), "\"" + value + "\" is not one of \"same-origin\", "
                                 "\"same-site\", \"cross-origin\", or \"\" (send no Cross-Origin-Resource-Policy)");
      }
      return value;
    }

    // Restricted when Orthanc serves loopback only (RemoteAccessAllowed false: no
    // legitimate client names it otherwise) or when the administrator lists names.
    HostAllowList ReadAllowedHosts(const ConfigurationObject& cors, const UpstreamSettings& upstream)
    {
      std::vector<std::string> hosts;
      if (cors.Has(ALLOWED_HOSTS))
      {
        const std::string key = cors.KeyOf(ALLOWED_HOSTS);
        const std::vector<std::string> entries = ReadStringList(cors.Get(ALLOWED_HOSTS), key);
        for (Json::ArrayIndex i = 0; i < entries.size(); ++i)
        {
          std::string entry = ToLowerAscii(entries[i]);
          if (!entry.empty() && entry.back() == '.' && entry != ".")
          {
            entry.pop_back();
          }
          if (!IsValidHostEntry(entry))
          {
            throw ConfigurationError(ElementKey(key, i), "\"" + entries[i] + "\" is not a host name (\"pacs.example\"), "
                                     "\"*.\" + a domain, an IP address (\"192.0.2.7\", \"[2001:db8::7]\") or \"*\"; "
                                     "write no scheme and no port");
          }
          hosts.push_back(entry);
        }
      }
      if (upstream.remoteAccessAllowed && hosts.empty())
      {
        return HostAllowList();
      }
      return HostAllowList::Restricted(std::move(hosts));
    }

    unsigned int ReadMaxAge(const ConfigurationObject& cors)
    {
      return static_cast<unsigned int>(cors.GetInteger(
        MAX_AGE, 600, 0, MAX_AGE_LIMIT, "the preflight cache lifetime in seconds, "
        "which browsers cap (Chromium at 7200, Firefox at 86400)"));
    }
  }

  std::vector<std::string> GetCorsSectionKeys()
  {
    std::vector<std::string> keys = GetRouteSettingNames();
    keys.insert(keys.end(), { MAX_AGE, ALLOW_PRIVATE_NETWORK, RESOURCE_POLICY, ROUTES,
                              REJECT_FOREIGN_ORIGINS, ALLOWED_HOSTS, GATEWAY, FOLDERS, EXTENSIONS,
                              ALLOW_CACHE, GENERATE_ETAG });
    return keys;
  }

  std::optional<Configuration> ParseConfiguration(const Json::Value& orthancConfiguration)
  {
    if (orthancConfiguration.isNull() ||
        (orthancConfiguration.isObject() && !orthancConfiguration.isMember(CORS)))
    {
      return std::nullopt;
    }

    if (!orthancConfiguration.isObject())
    {
      throw ConfigurationError("(Orthanc configuration)", "expected a JSON object");
    }

    Configuration configuration;
    configuration.upstream = ReadOrthancSettings(orthancConfiguration);

    const ConfigurationObject cors(orthancConfiguration[CORS], CORS);
    cors.RefuseUnknownKeys(GetCorsSectionKeys());

    RoutePolicy sectionSettings = MakeDefaultRouteSettings();
    RouteSettingKeys sectionKeys;
    ReadRouteSettings(cors, false, sectionSettings, sectionKeys);
    CheckCredentialsAreSafe(sectionSettings, sectionKeys);

    const unsigned int maxAge = ReadMaxAge(cors);
    const bool allowPrivateNetwork = cors.GetBoolean(ALLOW_PRIVATE_NETWORK, false);
    const std::string resourcePolicy = ReadResourcePolicy(cors);

    configuration.rejectForeignOrigins = cors.GetBoolean(REJECT_FOREIGN_ORIGINS, true);
    configuration.allowedHosts = ReadAllowedHosts(cors, configuration.upstream);
    configuration.allowCache = cors.GetBoolean(ALLOW_CACHE, true);
    configuration.generateETag = cors.GetBoolean(GENERATE_ETAG, true);
    configuration.gateway = ReadGatewaySection(cors, configuration.upstream);
    configuration.folders = ReadFolders(cors, configuration.gateway.enabled);
    configuration.mimeTypes = ReadExtensions(cors);

    std::vector<RoutePolicy> routes = ReadRoutes(
      cors, sectionSettings, sectionKeys,
      MakeDefaultRoutePrefixes(configuration.upstream.dicomWebRoot, configuration.folders));

    configuration.policy = Policy(std::move(routes), maxAge, allowPrivateNetwork, resourcePolicy);
    return configuration;
  }
}
