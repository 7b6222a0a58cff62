// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ClientAddress.h"

#include "HttpHeaders.h"

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


  std::vector<std::string> GetForwardedForEntries(const HttpFieldViews& fields)
  {
    std::vector<std::string> entries;
    for (const HttpFieldView& field : fields)
    {
      if (EqualsIgnoringCase(field.name, "X-Forwarded-For"))
      {
        for (std::string& entry : SplitHeaderList(field.value))
        {
          entries.push_back(std::move(entry));
        }
      }
    }
    return entries;
  }


  std::optional<boost::asio::ip::address> ParseForwardedForEntry(std::string_view entry)
  {
    std::string_view text = TrimOptionalWhitespace(entry);
    if (!text.empty() && text.front() == '[')
    {
      const std::size_t closing = text.find(']');
      const bool portFollows = closing != std::string_view::npos && closing + 1 < text.size() &&
        text[closing + 1] == ':';
      if (closing == std::string_view::npos || (closing + 1 != text.size() && !portFollows))
      {
        return std::nullopt;
      }
      text = text.substr(1, closing - 1);
    }
    else if (std::count(text.begin(), text.end(), ':') == 1)
    {
      text = text.substr(0, text.find(':'));   // an IPv4 address and a port
    }

    boost::system::error_code error;
    const boost::asio::ip::address parsed = boost::asio::ip::make_address(std::string(text), error);
    if (error || (parsed.is_v6() && parsed.to_v6().scope_id() != 0))
    {
      return std::nullopt;
    }
    return Unmapped(parsed);
  }


  ForwardedClient ResolveForwardedFor(const boost::asio::ip::address& peer,
                                      const AddressRanges& trustedProxies,
                                      const std::vector<std::string>& entries)
  {
    ForwardedClient client{Unmapped(peer), 0};
    while (client.entriesUsed < entries.size() && trustedProxies.Contains(client.address))
    {
      const std::optional<boost::asio::ip::address> previous =
        ParseForwardedForEntry(entries[entries.size() - 1 - client.entriesUsed]);
      if (!previous)
      {
        break;
      }
      client.address = *previous;
      client.entriesUsed++;
    }
    return client;
  }
}
