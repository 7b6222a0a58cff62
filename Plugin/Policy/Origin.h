// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // A tuple origin (scheme, host, port) or the opaque origin "null", as the
  // WHATWG URL/HTML standards serialize them in an Origin request header.
  struct Origin
  {
    bool isNull = false;
    std::string scheme;     // lower-case, e.g. "https"
    std::string host;       // lower-case ASCII domain, IPv4 address, or "[v6]"
    uint16_t port = 0;      // effective port; the scheme's default when none is written

    std::string Serialize() const;   // "https://a.example:8443", "null"
    bool operator==(const Origin& other) const;
  };

  struct OriginParseResult
  {
    std::optional<Origin> origin;    // empty when the value is not a serialized origin
    std::string reason;              // why it is not, for logs and diagnostics
  };

  // Parses the value of one Origin header. Only exact serializations are accepted:
  // no path or trailing "/", no userinfo, no query/fragment, no explicit default port,
  // no upper case in scheme or host, ASCII printable only, at most 2048 bytes,
  // no trailing dot in the host, a port in 1..65535 without leading zeros.
  OriginParseResult ParseSerializedOrigin(std::string_view value);

  // The default port of a scheme (80 for http/ws, 443 for https/wss), 0 if none.
  uint16_t GetDefaultPort(std::string_view scheme);
}
