// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ForeignOriginGuard.h"

#include "../Common/HostAndPort.h"
#include "../Common/TargetPath.h"
#include "Origin.h"
#include "QueryString.h"

#include <algorithm>
#include <optional>

namespace OrthancCors
{
  namespace
  {
    // The host and port the request names (Host, or what a proxy forwarded).
    struct RequestAuthority : HostAndPort
    {
      std::optional<std::string> scheme; // when a proxy told it
    };

    std::string Unquote(std::string_view text)
    {
      text = TrimOptionalWhitespace(text);
      if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
      {
        text = text.substr(1, text.size() - 2);
      }
      return std::string(text);
    }

    // The first element of a Forwarded field (RFC 7239): the proxy nearest the client.
    void ReadForwarded(const std::string& value, std::optional<std::string>& host, std::optional<std::string>& proto)
    {
      const std::string firstElement = value.substr(0, value.find(','));
      size_t start = 0;
      while (start <= firstElement.size())
      {
        const size_t end = std::min(firstElement.find(';', start), firstElement.size());
        const std::string_view pair = TrimOptionalWhitespace(std::string_view(firstElement).substr(start, end - start));
        const size_t equal = pair.find('=');
        if (equal != std::string_view::npos)
        {
          const std::string name = ToLowerAscii(TrimOptionalWhitespace(pair.substr(0, equal)));
          const std::string parameter = Unquote(pair.substr(equal + 1));
          if (name == "host")
          {
            host = parameter;
          }
          else if (name == "proto")
          {
            proto = ToLowerAscii(parameter);
          }
        }
        start = end + 1;
      }
    }

    std::optional<RequestAuthority> GetRequestAuthority(const HttpHeaders& headers)
    {
      std::optional<std::string> host;
      std::optional<std::string> proto;

      const std::vector<std::string> forwarded = GetAll(headers, "forwarded");
      if (!forwarded.empty())
      {
        ReadForwarded(forwarded.front(), host, proto);
      }

      const std::vector<std::string> forwardedHost = GetAll(headers, "x-forwarded-host");
      if (!host && !forwardedHost.empty())
      {
        host = std::string(TrimOptionalWhitespace(forwardedHost.front().substr(0, forwardedHost.front().find(','))));
      }

      const std::vector<std::string> forwardedProto = GetAll(headers, "x-forwarded-proto");
      if (!proto && !forwardedProto.empty())
      {
        proto = ToLowerAscii(TrimOptionalWhitespace(forwardedProto.front().substr(0, forwardedProto.front().find(','))));
      }

      if (!host)
      {
        const std::vector<std::string> hostFields = GetAll(headers, "host");
        if (hostFields.size() != 1)
        {
          return std::nullopt;
        }
        host = hostFields.front();
      }

      const std::optional<HostAndPort> split = ParseHostAndPort(*host);
      if (!split)
      {
        return std::nullopt;
      }
      return RequestAuthority{*split, proto};
    }

    // The request's own scheme is known when a proxy said it, or when Orthanc's
    // port itself is TLS; otherwise (a TLS-terminating proxy may be in front) the
    // scheme is not compared and a port-less Host means the Origin's default port.
    bool IsSameOrigin(const Origin& origin, const RequestAuthority& authority, bool orthancUsesTls)
    {
      std::optional<std::string> scheme = authority.scheme;
      if (!scheme && orthancUsesTls)
      {
        scheme = "https";
      }

      if (origin.host != authority.host || (scheme && origin.scheme != *scheme))
      {
        return false;
      }

      const uint16_t requestPort = authority.port ? *authority.port : GetDefaultPort(scheme ? *scheme : origin.scheme);
      return origin.port == requestPort;
    }
  }

  bool IsUnsafeMethod(std::string_view method)
  {
    return !(method == "GET" || method == "HEAD" || method == "OPTIONS");
  }


  EffectiveMethod GetEffectiveMethod(std::string_view method, std::string_view target, const HttpHeaders& headers)
  {
    // Orthanc reads the first field and the first argument; any override counts.
    const std::vector<std::string> overrides = GetAll(headers, "x-http-method-override");
    if (!overrides.empty() && !overrides.front().empty())
    {
      return EffectiveMethod{ToUpperAscii(overrides.front()), "X-HTTP-Method-Override"};
    }
    if (method == "GET")
    {
      // Orthanc's arguments are all that follows the first "?", a "#" included:
      // it runs "GET /x?a=1#&_method=DELETE" as a DELETE.
      const size_t question = target.find('?');
      if (question != std::string_view::npos)
      {
        if (const auto value = FindQueryArgument(target.substr(question + 1), "_method"); value && !value->empty())
        {
          return EffectiveMethod{ToUpperAscii(*value), "_method"};
        }
      }
    }
    return EffectiveMethod{std::string(method), ""};
  }


  FetchSite ReadFetchSite(const HttpHeaders& headers)
  {
    const std::vector<std::string> values = GetAll(headers, "sec-fetch-site");
    if (values.empty())
    {
      return FetchSite::Absent;
    }
    const std::string value = ToLowerAscii(TrimOptionalWhitespace(values.front()));
    if (values.size() == 1 && value == "same-origin")
    {
      return FetchSite::SameOrigin;
    }
    if (values.size() == 1 && value == "none")
    {
      return FetchSite::UserInitiated;
    }
    // "cross-site", "same-site", and anything a browser would not send: another origin.
    return FetchSite::OtherOrigin;
  }


  bool HasForeignOrigin(const HttpHeaders& headers, bool orthancUsesTls)
  {
    if (ReadFetchSite(headers) == FetchSite::OtherOrigin)
    {
      return true;
    }
    const std::vector<std::string> origins = GetAll(headers, "origin");
    if (origins.empty())
    {
      return false;
    }
    if (origins.size() > 1)
    {
      return true;
    }
    const OriginParseResult parsed = ParseSerializedOrigin(origins.front());
    if (!parsed.origin || parsed.origin->isNull)
    {
      return true;
    }
    const std::optional<RequestAuthority> authority = GetRequestAuthority(headers);
    return !authority || !IsSameOrigin(*parsed.origin, *authority, orthancUsesTls);
  }


  GuardDecision CheckForeignOrigin(const Policy& policy,
                                   std::string_view method,
                                   std::string_view target,
                                   const HttpHeaders& headers,
                                   bool orthancUsesTls)
  {
    GuardDecision decision;
    const std::vector<std::string> origins = GetAll(headers, "origin");
    if (!origins.empty())
    {
      decision.origin = origins.front();
    }

    const EffectiveMethod effective = GetEffectiveMethod(method, target, headers);
    decision.method = effective.method;
    if (!effective.IsOverridden() && !IsUnsafeMethod(effective.method))
    {
      decision.reason = "safe method " + effective.method;
      return decision;
    }
    const std::string described = effective.IsOverridden() ?
      effective.method + " (" + std::string(method) + " with " + effective.overriddenBy + ")" : effective.method;

    const FetchSite site = ReadFetchSite(headers);
    if (origins.empty())
    {
      if (site == FetchSite::OtherOrigin)
      {
        decision.allowed = false;
        decision.reason = described + " sent by a page of another origin (Sec-Fetch-Site) without Origin: "
          "an <img>, <form> or link of another site";
        return decision;
      }
      // Browsers send Sec-Fetch-* to https:// and loopback URLs only: a plain
      // http:// Orthanc on a LAN name gets an <img> of any site with neither
      // header, and a link clicked in a mail says "none". Any of them can carry
      // a _method; only a page of this origin may use it, and scripts send the
      // real method.
      if (effective.overriddenBy == "_method" && site != FetchSite::SameOrigin)
      {
        decision.allowed = false;
        decision.reason = described + " without Origin and without Sec-Fetch-Site: same-origin: an <img>, "
          "a link or a page of another site may have sent it (send a real " + effective.method + " instead)";
        return decision;
      }
      decision.reason = "no Origin header and no Sec-Fetch-Site of another origin: not a cross-origin browser request";
      return decision;
    }

    if (origins.size() > 1)
    {
      decision.allowed = false;
      decision.reason = "several Origin header fields";
      return decision;
    }

    const OriginParseResult parsed = ParseSerializedOrigin(decision.origin);
    if (!parsed.origin)
    {
      decision.allowed = false;
      decision.reason = "Origin is not a serialized origin: " + parsed.reason;
      return decision;
    }

    // The browser's Sec-Fetch-Site outranks what Host suggests: a proxy may have
    // rewritten Host, the browser knows who initiated the request.
    if (!parsed.origin->isNull && site != FetchSite::OtherOrigin)
    {
      const std::optional<RequestAuthority> authority = GetRequestAuthority(headers);
      if (authority && IsSameOrigin(*parsed.origin, *authority, orthancUsesTls))
      {
        decision.reason = "same-origin request";
        return decision;
      }
    }

    const std::string_view path = TargetPath(target);
    const RoutePolicy* route = policy.FindRoute(path);
    if (route == nullptr)
    {
      decision.allowed = false;
      decision.reason = "origin " + decision.origin + " is not this server's origin and " +
        std::string(path) + " is under no route of Cors.Routes";
      return decision;
    }

    const bool originAllowed = std::any_of(
      route->allowedOrigins.begin(), route->allowedOrigins.end(),
      [&](const OriginPattern& pattern) { return pattern.Matches(*parsed.origin); });
    if (!originAllowed)
    {
      decision.allowed = false;
      decision.reason = "origin " + decision.origin + " is not in AllowedOrigins for route " + route->prefix;
      return decision;
    }

    if (std::find(route->allowedMethods.begin(), route->allowedMethods.end(), effective.method) ==
        route->allowedMethods.end())
    {
      decision.allowed = false;
      decision.reason = "method " + described + " is not in AllowedMethods for route " + route->prefix;
      return decision;
    }

    decision.reason = "origin " + decision.origin + " is allowed for route " + route->prefix;
    return decision;
  }
}
