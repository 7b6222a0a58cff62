// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HeadSerializer.h"

#include <algorithm>
#include <array>
#include <ostream>   // (needed by Beast's status.hpp, which does not include it)

#include <boost/beast/http/status.hpp>

namespace OrthancCors
{
  namespace
  {
    // A control character other than a tab, or DEL, looked up: every byte of
    // every head the gateway writes is checked.
    constexpr std::array<bool, 256> MakeControlBytes()
    {
      std::array<bool, 256> control{};
      for (int byte = 0; byte < 256; byte++)
      {
        control[byte] = (byte < 0x20 && byte != '\t') || byte == 0x7f;
      }
      return control;
    }

    constexpr std::array<bool, 256> CONTROL_BYTES = MakeControlBytes();

    bool IsControl(char c)
    {
      return CONTROL_BYTES[static_cast<unsigned char>(c)];
    }

    bool IsSerializableReason(std::string_view reason)
    {
      for (char c : reason)
      {
        if (IsControl(c))
        {
          return false;
        }
      }
      return true;
    }

    bool IsSerializableTarget(std::string_view target)
    {
      if (target.empty())
      {
        return false;
      }
      for (char c : target)
      {
        if (IsControl(c) || c == ' ' || c == '\t')
        {
          return false;
        }
      }
      return true;
    }

    // The fields, then the framing field; false when one cannot be written as it is.
    bool AppendFields(std::string& head, const HttpHeaders& headers, BodyFraming framing)
    {
      bool hasLength = false;
      for (const HttpHeader& header : headers)
      {
        if (!IsToken(header.name) || !IsSerializableFieldValue(header.value))
        {
          return false;
        }
        hasLength = hasLength || EqualsIgnoringCase(header.name, "Content-Length");
        head.append(header.name).append(": ").append(header.value).append("\r\n");
      }
      if (framing.kind == BodyFraming::Kind::Length && !hasLength)
      {
        head.append("Content-Length: ").append(std::to_string(framing.length)).append("\r\n");
      }
      else if (framing.kind == BodyFraming::Kind::Chunked)
      {
        head.append("Transfer-Encoding: chunked\r\n");
      }
      return true;
    }
  }


  bool IsSerializableFieldValue(std::string_view value)
  {
    if (!value.empty() && (value.front() == ' ' || value.front() == '\t' ||
                           value.back() == ' ' || value.back() == '\t'))
    {
      return false;
    }
    return std::none_of(value.begin(), value.end(), IsControl);
  }


  std::optional<std::string> SerializeResponseHead(unsigned int version,
                                                   int status,
                                                   const HttpHeaders& headers,
                                                   BodyFraming framing,
                                                   bool keepAlive,
                                                   std::string_view reason)
  {
    if (status < 100 || status > 999)
    {
      return std::nullopt;
    }
    if (reason.empty())
    {
      const auto own = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
      reason = std::string_view(own.data(), own.size());
    }
    if (!IsSerializableReason(reason))
    {
      return std::nullopt;
    }

    std::string head;
    head.reserve(256);
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    head.append(std::to_string(status));
    head.push_back(' ');
    head.append(reason.data(), reason.size());
    head.append("\r\n");
    if (!AppendFields(head, headers, framing))
    {
      return std::nullopt;
    }
    // What Beast's keep_alive() writes: only what differs from the version's default.
    if (version >= 11 && !keepAlive)
    {
      head.append("Connection: close\r\n");
    }
    else if (version < 11 && keepAlive)
    {
      head.append("Connection: keep-alive\r\n");
    }
    head.append("\r\n");
    return head;
  }


  std::optional<std::string> SerializeRequestHead(std::string_view method,
                                                  std::string_view target,
                                                  const HttpHeaders& headers,
                                                  BodyFraming framing)
  {
    if (!IsToken(method) || !IsSerializableTarget(target))
    {
      return std::nullopt;
    }
    std::string head;
    head.reserve(512);
    head.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    if (!AppendFields(head, headers, framing))
    {
      return std::nullopt;
    }
    head.append("\r\n");
    return head;
  }
}
