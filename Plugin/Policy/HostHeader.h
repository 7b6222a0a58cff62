// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HostAndPort.h"   // ParseHostAndPort, whose hosts these functions take

#include <string_view>

namespace OrthancCors
{
  // Whether `host` (lower-case, as ParseHostAndPort returns it; one trailing dot
  // tolerated) names this machine whatever DNS says: "localhost" (RFC 6761),
  // 127.0.0.0/8, "[::1]" and "[::ffff:127.x.y.z]".
  bool IsLoopbackHost(std::string_view host);

  // A dotted-quad IPv4 literal, or a bracketed IPv6 literal.
  bool IsIpLiteral(std::string_view host);
}
