// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Origin.h"

#include <boost/regex.hpp>
#include <memory>
#include <string>

namespace OrthancCors
{
  // One entry of AllowedOrigins.
  class OriginPattern
  {
  public:
    enum class Kind
    {
      Exact,        // "https://viewer.example:8443"
      Subdomains,   // "https://*.hospital.example": any subdomain, never the bare domain
      Regex,        // "regex:^https://viewer-[0-9]+\\.example\\.org$", matched on the whole serialized origin
      Any,          // "*"
      Null          // "null": the opaque origin, opt-in only
    };

    // Throws std::invalid_argument with a human-readable reason when the entry is
    // not one of the forms above (e.g. an invalid regex, an exact origin with a path).
    static OriginPattern Parse(const std::string& entry);

    Kind GetKind() const { return kind_; }
    const std::string& GetText() const { return text_; }
    // Exact: the origin; Subdomains: the scheme, the parent domain as host, the port.
    const Origin& GetOrigin() const { return exact_; }

    // Matches a parsed origin: patterns look at the parsed scheme/host/port, never
    // at the raw header string.
    bool Matches(const Origin& origin) const;

  private:
    OriginPattern() = default;

    Kind kind_ = Kind::Exact;
    std::string text_;                        // the configuration entry, verbatim
    Origin exact_;                            // Exact: the origin; Subdomains: scheme, parent domain in host, port
    std::shared_ptr<const boost::regex> regex_;
  };
}
