// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/asio/ip/address.hpp>

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
}
