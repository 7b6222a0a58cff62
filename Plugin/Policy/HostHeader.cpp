#include "HostHeader.h"

#include "../Common/HttpHeaders.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace OrthancCors
{
  namespace
  {
    bool IsDecimal(std::string_view text)
    {
      return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    }

    std::string_view WithoutTrailingDot(std::string_view host)
    {
      if (!host.empty() && host.back() == '.')
      {
        host.remove_suffix(1);
      }
      return host;
    }

    std::optional<in_addr> ParseIpv4(std::string_view text)
    {
      // inet_pton accepts only the strict dotted quad ("127.1" and "0x7f.0.0.1" are refused).
      in_addr address{};
      if (text.size() > 15 || inet_pton(AF_INET, std::string(text).c_str(), &address) != 1)
      {
        return std::nullopt;
      }
      return address;
    }

    std::optional<in6_addr> ParseBracketedIpv6(std::string_view text)
    {
      if (text.size() < 3 || text.front() != '[' || text.back() != ']')
      {
        return std::nullopt;
      }
      in6_addr address{};
      if (inet_pton(AF_INET6, std::string(text.substr(1, text.size() - 2)).c_str(), &address) != 1)
      {
        return std::nullopt;
      }
      return address;
    }
  }


  std::optional<HostAndPort> ParseHostAndPort(std::string_view authority)
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

    if (host.empty())
    {
      return std::nullopt;
    }

    HostAndPort result{ToLowerAscii(host), std::nullopt};
    if (!port.empty())   // "host:" is allowed by RFC 3986: no port
    {
      if (port.size() > 5 || !IsDecimal(port))
      {
        return std::nullopt;
      }
      const unsigned long value = std::stoul(std::string(port));
      if (value == 0 || value > 65535)
      {
        return std::nullopt;
      }
      result.port = static_cast<uint16_t>(value);
    }
    return result;
  }


  bool IsLoopbackHost(std::string_view host)
  {
    host = WithoutTrailingDot(host);
    // Not "*.localhost": browsers that do not pin it to loopback ask DNS, which
    // a hostile resolver answers (AllowedHosts may list it).
    if (host == "localhost")
    {
      return true;
    }

    if (const auto v4 = ParseIpv4(host))
    {
      return (ntohl(v4->s_addr) >> 24) == 127;
    }

    if (const auto v6 = ParseBracketedIpv6(host))
    {
      if (IN6_IS_ADDR_LOOPBACK(&*v6))
      {
        return true;
      }
      return IN6_IS_ADDR_V4MAPPED(&*v6) && v6->s6_addr[12] == 127;
    }
    return false;
  }


  bool IsIpLiteral(std::string_view host)
  {
    return ParseIpv4(host).has_value() || ParseBracketedIpv6(host).has_value();
  }
}
