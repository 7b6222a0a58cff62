// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ChunkedFraming.h"

#include <charconv>
#include <functional>
#include <string>

namespace OrthancCors
{
  ChunkSizeLine::ChunkSizeLine(std::size_t size)
  {
    const auto converted = std::to_chars(text_.data(), text_.data() + text_.size() - 2, size, 16);
    char* end = converted.ptr;
    *end++ = '\r';
    *end++ = '\n';
    length_ = static_cast<std::size_t>(end - text_.data());
  }


  namespace
  {
    class ChunkedFramingCategory : public boost::system::error_category
    {
    public:
      const char* name() const noexcept override
      {
        return "OrthancCors.ChunkedFraming";
      }

      std::string message(int value) const override
      {
        switch (static_cast<ChunkedFramingError>(value))
        {
          case ChunkedFramingError::ChunkLineTooLong:
            return "chunk-size line longer than " + std::to_string(CHUNK_LINE_LIMIT / 1024) + " KiB";
          case ChunkedFramingError::TrailersTooLarge:
            return "trailer section over the header size limit";
          default:
            return "chunked framing error";
        }
      }
    };

    constexpr std::string_view CRLF = "\r\n";

    // True when `inner` lies within `outer` (pointer comparisons through
    // std::less, which is total even for unrelated pointers).
    bool IsWithin(std::string_view inner, std::string_view outer)
    {
      const std::less<const char*> before;
      return !before(inner.data(), outer.data()) &&
        !before(outer.data() + outer.size(), inner.data() + inner.size());
    }
  }


  boost::system::error_code MakeErrorCode(ChunkedFramingError error)
  {
    static const ChunkedFramingCategory category;
    return boost::system::error_code(static_cast<int>(error), category);
  }


  std::size_t GetRoomForPendingFraming(std::string_view pending,
                                       const ChunkedFramingLimits& limits,
                                       boost::system::error_code& error)
  {
    error.clear();
    if (pending.substr(0, 2) == CRLF)
    {
      pending.remove_prefix(2);   // the end of the previous chunk's data
    }

    const std::size_t lineEnd = pending.find(CRLF);
    if (lineEnd == std::string_view::npos)
    {
      // An unfinished chunk-size line: it may still take its CRLF.
      if (pending.size() > limits.chunkLine + 1)
      {
        error = MakeErrorCode(ChunkedFramingError::ChunkLineTooLong);
        return 0;
      }
      return limits.chunkLine + 2 - pending.size();
    }

    // A complete line that the parser did not consume: the last chunk's, now
    // waiting for the end of the trailer section.
    const std::size_t trailers = pending.size() - (lineEnd + 2);
    if (trailers >= limits.trailers)
    {
      error = MakeErrorCode(ChunkedFramingError::TrailersTooLarge);
      return 0;
    }
    return limits.trailers - trailers;
  }


  boost::system::error_code CheckCompleteChunkHeader(std::uint64_t size,
                                                     std::string_view extensions,
                                                     std::string_view input,
                                                     const ChunkedFramingLimits& limits)
  {
    if (extensions.size() > limits.chunkLine)
    {
      return MakeErrorCode(ChunkedFramingError::ChunkLineTooLong);
    }

    // Beast hands the callback its view of the input; it calls it for the last
    // chunk only once the whole trailer section is in that input.
    if (size == 0 && IsWithin(extensions, input))
    {
      const std::size_t lineEnd = static_cast<std::size_t>(extensions.data() + extensions.size() - input.data());
      const std::size_t sectionEnd = input.find("\r\n\r\n", lineEnd);
      if (sectionEnd != std::string_view::npos && sectionEnd + 4 - (lineEnd + 2) > limits.trailers)
      {
        return MakeErrorCode(ChunkedFramingError::TrailersTooLarge);
      }
    }
    return {};
  }
}
