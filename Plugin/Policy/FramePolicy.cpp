// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FramePolicy.h"

#include <optional>
#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    const char* const CONTENT_SECURITY_POLICY = "Content-Security-Policy";
    const char* const FRAME_ANCESTORS = "frame-ancestors";

    std::string MakeDirective(const std::vector<OriginPattern>& ancestors)
    {
      std::string directive = std::string(FRAME_ANCESTORS) + " 'self'";
      for (const OriginPattern& ancestor : ancestors)
      {
        // Exact and "*." entries are already in CSP's source syntax (lower case,
        // no default port), and so is "*".
        directive += " " + ancestor.GetText();
      }
      return directive;
    }

    // CSP 3, "scheme-part matching": a source for http also matches https (the
    // upgrade), never the reverse.
    bool SchemeMatches(const std::string& source, const std::string& scheme)
    {
      return source == scheme || (source == "http" && scheme == "https");
    }

    // CSP 3, "port-part matching", where a port is null when it is the scheme's
    // default (an origin never writes it): "http://host" matches "https://host",
    // "http://host:8080" matches "https://host:8080", "http://host:443" matches
    // "https://host".
    bool PortMatches(const Origin& source, const Origin& ancestor)
    {
      const std::optional<uint16_t> sourcePort = source.port == GetDefaultPort(source.scheme) ?
        std::nullopt : std::optional<uint16_t>(source.port);
      const std::optional<uint16_t> ancestorPort = ancestor.port == GetDefaultPort(ancestor.scheme) ?
        std::nullopt : std::optional<uint16_t>(ancestor.port);
      return sourcePort == ancestorPort ||
        (!ancestorPort && sourcePort == GetDefaultPort(ancestor.scheme));
    }

    bool IsNetworkScheme(const std::string& scheme)
    {
      return scheme == "http" || scheme == "https";
    }

    std::string_view NextElement(std::string_view& text, char separator)
    {
      const size_t end = text.find(separator);
      const std::string_view element = text.substr(0, end);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
      return element;
    }
  }


  OriginPattern FramePolicy::ParseAncestor(const std::string& entry)
  {
    OriginPattern pattern = OriginPattern::Parse(entry);
    switch (pattern.GetKind())
    {
      case OriginPattern::Kind::Regex:
        throw std::invalid_argument("\"" + entry + "\": frame-ancestors has no regular expressions; list the "
                                    "origins, or write \"https://*.example.org\" for every subdomain");
      case OriginPattern::Kind::Null:
        throw std::invalid_argument("\"" + entry + "\": a page with an opaque origin (sandboxed frame, file:) "
                                    "cannot be allowed to frame the folder");
      default:
        break;
    }
    if (pattern.GetKind() != OriginPattern::Kind::Any && pattern.GetOrigin().scheme != "http" &&
        pattern.GetOrigin().scheme != "https")
    {
      // CSP lets "ws:" stand for http and https too: a frame's ancestors are documents.
      throw std::invalid_argument("\"" + entry + "\": a page that frames the folder is on http:// or https://");
    }
    if (entry.find("://[") != std::string::npos)
    {
      throw std::invalid_argument("\"" + entry + "\": browsers accept no IPv6 address in frame-ancestors; "
                                  "use a host name");
    }
    return pattern;
  }


  FramePolicy::FramePolicy(std::vector<OriginPattern> ancestors) :
    ancestors_(std::move(ancestors)),
    directive_(MakeDirective(ancestors_))
  {
  }


  bool FramePolicy::AllowsListedAncestor(const Origin& ancestor) const
  {
    if (ancestor.isNull)
    {
      return false;
    }

    for (const OriginPattern& pattern : ancestors_)
    {
      switch (pattern.GetKind())
      {
        case OriginPattern::Kind::Any:
          if (IsNetworkScheme(ancestor.scheme))
          {
            return true;
          }
          break;

        case OriginPattern::Kind::Exact:
        case OriginPattern::Kind::Subdomains:
        {
          // The pattern matches an origin of its own scheme and port; with the
          // ancestor's host, the CSP rules for scheme and port decide the rest.
          const Origin& source = pattern.GetOrigin();
          Origin sameScheme = ancestor;
          sameScheme.scheme = source.scheme;
          sameScheme.port = source.port;
          if (SchemeMatches(source.scheme, ancestor.scheme) && PortMatches(source, ancestor) &&
              pattern.Matches(sameScheme))
          {
            return true;
          }
          break;
        }

        default:
          break;
      }
    }
    return false;
  }


  bool HasCspDirective(std::string_view policy, std::string_view directive)
  {
    while (!policy.empty())
    {
      std::string_view oneDirective = TrimOptionalWhitespace(NextElement(policy, ';'));
      const std::string_view name = oneDirective.substr(0, oneDirective.find_first_of(" \t"));
      if (EqualsIgnoringCase(name, directive))
      {
        return true;
      }
    }
    return false;
  }


  void AddFramePolicyHeaders(HttpHeaders& headers, const FramePolicy& policy)
  {
    bool added = false;
    for (HttpHeader& header : headers)
    {
      if (!added && EqualsIgnoringCase(header.name, CONTENT_SECURITY_POLICY))
      {
        // One field may hold several policies, separated by commas: the directive
        // is missing only if no policy of the field has one.
        std::string_view policies = header.value;
        bool hasFrameAncestors = false;
        while (!policies.empty() && !hasFrameAncestors)
        {
          hasFrameAncestors = HasCspDirective(NextElement(policies, ','), FRAME_ANCESTORS);
        }
        if (!hasFrameAncestors)
        {
          const std::string_view existing = TrimOptionalWhitespace(header.value);
          header.value = existing.empty() ? policy.GetDirective() :
            std::string(existing) + (existing.back() == ';' ? " " : "; ") + policy.GetDirective();
          added = true;
        }
      }
    }
    if (!added)
    {
      headers.push_back({CONTENT_SECURITY_POLICY, policy.GetDirective()});
    }

    if (policy.IsSameOriginOnly() && GetAll(headers, "X-Frame-Options").empty())
    {
      headers.push_back({"X-Frame-Options", "SAMEORIGIN"});
    }
  }
}
