// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"
#include "../Common/TargetPath.h"
#include "Policy.h"

#include <boost/container/small_vector.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // What of an incoming request matters to CORS. Header lists keep every field
  // line, so that "several Origin fields" can be told apart from one.
  struct CorsRequest
  {
    std::string method;                            // as received, case-sensitive
    std::string path;                              // TargetPath of the request-target
    std::vector<std::string> origins;              // values of every Origin field
    std::vector<std::string> requestMethods;       // Access-Control-Request-Method fields
    std::vector<std::string> requestHeaders;       // Access-Control-Request-Headers fields
    std::vector<std::string> requestPrivateNetwork;// Access-Control-Request-Private-Network fields

    // `target` is the request-target (origin-form), query included; `path` is its TargetPath.
    static CorsRequest FromHeaders(std::string_view method,
                                   std::string_view target,
                                   const HttpHeaders& headers);
    static CorsRequest FromFields(std::string_view method,
                                  std::string_view target,
                                  const HttpFieldViews& fields);

    bool HasOrigin() const { return !origins.empty(); }

    // OPTIONS with an Origin and an Access-Control-Request-Method (Fetch "CORS-preflight request").
    bool IsPreflight() const;
  };

  // The fields CORS reads, as views into a request's fields (every field line, in
  // order): what a connection compares with the preflight answers it keeps
  // (PreflightAnswerCache) before it copies anything, and what CorsRequest copies.
  struct CorsFieldViews
  {
    using Values = boost::container::small_vector<std::string_view, 1>;
    Values origins;
    Values requestMethods;
    Values requestHeaders;
    Values requestPrivateNetwork;

    static CorsFieldViews Of(const HttpFieldViews& fields);
    static CorsFieldViews Of(const CorsRequest& request);

    // With OPTIONS, a CORS-preflight request (CorsRequest::IsPreflight).
    bool AsksPreflight() const { return !origins.empty() && !requestMethods.empty(); }
  };

  struct CorsDecision
  {
    enum class Outcome
    {
      NotCors,      // no Origin: no CORS headers at all
      NotExposed,   // the path is under no route: no CORS headers (same-origin only)
      Allowed,      // headers grant access
      Refused       // Vary only (plus, for a preflight, status 403)
    };

    // What refused the request (NotExposed: Route), for the access log and the metrics.
    enum class Refusal
    {
      None,
      Route,            // the path is under no route
      Origin,           // no Origin, several, malformed, or not allowed
      Method,           // Access-Control-Request-Method missing, repeated, malformed, or not allowed
      Header,           // a requested header malformed or not allowed
      PrivateNetwork    // private network access requested, not allowed
    };

    Outcome outcome = Outcome::NotCors;
    Refusal refusal = Refusal::None;
    int status = 0;                // preflight: 204 or 403; actual request: 0 (keep the upstream status)
    HttpHeaders headers;           // to merge into the response with ApplyCorsHeaders
    std::string reason;            // human-readable, for every refusal (and "allowed" otherwise)
    const RoutePolicy* route = nullptr;
  };

  // "not-cors", "not-exposed", "allowed", "refused": for logs and diagnostics.
  std::string_view ToString(CorsDecision::Outcome outcome);

  // The answer to a CORS-preflight request: 204 with Content-Length: 0 and the
  // Access-Control-* headers, or 403 without any Access-Control-* header. All or
  // nothing: one requested header not allowed refuses the whole preflight.
  CorsDecision EvaluatePreflight(const Policy& policy, const CorsRequest& request);
  // The same, `routeOfPath` being policy.FindRoute(request.path), found already.
  CorsDecision EvaluatePreflight(const Policy& policy, const RoutePolicy& routeOfPath, const CorsRequest& request);

  // The headers to put on the response to an actual (non-preflight) request.
  CorsDecision EvaluateActualRequest(const Policy& policy, const CorsRequest& request);
  // The same, `routeOfPath` being policy.FindRoute(request.path), found already.
  CorsDecision EvaluateActualRequest(const Policy& policy, const RoutePolicy& routeOfPath, const CorsRequest& request);

  // Whose Cross-Origin-Resource-Policy a response keeps when it has one.
  enum class ExistingResourcePolicy
  {
    Replace,   // Orthanc's or another plugin's: the route's policy decides
    Keep       // a folder's own, set for its cross-origin isolation and framing
  };

  // Merges a decision's headers into a response's: Access-Control-* fields already
  // present (from Orthanc or another plugin) are replaced so that exactly one of
  // each remains, and so is Cross-Origin-Resource-Policy unless it is kept; Vary
  // tokens are added.
  void ApplyCorsHeaders(HttpHeaders& response, const CorsDecision& decision,
                        ExistingResourcePolicy existing = ExistingResourcePolicy::Replace);
}
