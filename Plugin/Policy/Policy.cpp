// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy.h"

#include "../Common/HexDigit.h"
#include "../Common/HttpHeaders.h"

#include <algorithm>
#include <cctype>

namespace OrthancCors
{
  namespace
  {
    bool IsUnreserved(char c)
    {
      return (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~';
    }

    // Decodes what may change the meaning of the path for routing (unreserved
    // characters, the dot above all); keeps other escapes, upper-cased.
    std::optional<std::string> DecodeUnreserved(std::string_view path)
    {
      std::string decoded;
      decoded.reserve(path.size());
      for (size_t i = 0; i < path.size(); i++)
      {
        const char c = path[i];
        if (c == '\0' || c == '\\')
        {
          return std::nullopt;
        }
        if (c != '%')
        {
          decoded += c;
          continue;
        }

        if (i + 2 >= path.size())
        {
          return std::nullopt;
        }
        const int high = HexDigitValue(path[i + 1]);
        const int low = HexDigitValue(path[i + 2]);
        if (high < 0 || low < 0)
        {
          return std::nullopt;
        }
        const char byte = static_cast<char>(high * 16 + low);
        if (byte == '/' || byte == '\\' || byte == '\0')
        {
          // The upstream server may or may not decode these before splitting the
          // path: no single routing answer is safe.
          return std::nullopt;
        }
        if (IsUnreserved(byte))
        {
          decoded += byte;
        }
        else
        {
          decoded += '%';
          decoded += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 1])));
          decoded += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
        }
        i += 2;
      }
      return decoded;
    }

    // True when NormalizePathForRouting would return `path` unchanged: an absolute
    // path without escapes, backslashes, NULs, empty or dot segments (what every
    // request of a browser or a viewer looks like), routed without a copy.
    bool IsNormalRoutingPath(std::string_view path)
    {
      if (path.empty() || path.front() != '/')
      {
        return false;
      }
      size_t segmentStart = 1;
      for (size_t i = 1; i <= path.size(); i++)
      {
        if (i == path.size() || path[i] == '/')
        {
          const std::string_view segment = path.substr(segmentStart, i - segmentStart);
          // Empty only at the end ("/a/"), which normalizing keeps.
          if ((segment.empty() && i != path.size()) || segment == "." || segment == "..")
          {
            return false;
          }
          segmentStart = i + 1;
        }
        else if (path[i] == '%' || path[i] == '\\' || path[i] == '\0')
        {
          return false;
        }
      }
      return true;
    }

    // RFC 3986 section 5.2.4 on an absolute path, after collapsing repeated slashes:
    // a server that collapses them (as many do) must not see "/a//../b" as "/a/b"
    // when we see "/b", or the reverse.
    std::string RemoveDotSegments(const std::string& path)
    {
      std::vector<std::string> segments;
      size_t start = 1;
      for (;;)
      {
        const size_t slash = path.find('/', start);
        const bool last = (slash == std::string::npos);
        const std::string segment = path.substr(start, last ? std::string::npos : slash - start);

        if (segment == "." || segment == "..")
        {
          if (segment == ".." && !segments.empty())
          {
            segments.pop_back();
          }
          if (last)
          {
            segments.emplace_back();   // "/a/b/.." is "/a/", with its trailing slash
          }
        }
        else if (!segment.empty() || last)
        {
          segments.push_back(segment);
        }

        if (last)
        {
          break;
        }
        start = slash + 1;
      }

      std::string normalized;
      for (const std::string& segment : segments)
      {
        normalized += '/';
        normalized += segment;
      }
      return normalized.empty() ? "/" : normalized;
    }
  }


  bool HeaderNameSet::Contains(std::string_view lowerCaseName) const
  {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& name) { return EqualsIgnoringCase(name, lowerCaseName); });
  }


  Policy::Policy(std::vector<RoutePolicy> routes,
                 unsigned int maxAgeSeconds,
                 bool allowPrivateNetwork,
                 std::string resourcePolicy) :
    routes_(std::move(routes), [](const RoutePolicy& route) -> const std::string& { return route.prefix; }),
    maxAgeSeconds_(maxAgeSeconds),
    allowPrivateNetwork_(allowPrivateNetwork),
    resourcePolicy_(std::move(resourcePolicy))
  {
  }


  const RoutePolicy* Policy::FindRoute(std::string_view path) const
  {
    if (IsNormalRoutingPath(path))
    {
      return routes_.Find(path);
    }
    const std::optional<std::string> normalized = NormalizePathForRouting(path);
    return normalized ? routes_.Find(*normalized) : nullptr;
  }


  std::optional<std::string> NormalizePathForRouting(std::string_view path)
  {
    if (path.empty() || path.front() != '/')
    {
      return std::nullopt;   // "*", absolute-form or empty targets are never routed
    }

    std::optional<std::string> decoded = DecodeUnreserved(path);
    if (!decoded)
    {
      return std::nullopt;
    }
    return RemoveDotSegments(*decoded);
  }
}
