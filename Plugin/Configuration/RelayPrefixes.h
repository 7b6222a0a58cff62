// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"

#include <string>
#include <vector>

namespace OrthancCors
{
  // The paths the gateway relays to Orthanc even for a navigation under a
  // single-page folder, so that its fallback to index.html never hides Orthanc's
  // own applications or what is exposed to other origins: the DICOMweb root,
  // "/app/" (Orthanc Explorer), "/ui/" (Orthanc Explorer 2), and every CORS route
  // that is not itself a folder (a route equal to a folder is the folder's own).
  std::vector<std::string> GetRelayPrefixes(const Configuration& configuration);
}
