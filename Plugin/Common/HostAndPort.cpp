// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HostAndPort.h"

#include "HttpHeaders.h"

#include <algorithm>
#include <charconv>

namespace OrthancCors
{
  namespace
  {
    const std::size_t MAX_PORT_DIGITS = 5;   // "65535"
    const unsigned long MAX_PORT = 65535;
  }


  AuthorityParts SplitAuthority(std::string_view authority)
  {
    AuthorityParts parts;
    std::size_t hostEnd = authority.find(':');
    if (!authority.empty() && authority.front() == '[')
    {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos)
      {
        parts.problem = AuthorityProblem::UnclosedBracket;
        return parts;
      }
      hostEnd = close + 1;
      if (hostEnd < authority.size() && authority[hostEnd] != ':')
      {
        parts.problem = AuthorityProblem::TextAfterBracket;
        return parts;
      }
    }

    parts.host = authority.substr(0, hostEnd);
    if (hostEnd < authority.size())
    {
      parts.port = authority.substr(hostEnd + 1);
    }
    return parts;
  }


  ParsedPort ParsePort(std::string_view text)
  {
    ParsedPort port;
    if (text.empty())
    {
      port.problem = PortProblem::Empty;
      return port;
    }
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    {
      port.problem = PortProblem::NotDecimal;
      return port;
    }

    unsigned long value = MAX_PORT + 1;
    if (text.size() <= MAX_PORT_DIGITS)
    {
      std::from_chars(text.data(), text.data() + text.size(), value);   // decimal digits only: cannot fail
    }
    if (value > MAX_PORT)
    {
      port.problem = PortProblem::AboveMaximum;
    }
    else if (value == 0)
    {
      port.problem = PortProblem::Zero;
    }
    else
    {
      port.value = static_cast<uint16_t>(value);
    }
    return port;
  }


  std::optional<HostAndPort> ParseHostAndPort(std::string_view authority)
  {
    const AuthorityParts parts = SplitAuthority(TrimOptionalWhitespace(authority));
    if (parts.problem != AuthorityProblem::None || parts.host.empty())
    {
      return std::nullopt;
    }

    HostAndPort result{ToLowerAscii(parts.host), std::nullopt};
    if (parts.port && !parts.port->empty())   // "host:" is allowed by RFC 3986: no port
    {
      const ParsedPort port = ParsePort(*parts.port);
      if (port.problem != PortProblem::None)
      {
        return std::nullopt;
      }
      result.port = port.value;
    }
    return result;
  }
}
