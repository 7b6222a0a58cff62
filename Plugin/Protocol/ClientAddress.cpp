// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ClientAddress.h"

#include <algorithm>

namespace OrthancCors
{
  boost::asio::ip::address Unmapped(const boost::asio::ip::address& address)
  {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
    {
      return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    }
    return address;
  }


  boost::asio::ip::address GetClientKey(const boost::asio::ip::address& address)
  {
    const boost::asio::ip::address plain = Unmapped(address);
    if (!plain.is_v6())
    {
      return plain;
    }
    boost::asio::ip::address_v6::bytes_type bytes = plain.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes);
  }
}
