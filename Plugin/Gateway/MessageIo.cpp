#include "MessageIo.h"

#include <boost/beast/http/span_body.hpp>

#include <array>
#include <sys/socket.h>
#include <cerrno>

namespace OrthancCors
{
  namespace MessageIo
  {
    Awaitable<ErrorCode> WriteResponse(AnyStream& stream,
                                       std::chrono::steady_clock::duration timeout,
                                       unsigned int version,
                                       int status,
                                       const HttpHeaders& headers,
                                       std::string_view body,
                                       bool sendBody,
                                       bool keepAlive)
    {
      http::response<http::span_body<const char>> response;
      response.version(version);
      response.result(static_cast<unsigned int>(status));
      InsertFields(response, headers);
      if (GetAll(headers, "Content-Length").empty())
      {
        response.content_length(body.size());
      }
      response.keep_alive(keepAlive);
      if (sendBody)
      {
        response.body() = boost::span<const char>(body.data(), body.size());
      }

      http::response_serializer<http::span_body<const char>> serializer(response);
      while (!serializer.is_done())
      {
        stream.Tcp().expires_after(timeout);
        auto [error, written] = co_await WriteSome(stream, serializer);
        if (error)
        {
          co_return error;
        }
      }
      stream.Tcp().expires_never();
      co_return ErrorCode();
    }


    Awaitable<ErrorCode> WriteContinue(AnyStream& stream, std::chrono::steady_clock::duration timeout)
    {
      static constexpr std::string_view CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
      stream.Tcp().expires_after(timeout);
      auto [error, written] = co_await WriteAll(stream, boost::asio::buffer(CONTINUE.data(), CONTINUE.size()));
      stream.Tcp().expires_never();
      co_return error;
    }


    Awaitable<void> Shutdown(AnyStream& stream, std::chrono::steady_clock::duration timeout)
    {
      boost::beast::tcp_stream& tcp = stream.Tcp();
      if (!tcp.socket().is_open())
      {
        co_return;
      }

      tcp.expires_after(timeout);
      if (AnyStream::TlsStream* tls = stream.GetTls())
      {
        co_await tls->async_shutdown(AS_TUPLE);   // failure changes nothing: the socket closes below
      }
      else
      {
        // Lingering close: stop sending, then discard what the client still sends
        // until it closes too (or the timeout), so that the kernel does not answer
        // unread bytes with a reset that could destroy our last response.
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
      }
      tcp.close();
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
