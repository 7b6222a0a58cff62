#include "ForeignOriginGuard.h"

#include "Origin.h"

#include <algorithm>
#include <optional>

namespace OrthancCors
{
  namespace
  {
    struct RequestAuthority
    {
      std::string host;                  // lower-case host, without port
      std::optional<uint16_t> port;      // when written
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

    // "host", "host:port", "[v6]:port" -> host and port; nullopt if malformed.
    std::optional<std::pair<std::string, std::optional<uint16_t>>> SplitHostPort(std::string_view authority)
    {
      authority = TrimOptionalWhitespace(authority);
      if (authority.empty())
      {
        return std::nullopt;
      }

      std::string_view host = authority;
      std::string_view port;
      if (authority.front() == '[')
      {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos)
        {
          return std::nullopt;
        }
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size())
        {
          if (authority[close + 1] != ':')
          {
            return std::nullopt;
          }
          port = authority.substr(close + 2);
        }
      }
      else
      {
        const size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos)
        {
          host = authority.substr(0, colon);
          port = authority.substr(colon + 1);
        }
      }

      std::optional<uint16_t> portNumber;
      if (!port.empty())
      {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        {
          return std::nullopt;
        }
        const unsigned long value = std::stoul(std::string(port));
        if (value == 0 || value > 65535)
        {
          return std::nullopt;
        }
        portNumber = static_cast<uint16_t>(value);
      }

      return std::make_pair(ToLowerAscii(host), portNumber);
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

      const auto split = SplitHostPort(*host);
      if (!split)
      {
        return std::nullopt;
      }
      return RequestAuthority{split->first, split->second, proto};
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

  bool HasForeignOrigin(const HttpHeaders& headers, bool orthancUsesTls)
  {
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
                                   std::string_view uri,
                                   const HttpHeaders& headers,
                                   bool orthancUsesTls)
  {
    GuardDecision decision;
    const std::vector<std::string> origins = GetAll(headers, "origin");
    if (origins.empty())
    {
      decision.reason = "no Origin header: not a cross-origin browser request";
      return decision;
    }
    decision.origin = origins.front();

    if (!IsUnsafeMethod(method))
    {
      decision.reason = "safe method " + std::string(method);
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

    if (!parsed.origin->isNull)
    {
      const std::optional<RequestAuthority> authority = GetRequestAuthority(headers);
      if (authority && IsSameOrigin(*parsed.origin, *authority, orthancUsesTls))
      {
        decision.reason = "same-origin request";
        return decision;
      }
    }

    const std::string_view path = uri.substr(0, uri.find('?'));
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

    if (std::find(route->allowedMethods.begin(), route->allowedMethods.end(), method) == route->allowedMethods.end())
    {
      decision.allowed = false;
      decision.reason = "method " + std::string(method) + " is not in AllowedMethods for route " + route->prefix;
      return decision;
    }

    decision.reason = "origin " + decision.origin + " is allowed for route " + route->prefix;
    return decision;
  }
}
