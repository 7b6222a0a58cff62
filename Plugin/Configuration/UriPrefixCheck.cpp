// SPDX-License-Identifier: AGPL-3.0-or-later

#include "UriPrefixCheck.h"

#include "../Policy/Policy.h"
#include "ConfigurationError.h"

namespace OrthancCors
{
  void CheckUriPrefix(const std::string& prefix, const std::string& key)
  {
    if (prefix.empty() || prefix[0] != '/')
    {
      throw ConfigurationError(key, "\"" + prefix + "\" is not a URI path: it must start with \"/\"");
    }

    for (char c : prefix)
    {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#')
      {
        throw ConfigurationError(key, "\"" + prefix + "\" must be a URI path without spaces, "
                                 "control or non-ASCII characters, query (\"?\") or fragment (\"#\")");
      }
    }

    const auto normalized = NormalizePathForRouting(prefix);
    if (!normalized || *normalized != prefix)
    {
      throw ConfigurationError(key, "\"" + prefix + "\" is not a normalized URI path (no \".\" or \"..\" "
                               "segments, no percent-escaped unreserved characters): requests are "
                               "normalized before matching, so it would never match" +
                               (normalized ? "; write \"" + *normalized + "\"" : std::string()));
    }
  }
}
