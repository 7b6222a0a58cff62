// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AnyStream.h"
#include "ConnectionRegistry.h"
#include "GatewayContext.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>
#include <string>

namespace OrthancCors
{
  // The 503 of a connection over MaxConnections or its client's
  // MaxConnectionsPerClient (`reached`): its details, and when to try again. A
  // session sends it too, for a trusted proxy's connection once the client it
  // carries is over its limit.
  std::string DescribeConnectionLimit(ConnectionRegistry::Limit reached, const GatewaySettings& settings);
  inline const HttpHeader CONNECTION_LIMIT_RETRY_AFTER{"Retry-After", "1"};

  // A connection above Cors.Gateway.MaxConnections or above MaxConnectionsPerClient
  // of its client: told "503 Service Unavailable"
  // with Retry-After and Connection: close (after the TLS handshake, on HTTPS, so
  // that the client can read it), then closed. Every step is bounded by a short
  // timeout; Stop() closes it like a session.
  class ConnectionRefusal : public IClosable, public std::enable_shared_from_this<ConnectionRefusal>
  {
  public:
    ConnectionRefusal(const GatewayContext& context, boost::asio::ip::tcp::socket socket,
                      ConnectionRegistry::Limit reached);

    void Adopt(ConnectionRegistry::Membership membership);

    boost::asio::awaitable<void> Run();

    void Close() override;

  private:
    const GatewayContext& context_;
    boost::asio::any_io_executor executor_;
    AnyStream client_;
    std::string clientAddress_;   // for the access log, read while the connection is surely open
    ConnectionRegistry::Limit reached_;
    std::optional<ConnectionRegistry::Membership> membership_;
  };
}
