// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"
#include "Policy.h"

#include <string>
#include <string_view>

namespace OrthancCors
{
  struct GuardDecision
  {
    bool allowed = true;
    std::string origin;     // the Origin header as received ("" when absent), for the log
    std::string method;     // the effective method (after any method override)
    std::string reason;     // why the request was refused, or why it was let through
  };

  // The method Orthanc will execute. Orthanc honours "HTTP method faking": an
  // X-HTTP-Method-Override field on any request, or a `_method` argument on a
  // GET ("GET /instances/x?_method=DELETE" deletes), turns the request into a PUT
  // or a DELETE (other values are refused with 400).
  struct EffectiveMethod
  {
    std::string method;         // upper-cased override, or the request's method
    std::string overriddenBy;   // "X-HTTP-Method-Override", "_method", or "" when not overridden

    bool IsOverridden() const { return !overriddenBy.empty(); }
  };

  // `target` is the request-target, query included (on Orthanc's port the filter
  // receives the method already overridden and a target without query).
  EffectiveMethod GetEffectiveMethod(std::string_view method, std::string_view target, const HttpHeaders& headers);

  // Fetch Metadata: who initiated the request, as the browser says in
  // Sec-Fetch-Site (a field pages cannot set).
  enum class FetchSite
  {
    Absent,          // not a browser, or an old one
    SameOrigin,      // "same-origin"
    UserInitiated,   // "none": typed URL, bookmark
    OtherOrigin      // "cross-site", "same-site", or a value no browser sends
  };

  FetchSite ReadFetchSite(const HttpHeaders& headers);

  // Decides, for a request arriving on Orthanc's own port (directly or relayed by
  // the gateway), whether a browser page of another origin is trying to change
  // state (CSRF). The rule, judged on the effective method:
  //  - a safe method (GET, HEAD, OPTIONS, not overridden) is never refused: reading
  //    is protected by the browser's CORS check;
  //  - an unsafe one (POST, PUT, DELETE, any method override) is let through when
  //    the request's Origin is its own origin (Host, or X-Forwarded-Host/-Proto
  //    or Forwarded behind a proxy), or is allowed for the route (AllowedOrigins)
  //    together with the effective method (AllowedMethods);
  //  - otherwise it is refused, in particular when Sec-Fetch-Site says another
  //    origin ("cross-site", "same-site") and Origin is absent (an <img>, <form>
  //    or link of another site: "<img src=/instances/x?_method=DELETE>") or not allowed;
  //  - a GET that Orthanc runs as PUT or DELETE because of a `_method` argument
  //    also needs that proof: Sec-Fetch-Site "same-origin", or an Origin of its own
  //    or allowed. Browsers send Sec-Fetch-* to https:// and loopback URLs only,
  //    so an <img> of any site pointing at a plain http:// Orthanc on a LAN name
  //    carries neither header, and a link clicked in a mail says "none";
  //  - any other request with neither Origin nor a Sec-Fetch-Site of another
  //    origin (curl, scripts, servers, old browsers) is not a cross-origin browser
  //    request and is let through.
  //
  // `target` is a request-target as a client sends it, judged by its TargetPath (on
  // Orthanc's port, the decoded URI encoded again: EncodeDecodedPath).
  // `headers` are the request's fields; `orthancUsesTls` gives the scheme of
  // Orthanc's port when no X-Forwarded-Proto/Forwarded proto tells otherwise.
  GuardDecision CheckForeignOrigin(const Policy& policy,
                                   std::string_view method,
                                   std::string_view target,
                                   const HttpHeaders& headers,
                                   bool orthancUsesTls);

  bool IsUnsafeMethod(std::string_view method);

  // Whether the request comes from a page of another origin, whatever the method
  // and the policy: Sec-Fetch-Site says so, or Origin is not the request's own
  // origin (the origin named by Host, or by X-Forwarded-Host/-Proto or Forwarded
  // behind a proxy). Several Origin fields, an invalid or opaque ("null") Origin
  // count as foreign; no Origin (and no Sec-Fetch-Site) does not.
  bool HasForeignOrigin(const HttpHeaders& headers, bool orthancUsesTls);
}
