// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "ClientAnswer.h"
#include "MessageIo.h"
#include "../Protocol/ChunkedFraming.h"

#include <boost/beast/core/flat_buffer.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

namespace OrthancCors
{
  // Reads the next piece of a client's request body into the parser's buffer
  // (buffer_body), as http::async_read_some does, but a chunk-size line or a
  // trailer section that outgrows its limit ends the read with a
  // ChunkedFramingError instead of being buffered until it ends: Beast's own
  // loop keeps reading while its parser asks for more. Registers a chunk-header
  // callback on the parser: the parser must not parse once the reader is gone.
  class RequestBodyReader
  {
  public:
    RequestBodyReader(RequestParser& parser, const ChunkedFramingLimits& limits);

    RequestBodyReader(const RequestBodyReader&) = delete;
    RequestBodyReader& operator=(const RequestBodyReader&) = delete;

    MessageIo::Awaitable<MessageIo::Transfer> ReadSome(AnyStream& stream, boost::beast::flat_buffer& buffer);

  private:
    void OnChunkHeader(std::uint64_t size, std::string_view extensions, boost::system::error_code& error);

    RequestParser& parser_;
    const ChunkedFramingLimits limits_;
    std::string_view input_;   // what the parser is being given, during put()
    std::function<void(std::uint64_t, std::string_view, boost::system::error_code&)> onChunkHeader_;
  };

  // The limits of a request whose head took `headBytes`: the trailers share the
  // header section's limit with it.
  ChunkedFramingLimits GetChunkedFramingLimits(std::size_t headBytes);
}
