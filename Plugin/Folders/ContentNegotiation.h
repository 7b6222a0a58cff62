// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // The precompressed encodings worth looking for, best first, among "br" and
  // "gzip", from the request's Accept-Encoding (RFC 9110, 12.5.3): an encoding
  // with q=0 is refused; "*" stands for the encodings not listed; "x-gzip" is
  // "gzip"; on equal weights "br" comes first (smaller files). No Accept-Encoding:
  // none (identity is always acceptable, and the safest guess).
  std::vector<std::string> GetAcceptedPrecompressedEncodings(const HttpHeaders& requestHeaders);

  // Whether If-None-Match (possibly several fields) matches `entityTag` (quoted,
  // e.g. "\"abc\""): "*", or any listed tag equal under the weak comparison
  // (a "W/" prefix is ignored on both sides).
  bool MatchesIfNoneMatch(const HttpHeaders& requestHeaders, std::string_view entityTag);

  // Whether the request is a browser navigation (typing a URL, following a link,
  // reloading): "Sec-Fetch-Mode: navigate", or when that header is absent (older
  // browsers, plain HTTP clients), an Accept listing "text/html".
  bool IsNavigationRequest(const HttpHeaders& requestHeaders);
}
