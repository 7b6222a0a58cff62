// SPDX-License-Identifier: AGPL-3.0-or-later

#include "RequestValidation.h"

#include "../Common/HexDigit.h"
#include "../Common/HostAndPort.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    const char* const ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";

    bool IsDigit(char c)
    {
      return c >= '0' && c <= '9';
    }

    bool IsRegNameCharacter(char c)
    {
      return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        c == '-' || c == '.' || c == '_' || c == '~';
    }

    RequestRejection Reject(int status, std::string details)
    {
      return RequestRejection{status, std::move(details), {}};
    }

    std::optional<RequestRejection> CheckHost(unsigned int version, const HttpFieldViews& fields)
    {
      const FieldLookup host = LookUpField(fields, "Host");
      if (host.count > 1)
      {
        return Reject(400, "several Host header fields");
      }
      if (host.count == 0)
      {
        if (version >= 11)
        {
          return Reject(400, "an HTTP/1.1 request must carry a Host header field");
        }
        return std::nullopt;
      }
      if (!host.first.empty() && !IsValidHostField(host.first))
      {
        return Reject(400, "the Host header field is not a host name with an optional port");
      }
      return std::nullopt;
    }

    std::optional<RequestRejection> CheckFraming(unsigned int version, const HttpFieldViews& fields)
    {
      const bool hasLength = LookUpField(fields, "Content-Length").count > 0;
      if (LookUpField(fields, "Transfer-Encoding").count > 0)
      {
        if (version < 11)
        {
          return Reject(400, "Transfer-Encoding is not defined in HTTP/1.0");
        }
        if (hasLength)
        {
          return Reject(400, "Content-Length together with Transfer-Encoding");
        }
        std::vector<std::string> codings;
        for (const HttpFieldView& field : fields)
        {
          if (EqualsIgnoringCase(field.name, "Transfer-Encoding"))
          {
            for (std::string& coding : SplitHeaderList(field.value))
            {
              codings.push_back(std::move(coding));
            }
          }
        }
        if (codings.size() != 1 || !EqualsIgnoringCase(codings.front(), "chunked"))
        {
          return Reject(501, "only the \"chunked\" transfer coding is supported");
        }
      }

      std::string_view first;
      for (const HttpFieldView& field : fields)
      {
        if (!EqualsIgnoringCase(field.name, "Content-Length"))
        {
          continue;
        }
        std::string_view rest = field.value;
        // RFC 9110 (8.6) tolerates a list of identical values; anything else is refused.
        while (true)
        {
          const std::size_t comma = rest.find(',');
          const std::string_view element = TrimOptionalWhitespace(rest.substr(0, comma));
          if (element.empty() || element.size() > 19 || !std::all_of(element.begin(), element.end(), IsDigit))
          {
            return Reject(400, "Content-Length is not a decimal number");
          }
          if (first.empty())
          {
            first = element;
          }
          else if (element != first)
          {
            return Reject(400, "several different Content-Length values");
          }
          if (comma == std::string_view::npos)
          {
            break;
          }
          rest.remove_prefix(comma + 1);
        }
      }
      return std::nullopt;
    }
  }


  bool IsValidHostField(std::string_view value)
  {
    const AuthorityParts parts = SplitAuthority(value);
    if (parts.problem != AuthorityProblem::None)
    {
      return false;
    }
    // Stricter than RFC 3986, which allows "host:" (an empty port): the Host is
    // copied into Forwarded and into the links Orthanc writes, which would carry
    // the stray ':'.
    if (parts.port && ParsePort(*parts.port).problem != PortProblem::None)
    {
      return false;
    }

    const std::string_view host = parts.host;
    if (!host.empty() && host.front() == '[')
    {
      const std::string_view literal = host.substr(1, host.size() - 2);
      return literal.size() >= 2 &&
        std::all_of(literal.begin(), literal.end(), [](char c) { return HexDigitValue(c) >= 0 || c == ':' || c == '.'; });
    }
    return !host.empty() && std::all_of(host.begin(), host.end(), IsRegNameCharacter);
  }


  std::optional<RequestRejection> ValidateRequest(std::string_view method,
                                                  std::string_view target,
                                                  unsigned int version,
                                                  const HttpFieldViews& fields)
  {
    if (method == "CONNECT")
    {
      RequestRejection rejection = Reject(405, "CONNECT is refused: the gateway is not a proxy");
      rejection.headers.push_back(HttpHeader{"Allow", ALLOWED_METHODS});
      return rejection;
    }

    if (target.empty() || target.front() != '/')
    {
      return Reject(400, "the request-target must be a path (origin-form): the gateway is not a proxy");
    }

    if (version != 10 && version != 11)
    {
      return Reject(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    }

    if (auto rejection = CheckHost(version, fields))
    {
      return rejection;
    }

    if (auto rejection = CheckFraming(version, fields))
    {
      return rejection;
    }

    for (const HttpFieldView& field : fields)
    {
      if (EqualsIgnoringCase(field.name, "Expect") &&
          !EqualsIgnoringCase(TrimOptionalWhitespace(field.value), "100-continue"))
      {
        return Reject(417, "the only expectation supported is 100-continue");
      }
    }

    return std::nullopt;
  }
}
