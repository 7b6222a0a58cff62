// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The one reading of an authority "host[:port]" (RFC 3986, 3.2.2 and 3.2.3), shared
  // by the Origin parser, the Host checks of the policy and the gateway's request
  // validation. Each of them adds its own stricter rules on top, where it has a reason.

  enum class AuthorityProblem
  {
    None,
    UnclosedBracket,      // "[::1"
    TextAfterBracket      // "[::1]x": only ":port" may follow an IPv6 literal
  };

  // An authority cut in two, as written: an IPv6 literal keeps its brackets; an other
  // host ends at the first ':' (a reg-name or an IPv4 address holds none). `port` is
  // the text after that ':' ("" for "host:"), std::nullopt without a ':'. The host
  // may be empty: whether that is allowed is the caller's business.
  struct AuthorityParts
  {
    std::string_view host;
    std::optional<std::string_view> port;
    AuthorityProblem problem = AuthorityProblem::None;
  };

  AuthorityParts SplitAuthority(std::string_view authority);

  enum class PortProblem
  {
    None,
    Empty,
    NotDecimal,
    Zero,
    AboveMaximum          // above 65535, or more than 5 digits
  };

  // A port as RFC 3986 writes it (decimal digits, leading zeros allowed), 1 to 65535.
  struct ParsedPort
  {
    uint16_t value = 0;   // when `problem` is None
    PortProblem problem = PortProblem::None;
  };

  ParsedPort ParsePort(std::string_view text);

  // The authority a request names in its Host field (or a proxy in
  // X-Forwarded-Host / Forwarded: host=), split into a lower-case host and the
  // port when one is written. IPv6 literals keep their brackets ("[::1]").
  struct HostAndPort
  {
    std::string host;
    std::optional<uint16_t> port;
  };

  // "host", "host:port", "[v6]", "[v6]:port", optional whitespace around it;
  // "host:" has no port (RFC 3986 allows the empty port). std::nullopt when the
  // host is empty, the port is not a decimal number from 1 to 65535, or the
  // brackets do not close. The host itself is not checked.
  std::optional<HostAndPort> ParseHostAndPort(std::string_view authority);
}
