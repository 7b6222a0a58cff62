// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace OrthancCors
{
  // Limits that Beast 1.81's chunked-body parser lacks: it buffers a chunk-size
  // line (with its extensions) and the trailer section until they end, however
  // long (parse_chunk_header searches for the end of the line, then of the
  // trailers, with no limit). Measured before these limits: a "1;" followed by
  // 64 MiB without a line end was held whole by the gateway.
  struct ChunkedFramingLimits
  {
    std::size_t chunkLine = 0;   // a chunk-size line with its extensions, CRLF excluded
    std::size_t trailers = 0;    // the trailer section, its final CRLF included
  };

  // The line that starts a chunk of `size` bytes of data: its size in hex, CRLF.
  class ChunkSizeLine
  {
  public:
    explicit ChunkSizeLine(std::size_t size);
    std::string_view View() const { return std::string_view(text_.data(), length_); }

  private:
    std::array<char, 24> text_;
    std::size_t length_ = 0;
  };

  // What ends a chunk's data, and the last chunk of a body (no trailers).
  inline constexpr std::string_view CHUNK_DATA_END = "\r\n";
  inline constexpr std::string_view LAST_CHUNK = "0\r\n\r\n";

  // Far above any real use: clients send no extensions at all.
  constexpr std::size_t CHUNK_LINE_LIMIT = 4 * 1024;

  enum class ChunkedFramingError
  {
    ChunkLineTooLong = 1,
    TrailersTooLarge
  };

  boost::system::error_code MakeErrorCode(ChunkedFramingError error);

  // `pending`: the bytes the parser left unparsed while asking for more bytes in
  // a chunked body, i.e. an unfinished chunk-size line (possibly after the CRLF
  // that ends the previous chunk's data), or the last chunk's line and an
  // unfinished trailer section. Returns how many more bytes that element may
  // take; sets `error` when it already broke its limit.
  std::size_t GetRoomForPendingFraming(std::string_view pending,
                                       const ChunkedFramingLimits& limits,
                                       boost::system::error_code& error);

  // For the parser's chunk-header callback, which sees a complete chunk-size line:
  // its extensions must respect the line limit; for the last chunk (`size` 0),
  // the trailer section that follows the line in `input` (the bytes the parser
  // was given, which contain it whole) must respect the trailer limit.
  boost::system::error_code CheckCompleteChunkHeader(std::uint64_t size,
                                                     std::string_view extensions,
                                                     std::string_view input,
                                                     const ChunkedFramingLimits& limits);
}
