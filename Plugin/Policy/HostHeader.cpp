// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HostHeader.h"

#include <arpa/inet.h>

#include <string>

namespace OrthancCors
{
  namespace
  {
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
