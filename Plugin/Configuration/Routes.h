// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"
#include "RouteSettings.h"

#include <string>
#include <vector>

namespace OrthancCors
{
  // The prefixes exposed cross-origin when "Routes" is absent: the DICOMweb root,
  // "/wado" (WADO-URI), and every folder prefix — but never "/": a default must
  // not expose the whole of Orthanc (/tools, /modalities, /jobs...) cross-origin.
  // A folder mounted at "/" is served on the gateway, same-origin with the relay.
  std::vector<std::string> MakeDefaultRoutePrefixes(const std::string& dicomWebRoot,
                                                    const std::vector<FolderSettings>& folders);

  // Reads "Cors.Routes", or builds the default routes from `defaultPrefixes` when
  // it is absent. An entry is a prefix string, which takes the section's settings,
  // or an object { "Prefix", and any of the per-route settings } overriding them.
  // Refuses duplicate prefixes ("/wado" and "/wado/" count as the same) and
  // credentials combined with wildcards, route by route.
  std::vector<RoutePolicy> ReadRoutes(const ConfigurationObject& cors,
                                      const RoutePolicy& sectionSettings,
                                      const RouteSettingKeys& sectionKeys,
                                      const std::vector<std::string>& defaultPrefixes);
}
