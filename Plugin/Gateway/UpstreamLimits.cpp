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
    if (upstreamHeaders.size() + FRAMING_FIELDS > ORTHANC_MAX_HEADER_FIELDS)
    {
      return "the request has " + std::to_string(upstreamHeaders.size()) + " header fields as relayed; Orthanc reads " +
        std::to_string(ORTHANC_MAX_HEADER_FIELDS) + " at most";
    }
    const std::size_t size = MeasureRequestHead(method, target, upstreamHeaders) + FRAMING_BYTES;
    if (size > ORTHANC_MAX_REQUEST_HEAD)
    {
      return "the request head takes " + std::to_string(size) + " bytes as relayed; Orthanc accepts " +
        std::to_string(ORTHANC_MAX_REQUEST_HEAD) + " at most";
    }
    return std::nullopt;
  }
}
