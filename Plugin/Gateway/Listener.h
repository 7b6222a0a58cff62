// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "GatewayContext.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <functional>
#include <memory>

namespace OrthancCors
{
  // The gateway's listening socket. Binds in its constructor (so that a port in
  // use stops Orthanc at start-up); Start() accepts, each connection on the event
  // loop that `nextLoop` names (one thread each, so a connection's handlers never
  // run concurrently and need no strand), as a Session or — above MaxConnections
  // or MaxConnectionsPerClient — a ConnectionRefusal. An
  // accept error is logged and accepting goes on (after a short pause when out of
  // file descriptors), instead of the listener dying silently.
  class Listener : public std::enable_shared_from_this<Listener>
  {
  public:
    // Throws std::runtime_error naming Cors.Gateway.Port or Cors.Gateway.BindAddress.
    using LoopPicker = std::function<boost::asio::io_context&()>;

    // The listening socket lives on `io`; `nextLoop` is called on that loop only.
    Listener(boost::asio::io_context& io,
             LoopPicker nextLoop,
             const GatewayContext& context,
             const boost::asio::ip::tcp::endpoint& endpoint);

    uint16_t GetPort() const { return port_; }

    void Start();

    // Thread-safe: stops accepting and closes the listening socket.
    void Close();

  private:
    boost::asio::awaitable<void> AcceptLoop();
    void Launch(boost::asio::ip::tcp::socket socket);

    LoopPicker nextLoop_;
    const GatewayContext& context_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    uint16_t port_ = 0;
    bool closed_ = false;
  };
}
