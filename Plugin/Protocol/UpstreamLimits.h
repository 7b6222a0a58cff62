// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // What Orthanc's HTTP server (civetweb) accepts of a request head, measured on
  // Orthanc 1.10.1's own port: over 16384 bytes (request line, fields and the
  // empty line) it answers 400 and closes, which the gateway would turn into a
  // 502; beyond the 64th field it silently drops the rest, an Authorization or
  // the gateway's own Forwarded among them.
  constexpr std::size_t ORTHANC_MAX_HEADER_FIELDS = 64;
  constexpr std::size_t ORTHANC_MAX_REQUEST_HEAD = 16384;

  // Why the request the gateway is about to send Orthanc (its head built, the
  // framing field not yet added) exceeds those limits; nothing when it fits.
  std::optional<std::string> CheckOrthancHeadLimits(std::string_view method,
                                                    std::string_view target,
                                                    const HttpHeaders& upstreamHeaders);
}
