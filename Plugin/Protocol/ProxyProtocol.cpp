// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ProxyProtocol.h"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    constexpr std::string_view V1_PREFIX = "PROXY ";
    // A version 1 line is at most 107 bytes, CRLF included.
    constexpr std::size_t V1_MAX_LENGTH = 107;
    constexpr std::string_view V2_SIGNATURE{"\r\n\r\n\0\r\nQUIT\n", 12};
    constexpr std::size_t V2_FIXED_LENGTH = 16;

    ProxyHeader Make(ProxyHeader::Status status)
    {
      ProxyHeader header;
      header.status = status;
      return header;
    }

    ProxyHeader Malformed(std::string error)
    {
      ProxyHeader header = Make(ProxyHeader::Status::Malformed);
      header.error = std::move(error);
      return header;
    }

    // Whether `received` begins `expected`, or `expected` begins `received`.
    bool MayBegin(std::string_view received, std::string_view expected)
    {
      const std::size_t compared = std::min(received.size(), expected.size());
      return received.substr(0, compared) == expected.substr(0, compared);
    }

    std::vector<std::string_view> SplitOnSpaces(std::string_view line)
    {
      std::vector<std::string_view> words;
      std::size_t begin = 0;
      for (;;)
      {
        const std::size_t space = line.find(' ', begin);
        words.push_back(line.substr(begin, space - begin));
        if (space == std::string_view::npos)
        {
          return words;
        }
        begin = space + 1;
      }
    }

    bool IsPort(std::string_view text)
    {
      // Decimal, no leading zero (the specification's own rule), at most 65535.
      if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0') ||
          !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      {
        return false;
      }
      return std::stoul(std::string(text)) <= 65535;
    }

    // An IPv4 address in dotted decimal, or an IPv6 one, as version 1 writes them.
    std::optional<boost::asio::ip::address> ParseAddressOfFamily(bool v4, std::string_view text)
    {
      boost::system::error_code error;
      const std::string written(text);
      const boost::asio::ip::address parsed = v4 ?
        boost::asio::ip::address(boost::asio::ip::make_address_v4(written, error)) :
        boost::asio::ip::address(boost::asio::ip::make_address_v6(written, error));
      return error ? std::nullopt : std::optional<boost::asio::ip::address>(parsed);
    }

    // A version 2 source address: the first bytes of the address block.
    template <typename Address>
    boost::asio::ip::address ReadSourceAddress(std::string_view received)
    {
      typename Address::bytes_type bytes{};
      std::copy_n(received.begin() + V2_FIXED_LENGTH, bytes.size(), bytes.begin());
      return Address(bytes);
    }

    ProxyHeader ParseVersion1(std::string_view received)
    {
      const std::size_t end = received.find("\r\n");
      if (end == std::string_view::npos)
      {
        return received.size() >= V1_MAX_LENGTH ? Malformed("a version 1 line longer than 107 bytes") :
          Make(ProxyHeader::Status::Incomplete);
      }
      if (end + 2 > V1_MAX_LENGTH)
      {
        return Malformed("a version 1 line longer than 107 bytes");
      }

      ProxyHeader header = Make(ProxyHeader::Status::Complete);
      header.length = end + 2;
      const std::vector<std::string_view> words = SplitOnSpaces(received.substr(V1_PREFIX.size(), end - V1_PREFIX.size()));
      if (words.front() == "UNKNOWN")
      {
        return header;   // the rest of the line is to be ignored
      }
      if ((words.front() != "TCP4" && words.front() != "TCP6") || words.size() != 5)
      {
        return Malformed("a version 1 line that is not \"PROXY TCP4|TCP6 <source> <destination> <ports>\" "
                         "nor \"PROXY UNKNOWN\"");
      }
      const bool v4 = words.front() == "TCP4";
      header.source = ParseAddressOfFamily(v4, words[1]);
      if (!header.source || !ParseAddressOfFamily(v4, words[2]) || !IsPort(words[3]) || !IsPort(words[4]))
      {
        return Malformed("a version 1 line whose addresses or ports are not those of " +
                         std::string(v4 ? "IPv4" : "IPv6"));
      }
      return header;
    }

    ProxyHeader ParseVersion2(std::string_view received)
    {
      if (received.size() < V2_FIXED_LENGTH)
      {
        return Make(ProxyHeader::Status::Incomplete);
      }
      const auto byte = [&](std::size_t index) { return static_cast<uint8_t>(received[index]); };
      const uint8_t versionAndCommand = byte(12);
      const uint8_t family = byte(13);
      const std::size_t addressLength = (static_cast<std::size_t>(byte(14)) << 8) | byte(15);

      if ((versionAndCommand >> 4) != 2)
      {
        return Malformed("a binary header of version " + std::to_string(versionAndCommand >> 4) + ", not 2");
      }
      const uint8_t command = versionAndCommand & 0x0F;
      if (command > 1)
      {
        return Malformed("a version 2 command " + std::to_string(command) + ", neither LOCAL nor PROXY");
      }
      if (V2_FIXED_LENGTH + addressLength > MAX_PROXY_HEADER_V2_LENGTH)
      {
        return Malformed("a version 2 header of " + std::to_string(V2_FIXED_LENGTH + addressLength) +
                         " bytes, more than " + std::to_string(MAX_PROXY_HEADER_V2_LENGTH));
      }
      if (received.size() < V2_FIXED_LENGTH + addressLength)
      {
        return Make(ProxyHeader::Status::Incomplete);
      }

      ProxyHeader header = Make(ProxyHeader::Status::Complete);
      header.length = V2_FIXED_LENGTH + addressLength;
      const uint8_t addressFamily = family >> 4;
      if (command == 0 || addressFamily == 0 || addressFamily == 3)
      {
        return header;   // LOCAL (the balancer's own check), unspecified, or UNIX sockets: no client address
      }
      if (addressFamily > 2)
      {
        return Malformed("a version 2 address family " + std::to_string(addressFamily) + " that does not exist");
      }
      // The source and destination addresses, then their ports: 12 bytes for IPv4, 36 for IPv6.
      const bool v4 = addressFamily == 1;
      if (addressLength < (v4 ? 12u : 36u))
      {
        return Malformed("a version 2 " + std::string(v4 ? "IPv4" : "IPv6") + " header with " +
                         std::to_string(addressLength) + " address bytes");
      }
      header.source = v4 ? ReadSourceAddress<boost::asio::ip::address_v4>(received) :
        ReadSourceAddress<boost::asio::ip::address_v6>(received);
      return header;
    }
  }


  ProxyHeader ParseProxyHeader(std::string_view received)
  {
    if (received.empty())
    {
      return Make(ProxyHeader::Status::Incomplete);
    }
    if (MayBegin(received, V1_PREFIX))
    {
      return received.size() < V1_PREFIX.size() ? Make(ProxyHeader::Status::Incomplete) : ParseVersion1(received);
    }
    if (MayBegin(received, V2_SIGNATURE))
    {
      return ParseVersion2(received);
    }
    return Make(ProxyHeader::Status::Absent);
  }
}
