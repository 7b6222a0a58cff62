// SPDX-License-Identifier: AGPL-3.0-or-later

#include "UpstreamLimits.h"

#include "HeaderSection.h"

namespace OrthancCors
{
  namespace
  {
    // The framing field the relay adds: Content-Length (20 digits at most) or
    // Transfer-Encoding: chunked.
    constexpr std::size_t FRAMING_FIELDS = 1;
    constexpr std::size_t FRAMING_BYTES = 40;
  }


  std::optional<std::string> CheckOrthancHeadLimits(std::string_view method,
                                                    std::string_view target,
                                                    const HttpHeaders& upstreamHeaders)
  {
    const std::size_t fields = upstreamHeaders.size() + FRAMING_FIELDS;
    if (fields > ORTHANC_MAX_HEADER_FIELDS)
    {
      return "the request would reach Orthanc with " + std::to_string(fields) +
        " header fields (the gateway's own included); Orthanc reads " + std::to_string(ORTHANC_MAX_HEADER_FIELDS) +
        " at most";
    }
    const std::size_t size = MeasureRequestHead(method, target, upstreamHeaders) + FRAMING_BYTES;
    if (size > ORTHANC_MAX_REQUEST_HEAD)
    {
      return "the request head would reach Orthanc with " + std::to_string(size) +
        " bytes (the gateway's own fields included); Orthanc accepts " + std::to_string(ORTHANC_MAX_REQUEST_HEAD) +
        " at most";
    }
    return std::nullopt;
  }
}
