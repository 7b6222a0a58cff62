// SPDX-License-Identifier: AGPL-3.0-or-later

#include "AddressRanges.h"

#include "ClientAddress.h"

#include <algorithm>
#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    using boost::asio::ip::address;

    // The address's bytes, IPv4 in the first four.
    std::array<uint8_t, 16> BytesOf(const address& value)
    {
      std::array<uint8_t, 16> bytes{};
      if (value.is_v4())
      {
        const auto v4 = value.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), bytes.begin());
      }
      else
      {
        const auto v6 = value.to_v6().to_bytes();
        std::copy(v6.begin(), v6.end(), bytes.begin());
      }
      return bytes;
    }

    // The bytes with every bit after the first `prefixLength` cleared: the network.
    std::array<uint8_t, 16> KeepPrefix(std::array<uint8_t, 16> bytes, unsigned int prefixLength)
    {
      for (unsigned int i = 0; i < bytes.size(); i++)
      {
        const unsigned int bitsBefore = i * 8;
        if (bitsBefore >= prefixLength)
        {
          bytes[i] = 0;
        }
        else if (prefixLength - bitsBefore < 8)
        {
          bytes[i] = static_cast<uint8_t>(bytes[i] & (0xFF << (8 - (prefixLength - bitsBefore))));
        }
      }
      return bytes;
    }

    address AddressOf(bool isV4, const std::array<uint8_t, 16>& bytes)
    {
      if (isV4)
      {
        return boost::asio::ip::address_v4(std::array<uint8_t, 4>{bytes[0], bytes[1], bytes[2], bytes[3]});
      }
      return boost::asio::ip::address_v6(bytes);
    }

    address ParseAddress(std::string_view text, std::string_view entry)
    {
      boost::system::error_code error;
      const address parsed = boost::asio::ip::make_address(std::string(text), error);
      if (error)
      {
        throw std::invalid_argument("\"" + std::string(entry) + "\" is not an IPv4 or IPv6 address, nor a "
                                    "CIDR range (such as \"10.0.0.0/8\" or \"fd00::/8\")");
      }
      if (parsed.is_v6() && parsed.to_v6().scope_id() != 0)
      {
        throw std::invalid_argument("\"" + std::string(entry) + "\": a zone index (%) cannot name a proxy");
      }
      return Unmapped(parsed);
    }

    unsigned int ParsePrefixLength(std::string_view text, unsigned int maximum, std::string_view entry)
    {
      const bool digits = !text.empty() && text.size() <= 3 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
      const unsigned int length = digits ? static_cast<unsigned int>(std::stoul(std::string(text))) : maximum + 1;
      if (length > maximum)
      {
        throw std::invalid_argument("\"" + std::string(entry) + "\": the prefix length must be a number from 0 "
                                    "to " + std::to_string(maximum));
      }
      return length;
    }

    std::string Canonical(const address& value, unsigned int prefixLength, unsigned int maximum)
    {
      return prefixLength == maximum ? value.to_string() : value.to_string() + "/" + std::to_string(prefixLength);
    }
  }


  void AddressRanges::Add(std::string_view text)
  {
    const std::size_t slash = text.find('/');
    const address parsed = ParseAddress(text.substr(0, slash), text);
    const unsigned int maximum = parsed.is_v4() ? 32 : 128;
    const unsigned int prefixLength = (slash == std::string_view::npos) ? maximum :
      ParsePrefixLength(text.substr(slash + 1), maximum, text);

    const std::array<uint8_t, 16> bytes = BytesOf(parsed);
    const Range range{parsed.is_v4(), KeepPrefix(bytes, prefixLength), prefixLength};
    if (range.network != bytes)
    {
      throw std::invalid_argument("\"" + std::string(text) + "\" has bits set after its prefix: write the "
                                  "network (\"" + Canonical(AddressOf(range.isV4, range.network), prefixLength,
                                                              maximum) + "\") or one address");
    }
    ranges_.push_back(range);
  }


  bool AddressRanges::Contains(const boost::asio::ip::address& value) const
  {
    const address plain = Unmapped(value);
    const std::array<uint8_t, 16> bytes = BytesOf(plain);
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& range)
    {
      return range.isV4 == plain.is_v4() && KeepPrefix(bytes, range.prefixLength) == range.network;
    });
  }


  std::vector<std::string> AddressRanges::Describe() const
  {
    std::vector<std::string> described;
    for (const Range& range : ranges_)
    {
      described.push_back(Canonical(AddressOf(range.isV4, range.network), range.prefixLength, range.isV4 ? 32 : 128));
    }
    return described;
  }
}
