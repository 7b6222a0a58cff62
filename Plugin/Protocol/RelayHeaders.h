// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // What the gateway tells Orthanc about the original request, so that Orthanc's
  // DICOMweb plugin builds the links it returns (BulkDataURI, retrieve URLs) for
  // the gateway and not for Orthanc's own port.
  struct ForwardingContext
  {
    boost::asio::ip::address clientAddress;
    std::string scheme;   // the gateway's: "http" or "https"
    std::string host;     // the client's Host (the gateway's own address when it sent none)
    // The rightmost X-Forwarded-For entries that named the client and the trusted
    // proxies after it (ResolveForwardedFor): replaced by the client's address.
    std::size_t forwardedForEntriesUsed = 0;
  };

  // Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding,
  // Upgrade, Proxy-Authorization, Proxy-Authenticate (case-insensitive).
  bool IsHopByHopHeader(std::string_view name);

  // Removes the hop-by-hop fields above and every field that Connection names
  // (RFC 9110, 7.6.1): they concern one connection, never the next hop.
  void RemoveHopByHopHeaders(HttpHeaders& headers);

  // An RFC 7239 node: "192.0.2.43" or, quoted and bracketed, "\"[2001:db8::1]\"".
  // An IPv4-mapped IPv6 address is written as the IPv4 address.
  std::string FormatForwardedNode(const boost::asio::ip::address& address);

  // The scheme a trusted HTTP proxy says the client used (X-Forwarded-Proto, one
  // field, "http" or "https" in any case): "http", "https", or null for anything
  // else. Only for a request whose client a trusted proxy named in X-Forwarded-For:
  // a proxy that ends TLS itself reaches the gateway in plain HTTP, and the links
  // Orthanc returns must still say https.
  const char* GetTrustedForwardedScheme(const HttpFieldViews& fields);

  // "for=<node>;host=<host>;proto=<scheme>".
  std::string FormatForwarded(const ForwardingContext& context);

  // The header of the request relayed to Orthanc: the client's end-to-end fields
  // (Authorization included) and its Host, without hop-by-hop fields, Expect (the
  // gateway answers 100-continue itself) and framing fields (set by the relay);
  // Forwarded, X-Forwarded-Proto and X-Forwarded-Host replaced by the gateway's
  // view; X-Forwarded-For ending with the client's address (appended, or in place
  // of the entries that named it and the trusted proxies after it).
  HttpHeaders BuildUpstreamRequestHeaders(const HttpHeaders& client, const ForwardingContext& context);

  // The header of Orthanc's answer as relayed to the client: without hop-by-hop
  // fields (Transfer-Encoding included: the relay frames the body again).
  HttpHeaders BuildClientResponseHeaders(HttpHeaders upstream);
}
