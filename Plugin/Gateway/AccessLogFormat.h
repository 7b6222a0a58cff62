// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // What the policy made of a request, as the access log's last field says it.
  enum class CorsOutcome
  {
    None,                              // refused before the policy applied (malformed): "-"
    PreflightAllowed,                  // "preflight-ok"
    PreflightRefusedOrigin,            // "preflight-refused:origin"
    PreflightRefusedMethod,            // "preflight-refused:method"
    PreflightRefusedHeader,            // "preflight-refused:header"
    PreflightRefusedRoute,             // "preflight-refused:route"
    PreflightRefusedPrivateNetwork,    // "preflight-refused:private-network"
    OriginAllowed,                     // "cors-ok"
    NoOrigin,                          // "no-origin"
    OriginRefused,                     // "origin-refused"
    NotExposed,                        // "not-exposed": an Origin, on a path under no route
    HostRefused                        // "host-refused": Cors.AllowedHosts
  };

  std::string_view ToString(CorsOutcome outcome);

  // One request as the access log records it.
  struct AccessRecord
  {
    std::string clientAddress;
    std::chrono::system_clock::time_point began;
    std::chrono::steady_clock::duration elapsed{};   // from the request's first byte to the answer's last
    std::string requestLine;           // "GET /path?query HTTP/1.1" as received, or what was read of it
    unsigned int status = 0;           // 0: nothing answered (the client left): logged 499, as nginx does
    uint64_t bodyBytesSent = 0;
    std::string referer;               // "" when absent
    std::string userAgent;
    CorsOutcome outcome = CorsOutcome::None;
  };

  // nginx's "combined" format, then the request time in seconds (millisecond
  // precision, as nginx's $request_time) and the CORS outcome:
  //   127.0.0.1 - - [02/Dec/2026:08:13:46 +0000] "GET /dicom-web/studies HTTP/1.1" 200 1234 "-" "curl/7.88.1" 0.003 cors-ok
  // The user is always "-" (nothing of Authorization is written); secrets in
  // parameters are masked (MaskSecretParameters), in the request line, well formed
  // or not, and the Referer; quotes, backslashes and control or non-ASCII bytes are escaped as
  // \xHH, as nginx does. Ends with "\n".
  std::string FormatAccessLogLine(const AccessRecord& record);

  // The parameters of a target, a URL or a request line whose name, percent-decoded
  // and case-insensitive, suggests a credential — "token", "access_token", "jwt",
  // "apikey", "password", "signature" and the like — keep their name and get "***"
  // as value. Parameters are all that follows the TargetPath (the first "?" or "#"),
  // separated by "&", ";", "#", "?" or a blank; a secret's value runs to the next
  // "&", ";", "#" or "?":
  //   "/studies?limit=1#&token=t"      -> "/studies?limit=1#&token=***"
  //   "/a#access_token=t"              -> "/a#access_token=***"
  //   "GET /a b?x=1 token=t u&y=2"     -> "GET /a b?x=1 token=***&y=2"
  std::string MaskSecretParameters(std::string_view text);

  // The time as nginx's $time_local writes it: "02/Dec/2026:08:13:46 +0000"
  // (English month names whatever the locale; the local time zone).
  std::string FormatLogTime(std::chrono::system_clock::time_point time);
}
