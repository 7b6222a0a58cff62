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

  // Whether the request carries an Origin other than its own (the origin named by
  // Host, or by X-Forwarded-Host/-Proto or Forwarded behind a proxy): a page of
  // another site, whatever the method and the policy. Several Origin fields, an
  // invalid or opaque ("null") Origin count as foreign; no Origin does not.
  bool HasForeignOrigin(const HttpHeaders& headers, bool orthancUsesTls);
}
