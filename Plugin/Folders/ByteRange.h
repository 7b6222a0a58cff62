// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // One range of bytes of a representation: `length` bytes from `first`.
  struct ByteRange
  {
    uint64_t first = 0;
    uint64_t length = 0;

    bool operator==(const ByteRange& other) const = default;
  };

  // What a GET with a Range header gets (RFC 9110, 14.2 and 15.3.7).
  enum class RangeOutcome
  {
    WholeRepresentation,   // 200: no Range, one that is ignored, or several ranges
    PartialContent,        // 206 with the one range
    NotSatisfiable         // 416 with "Content-Range: bytes */size"
  };

  struct RangeSelection
  {
    RangeOutcome outcome = RangeOutcome::WholeRepresentation;
    ByteRange range;   // meaningful for PartialContent only
  };

  // The value of a Range field ("bytes=0-499", "bytes=-500", "bytes=9500-") for a
  // representation of `size` bytes (RFC 9110, 14.1.2). A field that does not
  // parse, in a unit other than bytes, or with a range whose last position is
  // before its first, is ignored (whole representation), as 14.2 lets a server
  // do with a field it does not understand. A last position beyond the end is
  // the end; positions too large for 64 bits are beyond the end. Several ranges
  // give the whole representation when one of them is satisfiable (a server may
  // ignore Range; multipart/byteranges is not produced). Satisfiable (14.1.1):
  // a first position below the length, or a non-zero suffix length; none
  // satisfiable gives NotSatisfiable. A suffix of an empty representation is
  // satisfiable yet selects nothing: the whole (empty) representation.
  RangeSelection SelectByteRange(std::string_view rangeField, uint64_t size);

  // The selection for a GET of a representation of `size` bytes tagged
  // `entityTag` (quoted; empty when none is sent): none unless there is exactly
  // one Range field, and If-Range, when present, holds that very tag under the
  // strong comparison (13.1.5: a date, a weak tag or another tag means the
  // client's partial copy is stale, so it gets the whole representation).
  RangeSelection SelectRequestedRange(const HttpHeaders& requestHeaders,
                                      uint64_t size,
                                      std::string_view entityTag);

  // "bytes 0-499/1234" for a PartialContent answer.
  std::string DescribeContentRange(const ByteRange& range, uint64_t size);

  // "bytes */1234" for a NotSatisfiable answer.
  std::string DescribeUnsatisfiedRange(uint64_t size);
}
