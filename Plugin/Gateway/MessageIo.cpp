// SPDX-License-Identifier: AGPL-3.0-or-later

#include "MessageIo.h"

#include "../Protocol/ChunkedFraming.h"

#include <boost/beast/core/buffers_suffix.hpp>

#include <algorithm>
#include <array>
#include <utility>
#include <sys/socket.h>
#include <cerrno>

namespace OrthancCors
{
  namespace MessageIo
  {
    namespace
    {
      // Writes what the socket takes now, without waiting (MSG_DONTWAIT: the
      // socket's own mode, which Asio and Beast manage, is left as it is);
      // `failure` is set for errors other than a full send buffer. Returns the
      // bytes written, consumed from `remaining`.
      template <typename Buffers>
      std::size_t WriteWithoutWaiting(boost::asio::ip::tcp::socket& socket,
                                      boost::beast::buffers_suffix<Buffers>& remaining,
                                      ErrorCode& failure)
      {
        constexpr std::size_t MAX_PIECES = 8;
        std::array<iovec, MAX_PIECES> pieces;
        std::size_t count = 0;
        for (auto it = boost::asio::buffer_sequence_begin(remaining);
             it != boost::asio::buffer_sequence_end(remaining) && count < MAX_PIECES; ++it)
        {
          const boost::asio::const_buffer piece(*it);
          if (piece.size() > 0)
          {
            pieces[count++] = iovec{const_cast<void*>(piece.data()), piece.size()};
          }
        }
        msghdr message{};
        message.msg_iov = pieces.data();
        message.msg_iovlen = count;
        const ssize_t written = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (written < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
          {
            failure = ErrorCode(errno, boost::system::system_category());
          }
          return 0;
        }
        remaining.consume(static_cast<std::size_t>(written));
        return static_cast<std::size_t>(written);
      }
    }


    Awaitable<ErrorCode> WriteResponse(AnyStream& stream,
                                       std::chrono::steady_clock::duration timeout,
                                       unsigned int version,
                                       int status,
                                       const HttpHeaders& headers,
                                       std::string_view body,
                                       bool sendBody,
                                       bool keepAlive)
    {
      // Head and body in one gathered write, not through Beast's serializer: the
      // answer is known in full, and a preflight is all head (measured with perf:
      // the serializer's buffer sequences were the gateway's largest own cost).
      const std::optional<std::string> head = SerializeResponseHead(version, status, headers,
                                                                    BodyFraming::Length(body.size()), keepAlive);
      if (!head)
      {
        co_return http::error::bad_field;   // nothing is written: the connection closes
      }
      co_return co_await WriteSerializedResponse(stream, timeout, status, *head,
                                                 sendBody ? body : std::string_view());
    }


    namespace
    {
      enum class Deadline
      {
        PerPartialWrite,   // a large answer to a slow client, bounded per piece
        ForAll             // a body's chunk: the client reads all of it within the timeout
      };

      // Writes every byte of `pieces` and returns the bytes written.
      template <typename Buffers>
      Awaitable<std::pair<ErrorCode, uint64_t>> WriteTimed(AnyStream& stream,
                                                           std::chrono::steady_clock::duration timeout,
                                                           Deadline deadline,
                                                           const Buffers& pieces)
      {
        boost::beast::buffers_suffix<Buffers> remaining(pieces);
        uint64_t total = 0;
        ErrorCode failure;
        if (stream.GetTls() == nullptr)
        {
          // On plain TCP what is written nearly always fits in the socket's send
          // buffer: written at once, without a timer, a reactor operation and the
          // coroutine's suspension (strace: a timerfd_settime and an epoll_wait
          // less a preflight). What does not fit is written the async way.
          total = WriteWithoutWaiting(stream.Tcp().socket(), remaining, failure);
        }
        bool armed = false;
        while (!failure && boost::asio::buffer_size(remaining) > 0)
        {
          if (deadline == Deadline::PerPartialWrite || !armed)
          {
            stream.Tcp().expires_after(timeout);
            armed = true;
          }
          auto [error, written] = co_await stream.Visit([&](auto& s) { return s.async_write_some(remaining, AS_TUPLE); });
          total += written;
          if (error)
          {
            failure = error;
            break;
          }
          remaining.consume(written);
        }
        stream.GetTraffic().bytesWritten += total;
        if (!failure)
        {
          stream.Tcp().expires_never();
        }
        co_return std::make_pair(failure, total);
      }
    }


    Awaitable<ErrorCode> WriteSerializedResponse(AnyStream& stream,
                                                 std::chrono::steady_clock::duration timeout,
                                                 int status,
                                                 std::string_view head,
                                                 std::string_view body)
    {
      const std::array<boost::asio::const_buffer, 2> pieces{
        boost::asio::buffer(head.data(), head.size()), boost::asio::buffer(body.data(), body.size())};
      AnyStream::Traffic& traffic = stream.GetTraffic();
      traffic.responses++;
      traffic.lastStatus = static_cast<unsigned int>(status);
      const auto [failure, total] = co_await WriteTimed(stream, timeout, Deadline::PerPartialWrite, pieces);
      traffic.headBytesWritten += std::min<uint64_t>(total, head.size());
      co_return failure;
    }


    Awaitable<ErrorCode> WriteRequest(AnyStream& stream,
                                      std::chrono::steady_clock::duration timeout,
                                      std::string_view head,
                                      boost::asio::const_buffer body)
    {
      const std::array<boost::asio::const_buffer, 2> pieces{boost::asio::buffer(head.data(), head.size()), body};
      co_return (co_await WriteTimed(stream, timeout, Deadline::ForAll, pieces)).first;
    }


    std::size_t WriteNow(AnyStream& stream, std::span<const boost::asio::const_buffer> pieces, ErrorCode& failure)
    {
      if (stream.GetTls() != nullptr)
      {
        return 0;
      }
      boost::beast::buffers_suffix<std::span<const boost::asio::const_buffer>> remaining(pieces);
      const std::size_t written = WriteWithoutWaiting(stream.Tcp().socket(), remaining, failure);
      stream.GetTraffic().bytesWritten += written;
      return written;
    }


    Awaitable<std::pair<ErrorCode, std::uint64_t>> WriteFramedPiece(AnyStream& stream,
                                                                    std::chrono::steady_clock::duration timeout,
                                                                    std::string_view head,
                                                                    std::span<const char> piece,
                                                                    bool chunked,
                                                                    bool last)
    {
      const ChunkSizeLine sizeLine(piece.size());
      std::array<boost::asio::const_buffer, 5> pieces;
      std::size_t count = 0;
      pieces[count++] = boost::asio::buffer(head.data(), head.size());
      if (!piece.empty())
      {
        if (chunked)
        {
          pieces[count++] = boost::asio::buffer(sizeLine.View().data(), sizeLine.View().size());
        }
        pieces[count++] = boost::asio::buffer(piece.data(), piece.size());
        if (chunked)
        {
          pieces[count++] = boost::asio::buffer(CHUNK_DATA_END.data(), CHUNK_DATA_END.size());
        }
      }
      if (chunked && last)
      {
        pieces[count++] = boost::asio::buffer(LAST_CHUNK.data(), LAST_CHUNK.size());
      }
      co_return co_await WriteTimed(stream, timeout, Deadline::ForAll,
                                    std::span<const boost::asio::const_buffer>(pieces.data(), count));
    }


    void CountResponseHead(AnyStream& stream, int status, std::size_t headSize, std::uint64_t written)
    {
      AnyStream::Traffic& traffic = stream.GetTraffic();
      traffic.responses++;
      traffic.lastStatus = static_cast<unsigned int>(status);
      traffic.headBytesWritten += std::min<std::uint64_t>(written, headSize);
    }


    Awaitable<ErrorCode> WriteContinue(AnyStream& stream, std::chrono::steady_clock::duration timeout)
    {
      static constexpr std::string_view CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
      stream.Tcp().expires_after(timeout);
      auto [error, written] = co_await WriteAll(stream, boost::asio::buffer(CONTINUE.data(), CONTINUE.size()));
      stream.GetTraffic().headBytesWritten += written;
      stream.Tcp().expires_never();
      co_return error;
    }


    Awaitable<void> LingeringClose(boost::beast::tcp_stream& tcp, std::chrono::steady_clock::duration timeout)
    {
      if (!tcp.socket().is_open())
      {
        co_return;
      }
      tcp.expires_after(timeout);
      ErrorCode ignored;
      tcp.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
      static constexpr std::size_t LINGER_LIMIT = 1024 * 1024;
      std::array<char, 4096> discarded;
      for (std::size_t total = 0; total < LINGER_LIMIT; )
      {
        auto [error, bytes] = co_await tcp.async_read_some(boost::asio::buffer(discarded), AS_TUPLE);
        if (error)
        {
          break;
        }
        total += bytes;
      }
      tcp.close();
    }


    Awaitable<void> Shutdown(AnyStream& stream, std::chrono::steady_clock::duration timeout)
    {
      boost::beast::tcp_stream& tcp = stream.Tcp();
      if (!tcp.socket().is_open())
      {
        co_return;
      }

      if (AnyStream::TlsStream* tls = stream.GetTls())
      {
        tcp.expires_after(timeout);
        co_await tls->async_shutdown(AS_TUPLE);   // failure changes nothing: the socket closes below
        tcp.close();
      }
      else
      {
        co_await LingeringClose(tcp, timeout);
      }
    }


    bool IsIdleConnectionBroken(AnyStream& stream)
    {
      auto& socket = stream.Tcp().socket();
      if (!socket.is_open())
      {
        return true;
      }
      char byte;
      const ssize_t peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (peeked < 0)
      {
        return !(errno == EAGAIN || errno == EWOULDBLOCK);
      }
      return true;   // 0: closed by the peer; > 0: bytes nobody asked for
    }
  }
}
