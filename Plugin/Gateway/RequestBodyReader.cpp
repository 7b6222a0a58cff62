// SPDX-License-Identifier: AGPL-3.0-or-later

#include "RequestBodyReader.h"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  ChunkedFramingLimits GetChunkedFramingLimits(std::size_t headBytes)
  {
    ChunkedFramingLimits limits;
    limits.chunkLine = CHUNK_LINE_LIMIT;
    // At least room for the final CRLF, so that a request at the header limit still ends.
    limits.trailers = std::max<std::size_t>(MessageIo::HEADER_LIMIT - std::min(headBytes, MessageIo::HEADER_LIMIT), 2);
    return limits;
  }


  RequestBodyReader::RequestBodyReader(RequestParser& parser, const ChunkedFramingLimits& limits) :
    parser_(parser),
    limits_(limits),
    onChunkHeader_([this](std::uint64_t size, std::string_view extensions, error_code& error)
    {
      OnChunkHeader(size, extensions, error);
    })
  {
    parser_.on_chunk_header(onChunkHeader_);
  }


  void RequestBodyReader::OnChunkHeader(std::uint64_t size, std::string_view extensions, error_code& error)
  {
    error = CheckCompleteChunkHeader(size, extensions, input_, limits_);
  }


  MessageIo::Awaitable<MessageIo::Transfer> RequestBodyReader::ReadSome(AnyStream& stream,
                                                                         boost::beast::flat_buffer& buffer)
  {
    std::size_t parsed = 0;
    for (;;)
    {
      if (buffer.size() > 0)
      {
        const auto data = buffer.data();
        input_ = std::string_view(static_cast<const char*>(data.data()), data.size());
        error_code error;
        const std::size_t used = parser_.put(data, error);
        input_ = {};
        buffer.consume(used);
        parsed += used;
        if (error != http::error::need_more)
        {
          co_return MessageIo::Transfer{error, parsed};
        }
      }

      std::size_t room = MessageIo::CHUNK_SIZE;
      if (parser_.chunked() && buffer.size() > 0)
      {
        // The parser waits for the end of a chunk-size line or of the trailers:
        // read no more than that element may still take.
        error_code error;
        const auto pending = buffer.data();
        room = std::min(room, GetRoomForPendingFraming(
          std::string_view(static_cast<const char*>(pending.data()), pending.size()), limits_, error));
        if (error)
        {
          co_return MessageIo::Transfer{error, parsed};
        }
      }
      room = std::min(room, buffer.max_size() - buffer.size());
      if (room == 0)
      {
        co_return MessageIo::Transfer{http::error::buffer_overflow, parsed};
      }

      auto [error, bytes] = co_await MessageIo::ReadSome(stream, buffer.prepare(room));
      buffer.commit(bytes);
      if (error == boost::asio::error::eof)
      {
        // As Beast does: a body delimited by the end of the connection ends here.
        if (parser_.got_some())
        {
          error_code eofError;
          parser_.put_eof(eofError);
          co_return MessageIo::Transfer{eofError, parsed};
        }
        co_return MessageIo::Transfer{http::error::end_of_stream, parsed};
      }
      if (error)
      {
        co_return MessageIo::Transfer{error, parsed};
      }
    }
  }
}
