#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The authority a request names in its Host field (or a proxy in
  // X-Forwarded-Host / Forwarded: host=), split into a lower-case host and the
  // port when one is written. IPv6 literals keep their brackets ("[::1]").
  struct HostAndPort
  {
    std::string host;
    std::optional<uint16_t> port;
  };

  // "host", "host:port", "[v6]", "[v6]:port"; std::nullopt when empty, when the
  // port is not a decimal number from 1 to 65535, or the brackets do not close.
  std::optional<HostAndPort> ParseHostAndPort(std::string_view authority);

  // Whether `host` (lower-case, as ParseHostAndPort returns it; one trailing dot
  // tolerated) names this machine whatever DNS says: "localhost" (RFC 6761),
  // 127.0.0.0/8, "[::1]" and "[::ffff:127.x.y.z]".
  bool IsLoopbackHost(std::string_view host);

  // A dotted-quad IPv4 literal, or a bracketed IPv6 literal.
  bool IsIpLiteral(std::string_view host);
}
