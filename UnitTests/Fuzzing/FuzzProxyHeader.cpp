// SPDX-License-Identifier: AGPL-3.0-or-later
// The PROXY protocol header a trusted load balancer sends first, and the
// X-Forwarded-For walk that follows it. Input: the first bytes of a connection.
// Invariants: a complete header's length lies within the input, and the same
// header with more bytes after it parses the same; a prefix of a complete
// header is incomplete, never absent or malformed; the client that
// X-Forwarded-For resolves is the peer or one of its entries.

#include "FuzzSupport.h"
#include "Common/ClientAddress.h"
#include "Protocol/ProxyProtocol.h"

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view received(reinterpret_cast<const char*>(data), size);
  const ProxyHeader header = ParseProxyHeader(received);

  if (header.status == ProxyHeader::Status::Complete)
  {
    Require(header.length > 0 && header.length <= received.size(), "a header lies within what was received");
    const ProxyHeader longer = ParseProxyHeader(std::string(received) + "GET / HTTP/1.1\r\n");
    Require(longer.status == ProxyHeader::Status::Complete && longer.length == header.length &&
            longer.source == header.source, "what follows a header does not change it");
    for (std::size_t prefix = 0; prefix < header.length; prefix++)
    {
      Require(ParseProxyHeader(received.substr(0, prefix)).status == ProxyHeader::Status::Incomplete,
              "a header's prefix is incomplete");
    }
  }
  if (header.status == ProxyHeader::Status::Malformed)
  {
    Require(!header.error.empty(), "a malformed header says why");
  }

  // The same bytes as X-Forwarded-For from a trusted peer.
  AddressRanges trusted;
  trusted.Add("10.0.0.0/8");
  const HttpHeaders fields = {{"X-Forwarded-For", std::string(received)}};
  const std::vector<std::string> entries = GetForwardedForEntries(ViewFields(fields));
  const boost::asio::ip::address peer = boost::asio::ip::make_address("10.0.0.1");
  const ForwardedClient client = ResolveForwardedFor(peer, trusted, entries);
  Require(client.entriesUsed <= entries.size(), "the walk stays within the entries");
  Require(client.entriesUsed == 0 ? client.address == peer :
          ParseForwardedForEntry(entries[entries.size() - client.entriesUsed]) == client.address,
          "the client is the peer or the last entry used");
  return 0;
}
