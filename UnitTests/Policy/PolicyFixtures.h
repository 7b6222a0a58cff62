// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

// Policies and requests built directly through the Policy/RoutePolicy
// constructors, so that the policy tests do not depend on the configuration module.

#include "Policy/CorsEvaluation.h"

#include <string>
#include <vector>

namespace OrthancCors::Testing
{
  inline HeaderNameSet MakeHeaderNames(const std::vector<std::string>& names)
  {
    HeaderNameSet set;
    for (const std::string& name : names)
    {
      if (name == "*")
      {
        set.wildcard = true;
      }
      else
      {
        set.names.push_back(name);
      }
    }
    return set;
  }

  struct RouteSpec
  {
    std::string prefix = "/dicom-web/";
    std::vector<std::string> origins = { "https://viewer.example" };
    bool credentials = false;
    std::vector<std::string> methods = { "GET", "HEAD", "POST", "PUT", "DELETE" };
    std::vector<std::string> headers = { "Accept", "Authorization", "Content-Type", "Range" };
    std::vector<std::string> exposed = { "Content-Length", "ETag" };
  };

  inline RoutePolicy MakeRoute(const RouteSpec& spec)
  {
    RoutePolicy route;
    route.prefix = spec.prefix;
    for (const std::string& origin : spec.origins)
    {
      route.allowedOrigins.push_back(OriginPattern::Parse(origin));
    }
    route.allowCredentials = spec.credentials;
    route.allowedMethods = spec.methods;
    route.allowedHeaders = MakeHeaderNames(spec.headers);
    route.exposedHeaders = MakeHeaderNames(spec.exposed);
    return route;
  }

  struct PolicySpec
  {
    std::vector<RouteSpec> routes = { RouteSpec() };
    unsigned int maxAge = 600;
    bool privateNetwork = false;
    std::string resourcePolicy = "cross-origin";
  };

  inline Policy MakePolicy(const PolicySpec& spec)
  {
    std::vector<RoutePolicy> routes;
    for (const RouteSpec& route : spec.routes)
    {
      routes.push_back(MakeRoute(route));
    }
    return Policy(std::move(routes), spec.maxAge, spec.privateNetwork, spec.resourcePolicy);
  }

  inline Policy MakePolicy(const RouteSpec& route)
  {
    PolicySpec spec;
    spec.routes = { route };
    return MakePolicy(spec);
  }

  // A request as it arrives on the wire, turned into a CorsRequest by the same
  // function the gateway uses.
  inline CorsRequest MakeRequest(const std::string& method,
                                 const std::string& target,
                                 const HttpHeaders& headers)
  {
    return CorsRequest::FromHeaders(method, target, headers);
  }

  inline CorsRequest MakePreflight(const std::string& target,
                                   const std::string& origin,
                                   const std::string& requestMethod,
                                   const std::string& requestHeaders = "")
  {
    HttpHeaders headers = {
      { "Origin", origin },
      { "Access-Control-Request-Method", requestMethod }
    };
    if (!requestHeaders.empty())
    {
      headers.push_back({ "Access-Control-Request-Headers", requestHeaders });
    }
    return MakeRequest("OPTIONS", target, headers);
  }

  // The single value of a header, "" when absent; "<several>" when repeated so
  // that a test expecting one value fails visibly.
  inline std::string ValueOf(const HttpHeaders& headers, const std::string& name)
  {
    std::vector<std::string> values = GetAll(headers, name);
    if (values.empty())
    {
      return "";
    }
    return values.size() == 1 ? values.front() : "<several>";
  }

  inline bool Has(const HttpHeaders& headers, const std::string& name)
  {
    return !GetAll(headers, name).empty();
  }

  inline size_t CountAccessControlFields(const HttpHeaders& headers)
  {
    size_t count = 0;
    for (const HttpHeader& header : headers)
    {
      if (ToLowerAscii(header.name).rfind("access-control-", 0) == 0)
      {
        count++;
      }
    }
    return count;
  }
}
