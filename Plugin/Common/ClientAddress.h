// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AddressRanges.h"
#include "HttpHeaders.h"

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // The address a client is known by: an IPv4-mapped IPv6 address (what a
  // dual-stack listener on "::" reports for an IPv4 client) becomes its IPv4
  // address, so that one client counts and is logged as one address.
  boost::asio::ip::address Unmapped(const boost::asio::ip::address& address);

  // What the per-client connection limit counts: the IPv4 address, or the /64
  // prefix of an IPv6 address (the smallest network a provider hands one
  // customer, whose host bits the customer chooses freely).
  boost::asio::ip::address GetClientKey(const boost::asio::ip::address& address);

  // The entries of every X-Forwarded-For field, in order (list elements, trimmed).
  std::vector<std::string> GetForwardedForEntries(const HttpFieldViews& fields);

  // One X-Forwarded-For entry: "192.0.2.7", "2001:db8::1", and the spellings some
  // proxies add a port to ("192.0.2.7:51234", "[2001:db8::1]:51234"); std::nullopt
  // for anything else ("unknown", an obfuscated RFC 7239 name).
  std::optional<boost::asio::ip::address> ParseForwardedForEntry(std::string_view entry);

  struct ForwardedClient
  {
    boost::asio::ip::address address;
    std::size_t entriesUsed = 0;   // the rightmost X-Forwarded-For entries that named it or the proxies after it
  };

  // Who sent a request that `peer` relayed: while the address found so far is a
  // trusted proxy, the X-Forwarded-For entries (every field's, in order) are read
  // from the right, each naming who that proxy got the request from. The first
  // address that is not trusted is the client; when all are, the leftmost; an
  // entry that is not an address ends the walk at the proxy that wrote it. A
  // peer that is not trusted is the client, whatever the fields say.
  ForwardedClient ResolveForwardedFor(const boost::asio::ip::address& peer,
                                      const AddressRanges& trustedProxies,
                                      const std::vector<std::string>& entries);
}
