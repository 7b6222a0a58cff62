// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/PrefixTable.h"
#include "OriginPattern.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // A set of header names from the configuration: either a list or the wildcard "*".
  struct HeaderNameSet
  {
    bool wildcard = false;              // "*" was listed (never covers Authorization)
    std::vector<std::string> names;     // as configured (case kept for output), without "*"

    bool Contains(std::string_view lowerCaseName) const;   // exact list membership, case-insensitive
  };

  // The CORS policy of one URI prefix (a "Routes" entry), defaults already merged in.
  struct RoutePolicy
  {
    std::string prefix;                          // "/dicom-web/", "/wado", "/ohif/"
    std::vector<OriginPattern> allowedOrigins;
    bool allowCredentials = false;
    std::vector<std::string> allowedMethods;     // case-sensitive tokens
    HeaderNameSet allowedHeaders;
    HeaderNameSet exposedHeaders;
  };

  // The immutable, validated policy. Built once by the configuration module.
  class Policy
  {
  public:
    Policy() = default;
    Policy(std::vector<RoutePolicy> routes,
           unsigned int maxAgeSeconds,
           bool allowPrivateNetwork,
           std::string resourcePolicy);

    // The route whose prefix is the longest match of the normalized path (dot
    // segments removed, percent-encoded unreserved characters decoded), or nullptr
    // when the path is not exposed cross-origin. `path` excludes the query string.
    // Prefixes match by whole segments (UriPrefix): "/wado" and "/wado/" both match
    // "/wado", "/wado/" and anything below, never "/wado-rs".
    const RoutePolicy* FindRoute(std::string_view path) const;

    const std::vector<RoutePolicy>& GetRoutes() const { return routes_.GetEntries(); }   // longest prefix first
    unsigned int GetMaxAgeSeconds() const { return maxAgeSeconds_; }
    bool IsPrivateNetworkAllowed() const { return allowPrivateNetwork_; }
    const std::string& GetResourcePolicy() const { return resourcePolicy_; }   // "" = none

  private:
    PrefixTable<RoutePolicy> routes_;
    unsigned int maxAgeSeconds_ = 0;
    bool allowPrivateNetwork_ = false;
    std::string resourcePolicy_;
  };

  // RFC 3986 remove_dot_segments plus decoding of %-escaped unreserved characters
  // (and "%2e"/"%2E"); a path that cannot be normalized safely (encoded "/" or "\",
  // NUL, invalid escape) yields std::nullopt and is never matched to a route.
  std::optional<std::string> NormalizePathForRouting(std::string_view path);
}
