// SPDX-License-Identifier: AGPL-3.0-or-later

#include "RelayHeaders.h"

#include "../Common/ClientAddress.h"

#include <algorithm>
#include <array>

namespace OrthancCors
{
  namespace
  {
    const std::array<std::string_view, 9> HOP_BY_HOP = {
      "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
      "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate"
    };

    bool IsNamedIn(const std::vector<std::string>& names, std::string_view name)
    {
      return std::any_of(names.begin(), names.end(),
                         [&](const std::string& listed) { return EqualsIgnoringCase(listed, name); });
    }

    void SetForwardedFor(HttpHeaders& headers, const ForwardingContext& context)
    {
      std::vector<std::string> entries = GetForwardedForEntries(ViewFields(headers));
      entries.resize(entries.size() - std::min(context.forwardedForEntriesUsed, entries.size()));
      entries.push_back(Unmapped(context.clientAddress).to_string());
      SetSingle(headers, "X-Forwarded-For", JoinHeaderList(entries));
    }
  }


  bool IsHopByHopHeader(std::string_view name)
  {
    return std::any_of(HOP_BY_HOP.begin(), HOP_BY_HOP.end(),
                       [&](std::string_view hop) { return EqualsIgnoringCase(hop, name); });
  }


  void RemoveHopByHopHeaders(HttpHeaders& headers)
  {
    std::vector<std::string> named;
    for (const std::string& line : GetAll(headers, "Connection"))
    {
      for (std::string& token : SplitHeaderList(line))
      {
        named.push_back(std::move(token));
      }
    }

    headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const HttpHeader& header)
    {
      return IsHopByHopHeader(header.name) || IsNamedIn(named, header.name);
    }), headers.end());
  }


  const char* GetTrustedForwardedScheme(const HttpFieldViews& fields)
  {
    const FieldLookup proto = LookUpField(fields, "X-Forwarded-Proto");
    const std::string_view scheme = TrimOptionalWhitespace(proto.first);
    if (proto.count != 1)
    {
      return nullptr;
    }
    if (EqualsIgnoringCase(scheme, "https"))
    {
      return "https";
    }
    return EqualsIgnoringCase(scheme, "http") ? "http" : nullptr;
  }


  std::string FormatForwardedNode(const boost::asio::ip::address& address)
  {
    const boost::asio::ip::address plain = Unmapped(address);
    if (plain.is_v6())
    {
      // RFC 7239, 6: an IPv6 node is bracketed, and the brackets and colons make
      // the value a quoted-string.
      return "\"[" + plain.to_string() + "]\"";
    }
    return plain.to_string();
  }


  std::string FormatForwarded(const ForwardingContext& context)
  {
    // "host" stays unquoted even with a ":port", which RFC 7239 would quote: the
    // DICOMweb plugin of Debian bookworm (1.7) does not unquote it and then builds
    // links such as http://"gw:8043"/... (measured). The Host value was checked
    // by ValidateRequest to hold only host and port characters, so it cannot break
    // the field's syntax.
    return "for=" + FormatForwardedNode(context.clientAddress) +
      ";host=" + context.host +
      ";proto=" + context.scheme;
  }


  HttpHeaders BuildUpstreamRequestHeaders(const HttpHeaders& client, const ForwardingContext& context)
  {
    HttpHeaders headers = client;
    RemoveHopByHopHeaders(headers);
    RemoveAll(headers, "Content-Length");
    RemoveAll(headers, "Expect");

    if (GetAll(headers, "Host").empty())
    {
      headers.push_back(HttpHeader{"Host", context.host});
    }

    // A client-supplied Forwarded or X-Forwarded-Proto/-Host would let any client
    // choose the links Orthanc returns: the gateway's view replaces them.
    SetSingle(headers, "Forwarded", FormatForwarded(context));
    SetSingle(headers, "X-Forwarded-Proto", context.scheme);
    SetSingle(headers, "X-Forwarded-Host", context.host);
    SetForwardedFor(headers, context);
    return headers;
  }


  HttpHeaders BuildClientResponseHeaders(HttpHeaders upstream)
  {
    RemoveHopByHopHeaders(upstream);
    return upstream;
  }
}
