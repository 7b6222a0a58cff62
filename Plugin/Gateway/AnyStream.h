// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdint>
#include <memory>
#include <utility>
#include <variant>

namespace OrthancCors
{
  // A connection that is either plain TCP or TLS over TCP, decided at run time
  // (Cors.Gateway.SslEnabled on the client side, Orthanc's SslEnabled upstream).
  // Beast's algorithms are templates over the stream type: Visit() hands them the
  // actual stream, so that the session and the relay are written once.
  class AnyStream
  {
  public:
    using PlainStream = boost::beast::tcp_stream;
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    explicit AnyStream(PlainStream stream) :
      stream_(std::in_place_type<PlainStream>, std::move(stream))
    {
    }

    explicit AnyStream(TlsStream stream) :
      stream_(std::in_place_type<TlsStream>, std::move(stream))
    {
    }

    // An accepted client connection: TLS when the gateway serves HTTPS
    // (`serverTls` not null), the handshake still to be made. The stream keeps
    // the context it began with, whatever certificate renewal does meanwhile.
    static AnyStream Accepted(boost::asio::ip::tcp::socket socket,
                              std::shared_ptr<boost::asio::ssl::context> serverTls)
    {
      PlainStream tcp(std::move(socket));
      if (serverTls != nullptr)
      {
        AnyStream stream(TlsStream(std::move(tcp), *serverTls));
        stream.tlsContext_ = std::move(serverTls);
        return stream;
      }
      return AnyStream(std::move(tcp));
    }

    bool IsTls() const
    {
      return std::holds_alternative<TlsStream>(stream_);
    }

    // The TLS layer, or nullptr on a plain connection.
    TlsStream* GetTls()
    {
      return std::get_if<TlsStream>(&stream_);
    }

    // The TCP layer: timeouts (expires_after), socket options, close.
    boost::beast::tcp_stream& Tcp()
    {
      return std::visit([](auto& stream) -> boost::beast::tcp_stream&
      {
        return boost::beast::get_lowest_layer(stream);
      }, stream_);
    }

    // What went through the connection, in HTTP bytes (TLS records aside), as
    // MessageIo's functions count it on the connection's own thread: the access
    // log and the metrics read it.
    struct Traffic
    {
      uint64_t bytesRead = 0;
      uint64_t bytesWritten = 0;
      uint64_t headBytesWritten = 0;   // of bytesWritten: response heads (and "100 Continue")
      uint64_t responses = 0;          // final response heads begun
      unsigned int lastStatus = 0;     // the status of the last of them
    };

    Traffic& GetTraffic() { return traffic_; }

    template <typename Function>
    decltype(auto) Visit(Function&& function)
    {
      return std::visit(std::forward<Function>(function), stream_);
    }

  private:
    std::shared_ptr<boost::asio::ssl::context> tlsContext_;   // before the stream: destroyed after it
    std::variant<PlainStream, TlsStream> stream_;
    Traffic traffic_;
  };
}
