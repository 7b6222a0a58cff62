// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration.h"
#include "ConfigurationObject.h"

#include <string>
#include <vector>

namespace OrthancCors
{
  // Reads "Cors.Gateway" (every key optional, defaults in GatewaySettings).
  // Checks ranges, that BindAddress is an IPv4 or IPv6 literal, that the port is
  // not Orthanc's own, and, with SslEnabled, that the certificate and the private
  // key (the certificate file when not given) are readable files; the gateway
  // loads and matches the pair later. When Orthanc's RemoteAccessAllowed is false,
  // a non-loopback BindAddress is replaced by "127.0.0.1" (and flagged).
  GatewaySettings ReadGatewaySection(const ConfigurationObject& cors, const UpstreamSettings& upstream);

  // Every key "Cors.Gateway" accepts.
  std::vector<std::string> GetGatewaySectionKeys();
}
