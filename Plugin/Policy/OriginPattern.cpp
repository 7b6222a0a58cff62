// SPDX-License-Identifier: AGPL-3.0-or-later

#include "OriginPattern.h"

#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    const std::string REGEX_PREFIX = "regex:";
    const std::string SUBDOMAIN_MARKER = "://*.";

    bool IsIpAddress(const std::string& host)
    {
      // The origin parser only lets the last label be a number when the host is a
      // dotted-quad IPv4 address.
      const std::string lastLabel = host.substr(host.rfind('.') + 1);
      return !host.empty() &&
        (host.front() == '[' ||
         lastLabel.find_first_not_of("0123456789") == std::string::npos);
    }

    Origin ParseOrThrow(const std::string& candidate, const std::string& entry)
    {
      OriginParseResult parsed = ParseSerializedOrigin(candidate);
      if (!parsed.origin)
      {
        throw std::invalid_argument("\"" + entry + "\" is not a serialized origin (" + parsed.reason +
                                    "); write scheme://host[:port] exactly as browsers send it, "
                                    "e.g. \"https://viewer.example\"");
      }
      return *parsed.origin;
    }
  }


  OriginPattern OriginPattern::Parse(const std::string& entry)
  {
    OriginPattern pattern;
    pattern.text_ = entry;

    if (entry == "*")
    {
      pattern.kind_ = Kind::Any;
      return pattern;
    }

    if (entry == "null")
    {
      pattern.kind_ = Kind::Null;
      pattern.exact_.isNull = true;
      return pattern;
    }

    if (entry.compare(0, REGEX_PREFIX.size(), REGEX_PREFIX) == 0)
    {
      const std::string expression = entry.substr(REGEX_PREFIX.size());
      if (expression.empty())
      {
        throw std::invalid_argument("\"" + entry + "\": empty regular expression after \"regex:\"");
      }
      try
      {
        pattern.regex_ = std::make_shared<const boost::regex>(expression, boost::regex::perl);
      }
      catch (const boost::regex_error& e)
      {
        throw std::invalid_argument("\"" + entry + "\": invalid regular expression: " + e.what());
      }
      pattern.kind_ = Kind::Regex;
      return pattern;
    }

    const size_t marker = entry.find(SUBDOMAIN_MARKER);
    if (marker != std::string::npos)
    {
      // "https://*.hospital.example:8443" -> parse "https://hospital.example:8443",
      // so that the parent domain obeys exactly the same rules as an exact origin.
      const std::string parent = entry.substr(0, marker) + "://" + entry.substr(marker + SUBDOMAIN_MARKER.size());
      if (parent.find('*') != std::string::npos)
      {
        throw std::invalid_argument("\"" + entry + "\": '*' may only be the first label, as in \"https://*.example.org\"");
      }
      pattern.exact_ = ParseOrThrow(parent, entry);
      if (IsIpAddress(pattern.exact_.host))
      {
        throw std::invalid_argument("\"" + entry + "\": '*.' must be followed by a domain name, not an IP address");
      }
      pattern.kind_ = Kind::Subdomains;
      return pattern;
    }

    if (entry.find('*') != std::string::npos)
    {
      throw std::invalid_argument("\"" + entry + "\": '*' is allowed alone or as the first label "
                                  "(\"https://*.example.org\"); use \"regex:\" for anything else");
    }

    pattern.exact_ = ParseOrThrow(entry, entry);
    if (pattern.exact_.isNull)
    {
      pattern.kind_ = Kind::Null;
    }
    return pattern;
  }


  bool OriginPattern::Matches(const Origin& origin) const
  {
    switch (kind_)
    {
      case Kind::Null:
        return origin.isNull;

      case Kind::Any:
        // The opaque origin (sandboxed iframes, file:, data: URLs) is opt-in only.
        return !origin.isNull;

      case Kind::Exact:
        return !origin.isNull && origin == exact_;

      case Kind::Subdomains:
      {
        if (origin.isNull ||
            origin.scheme != exact_.scheme ||
            origin.port != exact_.port)
        {
          return false;
        }
        // At least one non-empty label before ".domain": the parser already refused
        // empty labels, so a longer host ending in ".domain" is enough.
        const std::string suffix = "." + exact_.host;
        return origin.host.size() > suffix.size() &&
          origin.host.compare(origin.host.size() - suffix.size(), suffix.size(), suffix) == 0;
      }

      case Kind::Regex:
        if (origin.isNull)
        {
          return false;   // only the "null" entry opts in to the opaque origin
        }
        try
        {
          return boost::regex_match(origin.Serialize(), *regex_);
        }
        catch (const std::runtime_error&)
        {
          // Boost.Regex gives up on catastrophic backtracking by throwing: an origin
          // that a regex cannot decide on is not allowed.
          return false;
        }

      default:
        return false;
    }
  }
}
