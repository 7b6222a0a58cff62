// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConnectionRefusal.h"

#include "AccessLogFormat.h"

#include "MessageIo.h"
#include "../Protocol/ErrorResponses.h"
#include "../Configuration/ConfigurationKeys.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>

namespace OrthancCors
{
  namespace
  {
    constexpr std::chrono::seconds REFUSAL_TIMEOUT{2};
  }


  std::string DescribeConnectionLimit(ConnectionRegistry::Limit reached, const GatewaySettings& settings)
  {
    return (reached == ConnectionRegistry::Limit::MaxConnectionsPerClient) ?
      "the gateway serves " + ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::MAX_CONNECTIONS_PER_CLIENT) + " (" +
      std::to_string(settings.maxConnectionsPerClient) + ") connections of this client address already" :
      "the gateway serves " + ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::MAX_CONNECTIONS) + " (" +
      std::to_string(settings.maxConnections) + ") connections already";
  }


  ConnectionRefusal::ConnectionRefusal(const GatewayContext& context, boost::asio::ip::tcp::socket socket,
                                       ConnectionRegistry::Limit reached) :
    context_(context),
    executor_(socket.get_executor()),
    client_(AnyStream::Accepted(std::move(socket), context.serverTls ? context.serverTls->Current() : nullptr)),
    reached_(reached)
  {
    boost::system::error_code error;
    const auto remote = client_.Tcp().socket().remote_endpoint(error);
    clientAddress_ = error ? "" : remote.address().to_string();
    context_.metrics.refused503.Add();
  }


  void ConnectionRefusal::Adopt(ConnectionRegistry::Membership membership)
  {
    membership_.emplace(std::move(membership));
  }


  void ConnectionRefusal::Close()
  {
    boost::asio::post(executor_, [weak = weak_from_this()]
    {
      if (auto self = weak.lock())
      {
        self->client_.Tcp().close();
      }
    });
  }


  boost::asio::awaitable<void> ConnectionRefusal::Run()
  {
    if (AnyStream::TlsStream* tls = client_.GetTls())
    {
      client_.Tcp().expires_after(REFUSAL_TIMEOUT);
      auto [error] = co_await tls->async_handshake(boost::asio::ssl::stream_base::server, MessageIo::AS_TUPLE);
      if (error)
      {
        context_.metrics.tlsHandshakeFailures.Add();
        client_.Tcp().close();
        co_return;
      }
    }

    LocalResponse answer = MakeErrorResponse(503, DescribeConnectionLimit(reached_, context_.configuration->gateway));
    answer.headers.push_back(CONNECTION_LIMIT_RETRY_AFTER);
    const auto began = std::chrono::steady_clock::now();
    const auto beganWallClock = std::chrono::system_clock::now();
    const auto error = co_await MessageIo::WriteResponse(client_, REFUSAL_TIMEOUT, 11, 503, answer.headers,
                                                         answer.body, true, false);
    context_.metrics.bytesSent.Add(client_.GetTraffic().bytesWritten);
    if (context_.accessLog != nullptr)
    {
      // The request is not read: the line says who was refused, and when.
      AccessRecord record;
      record.clientAddress = clientAddress_;
      record.began = beganWallClock;
      record.elapsed = std::chrono::steady_clock::now() - began;
      record.status = 503;   // as the session logs it: the status sent, or attempted
      record.bodyBytesSent = client_.GetTraffic().bytesWritten - client_.GetTraffic().headBytesWritten;
      context_.accessLog->Write(FormatAccessLogLine(record));
    }
    if (!error)
    {
      co_await MessageIo::Shutdown(client_, REFUSAL_TIMEOUT);
    }
    client_.Tcp().close();
  }
}
