// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The PROXY protocol header a load balancer (HAProxy's send-proxy and
  // send-proxy-v2, nginx's proxy_protocol) sends first on a connection, before
  // TLS and HTTP, to name the client it accepted (haproxy.org's proxy-protocol.txt).
  // Only read on connections from Cors.Gateway.TrustedProxies.
  struct ProxyHeader
  {
    enum class Status
    {
      Absent,       // the first bytes cannot start a PROXY header: TLS or HTTP follows
      Incomplete,   // a header so far: read more
      Malformed,    // a header that breaks the specification (see `error`)
      Complete
    };

    Status status = Status::Absent;
    std::size_t length = 0;                           // Complete: the header's bytes, to skip
    std::optional<boost::asio::ip::address> source;   // Complete: the client; none for a health
                                                      // check's header (v1 UNKNOWN, v2 LOCAL or
                                                      // an unspecified or UNIX family)
    std::string error;                                // Malformed: why, for the log
  };

  // A version 2 header's longest accepted length: the addresses and the
  // type-length-value extensions a balancer adds (TLS details, a unique id).
  inline constexpr std::size_t MAX_PROXY_HEADER_V2_LENGTH = 16 + 4096;

  // Reads a version 1 (text) or version 2 (binary) header at the start of `received`.
  ProxyHeader ParseProxyHeader(std::string_view received);
}
