// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "../Common/HttpHeaders.h"
#include "../Protocol/HeadSerializer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <type_traits>

namespace OrthancCors
{
  // Beast/Asio plumbing shared by the session and the relay: one place that knows
  // how to reach the actual stream inside an AnyStream.
  namespace MessageIo
  {
    namespace http = boost::beast::http;
    using ErrorCode = boost::system::error_code;
    using Transfer = std::tuple<ErrorCode, std::size_t>;
    template <typename T> using Awaitable = boost::asio::awaitable<T>;

    // Header sections above this size are answered 431.
    constexpr std::size_t HEADER_LIMIT = 64 * 1024;

    // The unit of streaming: at most this many body bytes are held per direction.
    constexpr std::size_t CHUNK_SIZE = 64 * 1024;

    // The most a client connection's read buffer may hold (a header section, or
    // the bytes of one read beside an unfinished chunk-size line or trailer
    // section): no parsing path can make it grow further.
    constexpr std::size_t CLIENT_BUFFER_LIMIT = HEADER_LIMIT + 2 * CHUNK_SIZE;

    constexpr auto AS_TUPLE = boost::asio::as_tuple(boost::asio::use_awaitable);

    template <typename Fields>
    HttpHeaders ToHttpHeaders(const Fields& fields)
    {
      HttpHeaders headers;
      headers.reserve(static_cast<std::size_t>(std::distance(fields.begin(), fields.end())));
      for (const auto& field : fields)
      {
        headers.push_back(HttpHeader{std::string(field.name_string()), std::string(field.value())});
      }
      return headers;
    }

    inline std::string_view AsStdView(boost::beast::string_view text)
    {
      return std::string_view(text.data(), text.size());
    }

    // The functions below count what they transfer in the stream's Traffic.
    inline Awaitable<Transfer> ReadSome(AnyStream& stream, boost::asio::mutable_buffer buffer)
    {
      const Transfer result = co_await stream.Visit([&](auto& s) { return s.async_read_some(buffer, AS_TUPLE); });
      stream.GetTraffic().bytesRead += std::get<1>(result);
      co_return result;
    }

    inline Awaitable<Transfer> WriteAll(AnyStream& stream, boost::asio::const_buffer buffer)
    {
      const Transfer result = co_await stream.Visit([&](auto& s) { return boost::asio::async_write(s, buffer, AS_TUPLE); });
      stream.GetTraffic().bytesWritten += std::get<1>(result);
      co_return result;
    }

    // Reads until `parser` has the whole header, as http::async_read_header does
    // (end_of_stream when the peer closes before a byte, partial_message within
    // the header), without its composed operation: the bytes read past the header
    // stay in `buffer`. The caller arms the deadline.
    template <typename Parser>
    Awaitable<Transfer> ReadHeader(AnyStream& stream, boost::beast::flat_buffer& buffer, Parser& parser)
    {
      constexpr std::size_t HEADER_READ_SIZE = 64 * 1024;
      std::size_t total = 0;
      for (;;)
      {
        if (buffer.size() > 0)
        {
          ErrorCode error;
          buffer.consume(parser.put(buffer.data(), error));
          if (error != http::error::need_more && (error || parser.is_header_done()))
          {
            co_return Transfer{error, total};
          }
        }
        // Into the buffer's spare capacity (512 bytes at least), as Beast reads:
        // no reallocation when bytes are left over (a 1xx before the answer).
        const std::size_t room = std::min(std::max<std::size_t>(512, buffer.capacity() - buffer.size()),
                                          std::min(HEADER_READ_SIZE, buffer.max_size() - buffer.size()));
        if (room == 0)
        {
          co_return Transfer{http::error::buffer_overflow, total};
        }
        auto [error, bytes] = co_await ReadSome(stream, buffer.prepare(room));
        buffer.commit(bytes);
        total += bytes;
        if (error == boost::asio::error::eof)
        {
          if (!parser.got_some() && buffer.size() == 0)
          {
            co_return Transfer{http::error::end_of_stream, total};
          }
          parser.put_eof(error);
          co_return Transfer{error ? error : ErrorCode(http::error::partial_message), total};
        }
        if (error)
        {
          co_return Transfer{error, total};
        }
      }
    }

    // Reads whatever arrives next into the parser (its body buffer, for buffer_body).
    template <typename Parser>
    Awaitable<Transfer> ReadSomeBody(AnyStream& stream, boost::beast::flat_buffer& buffer, Parser& parser)
    {
      return stream.Visit([&](auto& s) { return http::async_read_some(s, buffer, parser, AS_TUPLE); });
    }

    // A serialized request head and its body, in one write within `timeout`.
    Awaitable<ErrorCode> WriteRequest(AnyStream& stream,
                                      std::chrono::steady_clock::duration timeout,
                                      std::string_view head,
                                      boost::asio::const_buffer body);

    // A response the gateway produces itself, body in memory (errors, preflights,
    // served files). Adds Content-Length when the headers lack it; writes no body
    // when `sendBody` is false (HEAD, 304). The timeout is re-armed for every
    // partial write, so a large file to a slow client is bounded per chunk.
    Awaitable<ErrorCode> WriteResponse(AnyStream& stream,
                                       std::chrono::steady_clock::duration timeout,
                                       unsigned int version,
                                       int status,
                                       const HttpHeaders& headers,
                                       std::string_view body,
                                       bool sendBody,
                                       bool keepAlive);

    // The same, with the head already serialized (SerializeResponseHead): a
    // preflight answered again from a connection's PreflightAnswerCache, or a
    // relayed response of known length with the body bytes read with its head.
    Awaitable<ErrorCode> WriteSerializedResponse(AnyStream& stream,
                                                 std::chrono::steady_clock::duration timeout,
                                                 int status,
                                                 std::string_view head,
                                                 std::string_view body);

    // A piece of a relayed body, in one gathered write within `timeout`: `head`
    // first when the piece is its message's first (empty otherwise), then
    // `piece` as a chunk when `chunked` (nothing for an empty piece) or as it
    // is, then the last chunk when `chunked` and `last`. Returns the bytes
    // written, head and framing included.
    Awaitable<std::pair<ErrorCode, std::uint64_t>> WriteFramedPiece(AnyStream& stream,
                                                                    std::chrono::steady_clock::duration timeout,
                                                                    std::string_view head,
                                                                    std::span<const char> piece,
                                                                    bool chunked,
                                                                    bool last);

    // What of `pieces` the socket takes now, without waiting (plain TCP only: 0
    // on TLS); `failure` is set when the connection is broken.
    std::size_t WriteNow(AnyStream& stream, std::span<const boost::asio::const_buffer> pieces, ErrorCode& failure);

    // Counts in the stream's Traffic a relayed response whose head (`headSize`
    // bytes) went in a write of `written` bytes.
    void CountResponseHead(AnyStream& stream, int status, std::size_t headSize, std::uint64_t written);

    // "HTTP/1.1 100 Continue": the gateway answers Expect itself.
    Awaitable<ErrorCode> WriteContinue(AnyStream& stream, std::chrono::steady_clock::duration timeout);

    // Stops sending, then discards what the peer still sends until it closes too
    // (or `timeout`), then closes: the kernel would otherwise answer unread bytes
    // with a reset that could destroy our last response.
    Awaitable<void> LingeringClose(boost::beast::tcp_stream& tcp, std::chrono::steady_clock::duration timeout);

    // Closes the connection gracefully, within `timeout`: TLS close_notify, or a
    // lingering close of the TCP connection.
    Awaitable<void> Shutdown(AnyStream& stream, std::chrono::steady_clock::duration timeout);

    // True when an idle connection has been closed by the peer or has unexpected
    // bytes pending (a TLS close_notify, garbage): it must not be reused.
    bool IsIdleConnectionBroken(AnyStream& stream);
  }
}
