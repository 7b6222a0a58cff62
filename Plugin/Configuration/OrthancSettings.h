// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"

#include <json/value.h>

namespace OrthancCors
{
  // Reads, from Orthanc's own configuration, what the gateway needs to reach
  // Orthanc and what the defaults depend on: HttpPort (8042), SslEnabled (false),
  // RemoteAccessAllowed (false), AuthenticationEnabled and DicomWeb.Root
  // ("/dicom-web/", normalized to start and end with "/").
  //
  // AuthenticationEnabled follows Orthanc's rule (since 1.5.8): when the key is
  // absent, authentication is on if RemoteAccessAllowed is true, off otherwise.
  // (Orthanc's further special cases, such as the Docker images' own defaults,
  // are not reproduced: the value is informative, the gateway relays credentials
  // either way.)
  UpstreamSettings ReadOrthancSettings(const Json::Value& orthancConfiguration);
}
