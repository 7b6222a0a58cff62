// SPDX-License-Identifier: AGPL-3.0-or-later
// Preflight and actual-request evaluation from raw header bytes. Input: a request
// line "METHOD target" then header lines "Name: value", separated by LF (a CR, NUL
// or any other byte stays inside the value, as if a lenient parser let it through).
// The first byte picks one of several policies. Invariants: see
// CheckProducedHeaders; a refused preflight is a 403 without Access-Control-*;
// a successful one is a 204 that allows the request's method.

#include "FuzzSupport.h"
#include "Policy/OriginPattern.h"
#include "Policy/Policy.h"

#include <array>
#include <vector>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

namespace
{
  RoutePolicy MakeRoute(const std::string& prefix, const std::vector<std::string>& origins, bool credentials,
                        bool wildcardHeaders)
  {
    RoutePolicy route;
    route.prefix = prefix;
    for (const std::string& origin : origins)
    {
      route.allowedOrigins.push_back(OriginPattern::Parse(origin));
    }
    route.allowCredentials = credentials;
    route.allowedMethods = {"GET", "HEAD", "POST", "PUT", "DELETE"};
    route.allowedHeaders.wildcard = wildcardHeaders;
    route.allowedHeaders.names = {"Accept", "Authorization", "Content-Type", "Range"};
    route.exposedHeaders.names = {"Content-Length", "ETag", "Location"};
    return route;
  }

  const std::array<Policy, 3>& Policies()
  {
    static const std::array<Policy, 3> policies = {
      Policy({MakeRoute("/dicom-web/", {"http://localhost:3000", "https://*.example.org",
                                        "regex:^https://viewer-[0-9]+\\.example\\.org$"}, false, false),
              MakeRoute("/wado", {"http://localhost:3000"}, false, false)},
             600, true, "cross-origin"),
      Policy({MakeRoute("/dicom-web/", {"https://*.hospital.example", "http://[::1]:8080"}, true, false),
              MakeRoute("/dicom-web/studies", {"https://viewer.example"}, true, false)},
             7200, false, "same-site"),
      Policy({MakeRoute("/", {"*", "null"}, false, true)}, 0, false, "")
    };
    return policies;
  }

  HttpHeaders ParseLines(const std::string& text, std::string& method, std::string& target)
  {
    HttpHeaders headers;
    std::size_t position = 0;
    bool first = true;
    while (position <= text.size())
    {
      std::size_t end = text.find('\n', position);
      if (end == std::string::npos)
      {
        end = text.size();
      }
      const std::string line = text.substr(position, end - position);
      position = end + 1;
      if (first)
      {
        first = false;
        const std::size_t space = line.find(' ');
        method = line.substr(0, space);
        target = (space == std::string::npos) ? "/" : line.substr(space + 1);
        continue;
      }
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos)
      {
        continue;
      }
      std::string value = line.substr(colon + 1);
      const std::size_t start = value.find_first_not_of(' ');
      headers.push_back(HttpHeader{line.substr(0, colon), start == std::string::npos ? "" : value.substr(start)});
    }
    return headers;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size == 0)
  {
    return 0;
  }
  const Policy& policy = Policies()[data[0] % Policies().size()];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::string method;
  std::string target;
  const HttpHeaders headers = ParseLines(text, method, target);
  const CorsRequest request = CorsRequest::FromHeaders(method, target, headers);

  if (request.IsPreflight())
  {
    const CorsDecision decision = EvaluatePreflight(policy, request);
    CheckProducedHeaders(decision.headers, request);
    Require(decision.status == 204 || decision.status == 403, "a preflight is answered 204 or 403");
    if (decision.status == 403)
    {
      for (const HttpHeader& header : decision.headers)
      {
        Require(ToLowerAscii(header.name).rfind("access-control-", 0) != 0,
                "a refused preflight carries no Access-Control-* header");
      }
    }
    else
    {
      Require(decision.outcome == CorsDecision::Outcome::Allowed, "a 204 preflight is an allowed one");
      Require(GetAll(decision.headers, "Access-Control-Allow-Origin").size() == 1,
              "an allowed preflight has one Access-Control-Allow-Origin");
    }
  }

  const CorsDecision actual = EvaluateActualRequest(policy, request);
  CheckProducedHeaders(actual.headers, request);
  if (actual.outcome != CorsDecision::Outcome::Allowed)
  {
    Require(GetAll(actual.headers, "Access-Control-Allow-Origin").empty(),
            "only an allowed request gets Access-Control-Allow-Origin");
  }

  // Merging into a response that already has CORS headers leaves exactly one.
  HttpHeaders response = {{"Access-Control-Allow-Origin", "http://upstream.example"},
                          {"access-control-allow-origin", "*"},
                          {"Vary", "Accept-Encoding"}};
  ApplyCorsHeaders(response, actual);
  Require(GetAll(response, "Access-Control-Allow-Origin").size() <= 1 ||
          actual.outcome != CorsDecision::Outcome::Allowed,
          "merging keeps one Access-Control-Allow-Origin");
  Require(GetAll(response, "Vary").size() == 1, "merging keeps one Vary");
  return 0;
}
