// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // How a serialized head announces its body.
  struct BodyFraming
  {
    enum class Kind
    {
      Length,    // Content-Length: `length` (unless the fields have one)
      Chunked,   // Transfer-Encoding: chunked
      AsIs       // nothing added: the fields say it (a HEAD's Content-Length), or the connection's end does
    };

    Kind kind = Kind::AsIs;
    std::uint64_t length = 0;

    static BodyFraming Length(std::uint64_t length) { return BodyFraming{Kind::Length, length}; }
    static BodyFraming Chunked() { return BodyFraming{Kind::Chunked, 0}; }
    static BodyFraming AsIs() { return BodyFraming{Kind::AsIs, 0}; }
  };

  // The one serializer of every head the gateway writes, relayed or its own, in
  // both directions. It writes what a peer parses back to the same method,
  // target, status, reason and fields, or refuses (std::nullopt): a method or
  // field name that is not a token, a target with a control character, a space
  // or DEL, a value or reason with a control character other than a tab (CR,
  // LF and NUL above all: the bytes of header injection), or a value with
  // whitespace at either end, which a parser would trim.
  // The reason is the status's own unless `reason` is given (Orthanc's, relayed).
  // The Connection field is added when `keepAlive` differs from the version's default.
  std::optional<std::string> SerializeResponseHead(unsigned int version,
                                                   int status,
                                                   const HttpHeaders& headers,
                                                   BodyFraming framing,
                                                   bool keepAlive,
                                                   std::string_view reason = {});

  // A request head for Orthanc, always HTTP/1.1 (keep-alive).
  std::optional<std::string> SerializeRequestHead(std::string_view method,
                                                  std::string_view target,
                                                  const HttpHeaders& headers,
                                                  BodyFraming framing);

  // Whether `value` may be a field value as it is (see above).
  bool IsSerializableFieldValue(std::string_view value);
}
