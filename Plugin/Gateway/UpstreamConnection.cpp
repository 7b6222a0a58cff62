// SPDX-License-Identifier: AGPL-3.0-or-later

#include "UpstreamConnection.h"

#include "MessageIo.h"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>

#include <charconv>

namespace OrthancCors
{
  namespace
  {
    constexpr std::chrono::milliseconds DEFAULT_REUSE_LIMIT{800};
  }


  std::chrono::steady_clock::duration ComputeReuseLimit(std::string_view keepAliveField)
  {
    const std::size_t position = keepAliveField.find("timeout=");
    if (position == std::string_view::npos)
    {
      return DEFAULT_REUSE_LIMIT;
    }
    const std::string_view digits = keepAliveField.substr(position + 8);
    unsigned int seconds = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (error != std::errc() || seconds == 0 || seconds > 3600)
    {
      return DEFAULT_REUSE_LIMIT;
    }
    return std::chrono::milliseconds(800) * seconds;
  }


  UpstreamConnection::UpstreamConnection(boost::asio::any_io_executor executor, const GatewayContext& context) :
    executor_(std::move(executor)),
    context_(context),
    reuseLimit_(DEFAULT_REUSE_LIMIT)
  {
  }


  std::string UpstreamConnection::Describe() const
  {
    return std::string(context_.upstreamTls ? "https" : "http") + "://127.0.0.1:" +
      std::to_string(context_.configuration->upstream.httpPort);
  }


  boost::asio::awaitable<boost::system::error_code> UpstreamConnection::Acquire(bool& reused)
  {
    if (pooled_ && stream_)
    {
      const bool fresh = std::chrono::steady_clock::now() - idleSince_ < reuseLimit_;
      if (fresh && buffer_.size() == 0 && !MessageIo::IsIdleConnectionBroken(*stream_))
      {
        pooled_ = false;
        reused = true;
        co_return boost::system::error_code();
      }
    }

    Close();
    reused = false;
    co_return co_await Connect();
  }


  boost::asio::awaitable<boost::system::error_code> UpstreamConnection::Connect()
  {
    if (cancelled_)
    {
      co_return boost::asio::error::operation_aborted;
    }

    // The stream is in place before the first wait, so that Cancel() reaches it.
    const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(),
                                                  context_.configuration->upstream.httpPort);
    stream_.emplace(AnyStream::PlainStream(executor_));
    stream_->Tcp().expires_after(context_.upstreamTimeout);
    auto [connectError] = co_await stream_->Tcp().async_connect(endpoint, MessageIo::AS_TUPLE);
    if (connectError || cancelled_)
    {
      Close();
      if (connectError && !cancelled_)
      {
        context_.metrics.upstreamConnectFailures.Add();
      }
      co_return connectError ? connectError : boost::asio::error::operation_aborted;
    }
    counted_ = true;
    context_.metrics.upstreamConnections.Increment();
    boost::system::error_code ignored;
    stream_->Tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);

    if (context_.upstreamTls)
    {
      AnyStream::TlsStream tls(std::move(stream_->Tcp()), *context_.upstreamTls);
      stream_.emplace(std::move(tls));
      stream_->Tcp().expires_after(context_.upstreamTimeout);
      auto [handshakeError] = co_await stream_->GetTls()->async_handshake(boost::asio::ssl::stream_base::client,
                                                                          MessageIo::AS_TUPLE);
      if (handshakeError || cancelled_)
      {
        if (handshakeError && !cancelled_)
        {
          context_.metrics.upstreamConnectFailures.Add();
        }
        Close();
        co_return handshakeError ? handshakeError : boost::asio::error::operation_aborted;
      }
    }
    stream_->Tcp().expires_never();
    co_return boost::system::error_code();
  }


  void UpstreamConnection::Release(bool reusable, std::string_view keepAliveField)
  {
    if (reusable && stream_ && buffer_.size() == 0)
    {
      pooled_ = true;
      idleSince_ = std::chrono::steady_clock::now();
      reuseLimit_ = ComputeReuseLimit(keepAliveField);
    }
    else
    {
      Close();
    }
  }


  void UpstreamConnection::Cancel()
  {
    cancelled_ = true;
    if (stream_)
    {
      // Only the socket: an operation may be pending on the stream object.
      stream_->Tcp().close();
    }
  }


  UpstreamConnection::~UpstreamConnection()
  {
    if (counted_)
    {
      context_.metrics.upstreamConnections.Decrement();
    }
  }


  void UpstreamConnection::Close()
  {
    pooled_ = false;
    buffer_.clear();
    if (counted_)
    {
      counted_ = false;
      context_.metrics.upstreamConnections.Decrement();
    }
    if (stream_)
    {
      boost::system::error_code ignored;
      stream_->Tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      stream_->Tcp().close();
      stream_.reset();
    }
  }
}
