// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // Why the gateway answers a request itself instead of relaying it.
  struct RequestRejection
  {
    int status = 400;
    std::string details;    // one sentence for the JSON body (and the tests)
    HttpHeaders headers;    // e.g. Allow on a 405
  };

  // The checks of a parsed request header that keep the gateway from being an
  // open proxy or a request-smuggling vector (Beast's parser already refuses
  // Content-Length with Transfer-Encoding, differing Content-Length values, bad
  // chunk sizes; they are checked again here where the header allows it):
  //  - CONNECT -> 405: the gateway tunnels to nobody;
  //  - a request-target not in origin-form ("http://host/...", "host:443", "*") -> 400;
  //  - an HTTP version other than 1.0 and 1.1 -> 505;
  //  - HTTP/1.1 without exactly one Host, several Host fields, or a Host value that
  //    is not "host[:port]" -> 400 (Host ends up in Forwarded and in Orthanc's links);
  //  - Transfer-Encoding on HTTP/1.0, or with Content-Length -> 400; a transfer
  //    coding other than a lone "chunked" -> 501;
  //  - Content-Length values that are not one decimal number -> 400;
  //  - Expect other than "100-continue" -> 417.
  std::optional<RequestRejection> ValidateRequest(std::string_view method,
                                                  std::string_view target,
                                                  unsigned int version,
                                                  const HttpFieldViews& fields);

  // "host", "host:port", "[v6]:port", "192.0.2.1": RFC 3986 reg-name characters
  // restricted to letters, digits, '-', '.', '_' and '~', or an IP literal; a port
  // from 1 to 65535 (Common/HostAndPort.h), never empty.
  bool IsValidHostField(std::string_view value);
}
