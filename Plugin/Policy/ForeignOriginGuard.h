#pragma once

#include "HttpHeaders.h"
#include "Policy.h"

#include <string>
#include <string_view>

namespace OrthancCors
{
  struct GuardDecision
  {
    bool allowed = true;
    std::string origin;     // the Origin header as received ("" when absent), for the log
    std::string reason;     // why the request was refused, or why it was let through
  };

  // Decides, for a request arriving on Orthanc's own port, whether a browser page
  // of another origin is trying to change state (CSRF). A "simple" cross-origin
  // POST (text/plain, form) needs no preflight, so Orthanc would execute it; this
  // refuses unsafe methods whose Origin is neither the request's own origin nor
  // allowed by the policy for that route. Requests without Origin (curl, scripts,
  // servers) and safe methods are never refused.
  //
  // `headers` are the request's fields; `orthancUsesTls` gives the scheme of
  // Orthanc's port when no X-Forwarded-Proto/Forwarded proto tells otherwise.
  GuardDecision CheckForeignOrigin(const Policy& policy,
                                   std::string_view method,
                                   std::string_view uri,
                                   const HttpHeaders& headers,
                                   bool orthancUsesTls);

  bool IsUnsafeMethod(std::string_view method);
}
