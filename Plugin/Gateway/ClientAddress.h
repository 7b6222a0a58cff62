#pragma once

#include <boost/asio/ip/address.hpp>

namespace OrthancCors
{
  // The address a client is known by: an IPv4-mapped IPv6 address (what a
  // dual-stack listener on "::" reports for an IPv4 client) becomes its IPv4
  // address, so that one client counts and is logged as one address.
  boost::asio::ip::address Unmapped(const boost::asio::ip::address& address);
}
