// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // A list of IP addresses and CIDR ranges, such as Cors.Gateway.TrustedProxies:
  // "192.0.2.7", "10.0.0.0/8", "2001:db8::1", "fd00::/8". An IPv4-mapped IPv6
  // address (what a dual-stack listener reports for an IPv4 peer) is matched as
  // the IPv4 address it maps.
  class AddressRanges
  {
  public:
    // Throws std::invalid_argument saying what is wrong with `text`: not an
    // address, a prefix length out of range, or bits set after the prefix
    // ("10.1.2.3/8": which network was meant is a guess the gateway does not make).
    void Add(std::string_view text);

    bool Contains(const boost::asio::ip::address& address) const;
    bool IsEmpty() const { return ranges_.empty(); }

    // The entries in canonical form, in the order added ("10.0.0.0/8", "192.0.2.7").
    std::vector<std::string> Describe() const;

  private:
    struct Range
    {
      bool isV4;
      std::array<uint8_t, 16> network;   // IPv4: the first 4 bytes
      unsigned int prefixLength;
    };

    std::vector<Range> ranges_;
  };
}
