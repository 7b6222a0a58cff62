// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Origin.h"

#include "../Common/HostAndPort.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    // Browsers send short origins; a long one is an attack or a bug (Chromium caps URLs
    // at 2 MB, but nothing legitimate comes near 2 KB for scheme://host:port).
    const size_t MAX_ORIGIN_LENGTH = 2048;

    OriginParseResult Refuse(std::string reason)
    {
      return OriginParseResult{std::nullopt, std::move(reason)};
    }

    std::string DescribeByte(unsigned char c)
    {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "0x%02x", c);
      return buffer;
    }

    bool IsLowerAlpha(char c)
    {
      return c >= 'a' && c <= 'z';
    }

    bool IsDigit(char c)
    {
      return c >= '0' && c <= '9';
    }

    bool IsAllDigits(std::string_view text)
    {
      return !text.empty() && std::all_of(text.begin(), text.end(), IsDigit);
    }

    // Reason why a byte may never appear in a serialized origin, "" if it may.
    std::string CheckByte(unsigned char c)
    {
      if (c == '\0')
      {
        return "NUL byte";
      }
      if (c == '\r' || c == '\n')
      {
        return "CR or LF (header injection)";
      }
      if (c < 0x20 || c == 0x7f)
      {
        return "control character " + DescribeByte(c);
      }
      if (c >= 0x80)
      {
        return "non-ASCII byte " + DescribeByte(c) + " (hosts are serialized in punycode)";
      }
      if (c == ' ')
      {
        return "space (one origin per header, no surrounding whitespace)";
      }
      if (c == ',')
      {
        return "comma (several origins in one value)";
      }
      if (c >= 'A' && c <= 'Z')
      {
        return "upper case (scheme and host are serialized in lower case)";
      }
      return "";
    }

    std::string CheckScheme(std::string_view scheme)
    {
      if (scheme.empty() || !IsLowerAlpha(scheme.front()))
      {
        return "scheme must start with a letter";
      }
      for (char c : scheme)
      {
        if (!IsLowerAlpha(c) && !IsDigit(c) && c != '+' && c != '.' && c != '-')
        {
          return "invalid character '" + std::string(1, c) + "' in scheme";
        }
      }
      return "";
    }

    std::vector<std::string_view> SplitLabels(std::string_view host)
    {
      std::vector<std::string_view> labels;
      size_t start = 0;
      for (;;)
      {
        size_t dot = host.find('.', start);
        if (dot == std::string_view::npos)
        {
          labels.push_back(host.substr(start));
          return labels;
        }
        labels.push_back(host.substr(start, dot - start));
        start = dot + 1;
      }
    }

    bool IsCanonicalDecimalByte(std::string_view part)
    {
      if (!IsAllDigits(part) || part.size() > 3 || (part.size() > 1 && part.front() == '0'))
      {
        return false;
      }
      return std::stoi(std::string(part)) <= 255;
    }

    // The URL standard parses a host whose last label is a number (decimal or 0x-hex)
    // as an IPv4 address and serializes it as a dotted quad: anything else that ends in
    // a number never comes from a browser.
    bool LooksLikeNumber(std::string_view label)
    {
      if (IsAllDigits(label))
      {
        return true;
      }
      if (label.size() >= 2 && label[0] == '0' && label[1] == 'x')
      {
        return std::all_of(label.begin() + 2, label.end(),
                           [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); });
      }
      return false;
    }

    std::string CheckIpv4(const std::vector<std::string_view>& labels)
    {
      if (labels.size() != 4 ||
          !std::all_of(labels.begin(), labels.end(), IsCanonicalDecimalByte))
      {
        return "host ends in a number but is not a dotted-quad IPv4 address";
      }
      return "";
    }

    std::string CheckDomainOrIpv4(std::string_view host)
    {
      if (host.back() == '.')
      {
        return "trailing dot in host";
      }

      std::vector<std::string_view> labels = SplitLabels(host);
      for (std::string_view label : labels)
      {
        if (label.empty())
        {
          return "empty label in host";
        }
        for (char c : label)
        {
          if (!IsLowerAlpha(c) && !IsDigit(c) && c != '-')
          {
            return "invalid character '" + std::string(1, c) + "' in host";
          }
        }
        if (label.front() == '-' || label.back() == '-')
        {
          return "host label starts or ends with '-'";
        }
      }

      if (LooksLikeNumber(labels.back()))
      {
        return CheckIpv4(labels);
      }
      return "";
    }

    // WHATWG URL "IPv6 serializer": lower-case hex without leading zeros, the first
    // longest run of two or more zero pieces compressed to "::", no embedded IPv4.
    std::string SerializeIpv6(const std::array<uint16_t, 8>& pieces)
    {
      int compress = -1;
      int bestLength = 1;
      for (int i = 0; i < 8;)
      {
        if (pieces[i] != 0)
        {
          i++;
          continue;
        }
        int j = i;
        while (j < 8 && pieces[j] == 0)
        {
          j++;
        }
        if (j - i > bestLength)
        {
          bestLength = j - i;
          compress = i;
        }
        i = j;
      }

      std::string output;
      bool ignoreZero = false;
      for (int i = 0; i < 8; i++)
      {
        if (ignoreZero && pieces[i] == 0)
        {
          continue;
        }
        ignoreZero = false;
        if (compress == i)
        {
          output += (i == 0 ? "::" : ":");
          ignoreZero = true;
          continue;
        }
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "%x", pieces[i]);
        output += buffer;
        if (i != 7)
        {
          output += ':';
        }
      }
      return output;
    }

    std::string CheckIpv6(std::string_view bracketed)
    {
      const std::string address(bracketed.substr(1, bracketed.size() - 2));
      unsigned char bytes[16];
      if (inet_pton(AF_INET6, address.c_str(), bytes) != 1)
      {
        return "invalid IPv6 address";
      }

      std::array<uint16_t, 8> pieces;
      for (size_t i = 0; i < 8; i++)
      {
        pieces[i] = static_cast<uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
      }
      const std::string canonical = SerializeIpv6(pieces);
      if (canonical != address)
      {
        return "IPv6 address not in its serialized form (expected [" + canonical + "])";
      }
      return "";
    }

    // The port after ':'; sets `port` on success. Stricter than an authority in
    // general, because a browser serializes the origin: no leading zero, and the
    // scheme's default port is omitted, so an origin that writes one was not sent
    // by a browser (and would compare unequal to the one that was).
    std::string CheckPort(std::string_view text, std::string_view scheme, uint16_t& port)
    {
      const ParsedPort parsed = ParsePort(text);
      if (parsed.problem == PortProblem::Empty)
      {
        return "empty port after ':'";
      }
      if (parsed.problem == PortProblem::NotDecimal)
      {
        return "port is not a decimal number";
      }
      if (text.front() == '0')
      {
        return "port with a leading zero, or port 0";
      }
      if (parsed.problem != PortProblem::None)
      {
        return "port above 65535";
      }
      port = parsed.value;
      if (port == GetDefaultPort(scheme))
      {
        return "explicit default port :" + std::string(text) + " for " + std::string(scheme) +
          " (browsers omit it)";
      }
      return "";
    }
  }


  std::string Origin::Serialize() const
  {
    if (isNull)
    {
      return "null";
    }
    std::string serialized = scheme + "://" + host;
    if (port != 0 && port != GetDefaultPort(scheme))
    {
      serialized += ':';
      serialized += std::to_string(port);
    }
    return serialized;
  }


  bool Origin::operator==(const Origin& other) const
  {
    if (isNull || other.isNull)
    {
      return isNull == other.isNull;
    }
    return scheme == other.scheme && host == other.host && port == other.port;
  }


  uint16_t GetDefaultPort(std::string_view scheme)
  {
    if (scheme == "http" || scheme == "ws")
    {
      return 80;
    }
    if (scheme == "https" || scheme == "wss")
    {
      return 443;
    }
    if (scheme == "ftp")
    {
      return 21;
    }
    return 0;
  }


  OriginParseResult ParseSerializedOrigin(std::string_view value)
  {
    if (value.empty())
    {
      return Refuse("empty Origin");
    }
    if (value.size() > MAX_ORIGIN_LENGTH)
    {
      return Refuse("Origin longer than " + std::to_string(MAX_ORIGIN_LENGTH) + " bytes");
    }
    for (char c : value)
    {
      std::string reason = CheckByte(static_cast<unsigned char>(c));
      if (!reason.empty())
      {
        return Refuse(reason);
      }
    }

    if (value == "null")
    {
      Origin opaque;
      opaque.isNull = true;
      return OriginParseResult{opaque, ""};
    }

    const size_t separator = value.find("://");
    if (separator == std::string_view::npos)
    {
      return Refuse("not of the form scheme://host[:port]");
    }

    Origin origin;
    const std::string_view scheme = value.substr(0, separator);
    if (std::string reason = CheckScheme(scheme); !reason.empty())
    {
      return Refuse(reason);
    }
    origin.scheme = std::string(scheme);

    std::string_view authority = value.substr(separator + 3);
    const size_t special = authority.find_first_of("@/?#\\");
    if (special != std::string_view::npos)
    {
      switch (authority[special])
      {
        case '@':
          return Refuse("userinfo ('@') in origin");
        case '/':
          return Refuse("path or trailing '/' after the host");
        case '?':
          return Refuse("query ('?') in origin");
        case '#':
          return Refuse("fragment ('#') in origin");
        default:
          return Refuse("backslash in origin");
      }
    }

    const AuthorityParts parts = SplitAuthority(authority);
    if (parts.problem == AuthorityProblem::UnclosedBracket)
    {
      return Refuse("unterminated IPv6 address");
    }
    if (parts.problem == AuthorityProblem::TextAfterBracket)
    {
      return Refuse("unexpected characters after IPv6 address");
    }
    const std::string_view host = parts.host;
    if (!host.empty() && host.front() == '[')
    {
      if (std::string reason = CheckIpv6(host); !reason.empty())
      {
        return Refuse(reason);
      }
    }
    else
    {
      if (host.empty())
      {
        return Refuse("empty host");
      }
      if (std::string reason = CheckDomainOrIpv4(host); !reason.empty())
      {
        return Refuse(reason);
      }
    }
    origin.host = std::string(host);

    origin.port = GetDefaultPort(origin.scheme);
    if (parts.port)
    {
      if (std::string reason = CheckPort(*parts.port, origin.scheme, origin.port); !reason.empty())
      {
        return Refuse(reason);
      }
    }

    return OriginParseResult{origin, ""};
  }
}
