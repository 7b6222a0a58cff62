// SPDX-License-Identifier: AGPL-3.0-or-later

#include "CorsEvaluation.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    const char* const ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    const char* const ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    const char* const ALLOW_METHODS = "Access-Control-Allow-Methods";
    const char* const ALLOW_HEADERS = "Access-Control-Allow-Headers";
    const char* const ALLOW_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network";
    const char* const EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    const char* const MAX_AGE = "Access-Control-Max-Age";
    const char* const RESOURCE_POLICY = "Cross-Origin-Resource-Policy";
    // (Spelled as browsers send it: compared bytes that are equal need no case folding.)
    constexpr std::string_view ACCESS_CONTROL_PREFIX = "Access-Control-";

    void Add(HttpHeaders& headers, std::string name, std::string value)
    {
      headers.push_back(HttpHeader{std::move(name), std::move(value)});
    }

    CorsDecision NotExposed(const std::string& path, bool preflight)
    {
      CorsDecision decision;
      decision.outcome = CorsDecision::Outcome::NotExposed;
      decision.refusal = CorsDecision::Refusal::Route;
      decision.status = preflight ? 403 : 0;
      decision.reason = "path " + path + " is under no prefix of Cors.Routes: not exposed cross-origin";
      return decision;
    }

    // Exactly one Origin field, holding a serialized origin that a pattern of the
    // route allows. Returns the matching pattern, or nullptr with `reason` set.
    const OriginPattern* MatchOrigin(const RoutePolicy& route,
                                     const CorsRequest& request,
                                     Origin& origin,
                                     std::string& reason)
    {
      if (request.origins.empty())
      {
        reason = "no Origin header";
        return nullptr;
      }
      if (request.origins.size() > 1)
      {
        reason = "several Origin header fields (" + std::to_string(request.origins.size()) + ")";
        return nullptr;
      }

      OriginParseResult parsed = ParseSerializedOrigin(request.origins.front());
      if (!parsed.origin)
      {
        reason = "Origin is not a serialized origin: " + parsed.reason;
        return nullptr;
      }
      origin = *parsed.origin;

      for (const OriginPattern& pattern : route.allowedOrigins)
      {
        if (pattern.Matches(origin))
        {
          return &pattern;
        }
      }
      reason = "origin " + origin.Serialize() + " is not in AllowedOrigins for route " + route.prefix;
      return nullptr;
    }

    // "*" only for the Any pattern without credentials: with credentials, browsers
    // take "*" literally and refuse the response, so the origin is reflected.
    std::string AllowOriginValue(const RoutePolicy& route, const OriginPattern& pattern, const Origin& origin)
    {
      if (pattern.GetKind() == OriginPattern::Kind::Any && !route.allowCredentials)
      {
        return "*";
      }
      return origin.Serialize();
    }

    bool IsHeaderAllowed(const RoutePolicy& route, const std::string& lowerCaseName)
    {
      if (route.allowedHeaders.Contains(lowerCaseName))
      {
        return true;
      }
      // Fetch: a wildcard is a literal "*" in credentialed mode, and never covers
      // Authorization, which must be listed by name.
      return route.allowedHeaders.wildcard &&
        !route.allowCredentials &&
        lowerCaseName != "authorization";
    }

    std::vector<std::string> PreflightVaryTokens(const Policy& policy)
    {
      std::vector<std::string> tokens = {
        "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"
      };
      if (policy.IsPrivateNetworkAllowed())
      {
        tokens.push_back("Access-Control-Request-Private-Network");
      }
      return tokens;
    }

    CorsDecision RefusePreflight(const Policy& policy, const RoutePolicy& route, CorsDecision::Refusal refusal,
                                 std::string reason)
    {
      CorsDecision decision;
      decision.outcome = CorsDecision::Outcome::Refused;
      decision.refusal = refusal;
      decision.status = 403;
      decision.route = &route;
      decision.reason = std::move(reason);
      AddToVary(decision.headers, PreflightVaryTokens(policy));
      return decision;
    }

    bool IsAccessControlField(std::string_view name)
    {
      return name.size() >= ACCESS_CONTROL_PREFIX.size() &&
        EqualsIgnoringCase(name.substr(0, ACCESS_CONTROL_PREFIX.size()), ACCESS_CONTROL_PREFIX);
    }
  }


  CorsFieldViews CorsFieldViews::Of(const HttpFieldViews& fields)
  {
    // One pass over the fields (this runs for every request the gateway gets).
    CorsFieldViews views;
    for (const HttpFieldView& field : fields)
    {
      if (EqualsIgnoringCase(field.name, "Origin"))
      {
        views.origins.push_back(field.value);
      }
      else if (field.name.size() > ACCESS_CONTROL_PREFIX.size() && IsAccessControlField(field.name))
      {
        const std::string_view rest = field.name.substr(ACCESS_CONTROL_PREFIX.size());
        if (EqualsIgnoringCase(rest, "Request-Method"))
        {
          views.requestMethods.push_back(field.value);
        }
        else if (EqualsIgnoringCase(rest, "Request-Headers"))
        {
          views.requestHeaders.push_back(field.value);
        }
        else if (EqualsIgnoringCase(rest, "Request-Private-Network"))
        {
          views.requestPrivateNetwork.push_back(field.value);
        }
      }
    }
    return views;
  }


  CorsFieldViews CorsFieldViews::Of(const CorsRequest& request)
  {
    CorsFieldViews views;
    views.origins.assign(request.origins.begin(), request.origins.end());
    views.requestMethods.assign(request.requestMethods.begin(), request.requestMethods.end());
    views.requestHeaders.assign(request.requestHeaders.begin(), request.requestHeaders.end());
    views.requestPrivateNetwork.assign(request.requestPrivateNetwork.begin(), request.requestPrivateNetwork.end());
    return views;
  }


  CorsRequest CorsRequest::FromHeaders(std::string_view method,
                                       std::string_view target,
                                       const HttpHeaders& headers)
  {
    return FromFields(method, target, ViewFields(headers));
  }


  CorsRequest CorsRequest::FromFields(std::string_view method,
                                      std::string_view target,
                                      const HttpFieldViews& fields)
  {
    const CorsFieldViews views = CorsFieldViews::Of(fields);
    CorsRequest request;
    request.method = method;
    request.path = TargetPath(target);
    request.origins.assign(views.origins.begin(), views.origins.end());
    request.requestMethods.assign(views.requestMethods.begin(), views.requestMethods.end());
    request.requestHeaders.assign(views.requestHeaders.begin(), views.requestHeaders.end());
    request.requestPrivateNetwork.assign(views.requestPrivateNetwork.begin(), views.requestPrivateNetwork.end());
    return request;
  }


  bool CorsRequest::IsPreflight() const
  {
    return method == "OPTIONS" && HasOrigin() && !requestMethods.empty();
  }


  std::string_view ToString(CorsDecision::Outcome outcome)
  {
    switch (outcome)
    {
      case CorsDecision::Outcome::NotCors:
        return "not-cors";
      case CorsDecision::Outcome::NotExposed:
        return "not-exposed";
      case CorsDecision::Outcome::Allowed:
        return "allowed";
      case CorsDecision::Outcome::Refused:
        return "refused";
      default:
        return "unknown";
    }
  }


  CorsDecision EvaluatePreflight(const Policy& policy, const CorsRequest& request)
  {
    const RoutePolicy* route = policy.FindRoute(request.path);
    if (route == nullptr)
    {
      return NotExposed(request.path, true);
    }
    return EvaluatePreflight(policy, *route, request);
  }


  CorsDecision EvaluatePreflight(const Policy& policy, const RoutePolicy& routeOfPath, const CorsRequest& request)
  {
    const RoutePolicy* route = &routeOfPath;
    Origin origin;
    std::string reason;
    const OriginPattern* pattern = MatchOrigin(*route, request, origin, reason);
    if (pattern == nullptr)
    {
      return RefusePreflight(policy, *route, CorsDecision::Refusal::Origin, reason);
    }

    if (request.requestMethods.size() != 1)
    {
      return RefusePreflight(policy, *route, CorsDecision::Refusal::Method, "expected exactly one Access-Control-Request-Method field, got " +
                             std::to_string(request.requestMethods.size()));
    }
    const std::string& method = request.requestMethods.front();
    if (!IsToken(method))
    {
      return RefusePreflight(policy, *route, CorsDecision::Refusal::Method, "Access-Control-Request-Method \"" + method + "\" is not a method token");
    }
    if (std::find(route->allowedMethods.begin(), route->allowedMethods.end(), method) == route->allowedMethods.end())
    {
      // Methods are case-sensitive: "patch" is not "PATCH".
      return RefusePreflight(policy, *route, CorsDecision::Refusal::Method, "method " + method + " is not in AllowedMethods for route " + route->prefix);
    }

    // All or nothing: one requested header that is not allowed refuses the whole
    // preflight (answering with the allowed subset would only move the failure).
    std::vector<std::string> requestedHeaders;
    for (const std::string& line : request.requestHeaders)
    {
      for (const std::string& element : SplitHeaderList(line))
      {
        if (!IsToken(element))
        {
          return RefusePreflight(policy, *route, CorsDecision::Refusal::Header, "requested header name \"" + element + "\" is not a token");
        }
        std::string name = ToLowerAscii(element);
        if (!IsHeaderAllowed(*route, name))
        {
          return RefusePreflight(policy, *route, CorsDecision::Refusal::Header, "header " + name + " is not in AllowedHeaders for route " + route->prefix);
        }
        if (std::find(requestedHeaders.begin(), requestedHeaders.end(), name) == requestedHeaders.end())
        {
          requestedHeaders.push_back(std::move(name));
        }
      }
    }

    const bool privateNetworkRequested =
      std::find(request.requestPrivateNetwork.begin(), request.requestPrivateNetwork.end(), "true") !=
      request.requestPrivateNetwork.end();
    if (privateNetworkRequested && !policy.IsPrivateNetworkAllowed())
    {
      return RefusePreflight(policy, *route, CorsDecision::Refusal::PrivateNetwork, "private network access requested but AllowPrivateNetwork is false");
    }

    CorsDecision decision;
    decision.outcome = CorsDecision::Outcome::Allowed;
    decision.status = 204;
    decision.route = route;
    decision.reason = "allowed: preflight from " + origin.Serialize() + " for " + method +
      " on route " + route->prefix;

    Add(decision.headers, ALLOW_ORIGIN, AllowOriginValue(*route, *pattern, origin));
    if (route->allowCredentials)
    {
      Add(decision.headers, ALLOW_CREDENTIALS, "true");
    }
    Add(decision.headers, ALLOW_METHODS, JoinHeaderList(route->allowedMethods));
    if (!requestedHeaders.empty())
    {
      Add(decision.headers, ALLOW_HEADERS, JoinHeaderList(requestedHeaders));
    }
    Add(decision.headers, MAX_AGE, std::to_string(policy.GetMaxAgeSeconds()));
    if (privateNetworkRequested)
    {
      Add(decision.headers, ALLOW_PRIVATE_NETWORK, "true");
    }
    Add(decision.headers, "Content-Length", "0");
    AddToVary(decision.headers, PreflightVaryTokens(policy));
    return decision;
  }


  CorsDecision EvaluateActualRequest(const Policy& policy, const CorsRequest& request)
  {
    const RoutePolicy* route = policy.FindRoute(request.path);
    if (route == nullptr)
    {
      return NotExposed(request.path, false);
    }
    return EvaluateActualRequest(policy, *route, request);
  }


  CorsDecision EvaluateActualRequest(const Policy& policy, const RoutePolicy& routeOfPath, const CorsRequest& request)
  {
    const RoutePolicy* route = &routeOfPath;
    CorsDecision decision;
    decision.route = route;

    // Shared caches must know that the answer depends on Origin, whatever it was;
    // CORP lets no-cors loads (<img>, <video>) through under COEP.
    AddToVary(decision.headers, { "Origin" });
    if (!policy.GetResourcePolicy().empty())
    {
      Add(decision.headers, RESOURCE_POLICY, policy.GetResourcePolicy());
    }

    if (!request.HasOrigin())
    {
      decision.outcome = CorsDecision::Outcome::NotCors;
      decision.reason = "no Origin header: not a CORS request";
      return decision;
    }

    Origin origin;
    std::string reason;
    const OriginPattern* pattern = MatchOrigin(*route, request, origin, reason);
    if (pattern == nullptr)
    {
      decision.outcome = CorsDecision::Outcome::Refused;
      decision.refusal = CorsDecision::Refusal::Origin;
      decision.reason = reason;
      return decision;
    }

    decision.outcome = CorsDecision::Outcome::Allowed;
    decision.reason = "allowed: origin " + origin.Serialize() + " on route " + route->prefix;
    Add(decision.headers, ALLOW_ORIGIN, AllowOriginValue(*route, *pattern, origin));
    if (route->allowCredentials)
    {
      Add(decision.headers, ALLOW_CREDENTIALS, "true");
    }

    std::vector<std::string> exposed = route->exposedHeaders.names;
    if (route->exposedHeaders.wildcard && !route->allowCredentials)
    {
      // Listed names first for browsers that predate the wildcard.
      exposed.push_back("*");
    }
    if (!exposed.empty())
    {
      Add(decision.headers, EXPOSE_HEADERS, JoinHeaderList(exposed));
    }
    return decision;
  }


  void ApplyCorsHeaders(HttpHeaders& response, const CorsDecision& decision, ExistingResourcePolicy existing)
  {
    if (decision.outcome == CorsDecision::Outcome::NotExposed)
    {
      return;   // same-origin only: the response is not ours to decorate
    }

    const bool keepsResourcePolicy = existing == ExistingResourcePolicy::Keep &&
      !GetAll(response, RESOURCE_POLICY).empty();
    const auto isReplaced = [keepsResourcePolicy](const std::string& name)
    {
      return IsAccessControlField(name) || (!keepsResourcePolicy && EqualsIgnoringCase(name, RESOURCE_POLICY));
    };
    response.erase(std::remove_if(response.begin(), response.end(), [&](const HttpHeader& header)
    {
      return isReplaced(header.name);
    }), response.end());

    for (const HttpHeader& header : decision.headers)
    {
      if (EqualsIgnoringCase(header.name, "Vary"))
      {
        AddToVary(response, SplitHeaderList(header.value));
      }
      else if (isReplaced(header.name))
      {
        response.push_back(header);
      }
      else if (!EqualsIgnoringCase(header.name, RESOURCE_POLICY))
      {
        SetSingle(response, header.name, header.value);
      }
    }
  }
}
