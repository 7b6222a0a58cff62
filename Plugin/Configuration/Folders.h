// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"
#include "ConfigurationObject.h"

#include <map>
#include <string>
#include <vector>

namespace OrthancCors
{
  // Reads "Cors.Folders": { "/prefix": "/path" } or { "/prefix": { "Path",
  // "SinglePageApplication", "CrossOriginIsolation", "Public", "FrameAncestors",
  // "MaximumFileSizeOnOrthancPort", "ServeHiddenFiles", "ImmutableNamePattern" } }. Prefixes are normalized to
  // end with "/"; "/" is served on the gateway only, so it is refused when the
  // gateway is disabled (it would silently serve nothing). Paths must be readable
  // directories and are stored canonical. In the order of the configuration: the
  // folder server finds the longest matching prefix (PrefixTable).
  std::vector<FolderSettings> ReadFolders(const ConfigurationObject& cors, bool gatewayEnabled);

  // Reads "Cors.Extensions": { ".wasm": "application/wasm" }, extensions stored
  // lower-case, MIME types checked to look like "type/subtype".
  std::map<std::string, std::string> ReadExtensions(const ConfigurationObject& cors);

  const char* ToConfigurationValue(CrossOriginIsolation isolation);   // "require-corp"...
}
