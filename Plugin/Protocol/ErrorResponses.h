// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <string>
#include <string_view>

namespace OrthancCors
{
  // A response the gateway writes itself (errors, preflights, MaxConnections).
  struct LocalResponse
  {
    int status = 200;
    HttpHeaders headers;   // framing (Content-Length) is added when written
    std::string body;
  };

  // The standard reason phrase of the statuses the gateway produces ("Bad Gateway").
  std::string_view GetReasonPhrase(int status);

  // {"Error": "<reason phrase>", "Details": "<details>"}, like Orthanc's own errors.
  std::string BuildErrorBody(int status, std::string_view details);

  // A JSON error response with Content-Type set.
  LocalResponse MakeErrorResponse(int status, std::string_view details);
}
