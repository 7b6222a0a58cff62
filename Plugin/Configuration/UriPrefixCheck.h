// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/UriPrefix.h"

#include <string>

namespace OrthancCors
{
  // Checks a URI path prefix of "Routes" or "Folders", naming `key` when it is
  // wrong: it starts with "/", has no query, fragment, space or control character,
  // and is already in the normalized form requests are brought to before they are
  // matched (no dot segment, no needless percent-escape) — otherwise it could
  // never match anything, which would silently leave a route unexposed.
  void CheckUriPrefix(const std::string& prefix, const std::string& key);
}
