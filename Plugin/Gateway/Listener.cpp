// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Listener.h"

#include "ConnectionRefusal.h"
#include "Session.h"
#include "../Configuration/ConfigurationKeys.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    constexpr std::chrono::milliseconds ACCEPT_BACKOFF{100};

    // Completion of a connection's coroutine: an exception (a bug, or memory
    // exhaustion) is logged instead of vanishing; the connection is closed already.
    auto LogFailure(ILogger& logger)
    {
      return [&logger](std::exception_ptr failure)
      {
        if (failure)
        {
          try
          {
            std::rethrow_exception(failure);
          }
          catch (const std::exception& e)
          {
            logger.Error(std::string("Cors gateway: a connection failed: ") + e.what());
          }
          catch (...)
          {
            logger.Error("Cors gateway: a connection failed");
          }
        }
      };
    }

    // Runs a Session or a ConnectionRefusal as a coroutine on its event loop,
    // once the registry knows it (so that Stop() can close it); dropped when the
    // registry is closing already.
    template <typename Connection>
    void Spawn(const boost::asio::any_io_executor& executor,
               std::shared_ptr<Connection> connection,
               ConnectionRegistry::Membership membership,
               ILogger& logger)
    {
      if (membership.Attach(connection))
      {
        connection->Adopt(std::move(membership));
        boost::asio::co_spawn(executor, [connection]() -> boost::asio::awaitable<void>
        {
          co_await connection->Run();
        }, LogFailure(logger));
      }
    }

    bool IsResourceExhaustion(const boost::system::error_code& error)
    {
      return error == boost::asio::error::no_descriptors ||       // EMFILE
        error == boost::system::errc::too_many_files_open_in_system ||
        error == boost::asio::error::no_buffer_space ||
        error == boost::asio::error::no_memory;
    }

    [[noreturn]] void FailToBind(const boost::asio::ip::tcp::endpoint& endpoint, const boost::system::error_code& error)
    {
      const std::string port = std::to_string(endpoint.port());
      const std::string address = endpoint.address().to_string();
      const std::string portKey = ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::PORT);
      if (error == boost::asio::error::address_in_use)
      {
        throw std::runtime_error(portKey + ": port " + port + " is already in use");
      }
      if (error == boost::asio::error::access_denied)
      {
        throw std::runtime_error(portKey + ": not allowed to listen on port " + port +
                                 " (ports below 1024 need privileges)");
      }
      if (error == boost::system::errc::address_not_available || error == boost::asio::error::address_family_not_supported)
      {
        throw std::runtime_error(ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::BIND_ADDRESS) + ": " + address + " is not an address of this host (" +
                                 error.message() + ")");
      }
      throw std::runtime_error(portKey + ": cannot listen on " + address + ":" + port + " (" +
                               error.message() + ")");
    }
  }


  Listener::Listener(boost::asio::io_context& io,
                     LoopPicker nextLoop,
                     const GatewayContext& context,
                     const boost::asio::ip::tcp::endpoint& endpoint) :
    nextLoop_(std::move(nextLoop)),
    context_(context),
    strand_(boost::asio::make_strand(io)),
    acceptor_(strand_),
    backoff_(strand_)
  {
    boost::system::error_code error;
    acceptor_.open(endpoint.protocol(), error);
    if (!error)
    {
      acceptor_.set_option(boost::asio::socket_base::reuse_address(true), error);
    }
    if (!error)
    {
      acceptor_.bind(endpoint, error);
    }
    if (!error)
    {
      acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
    }
    if (error)
    {
      FailToBind(endpoint, error);
    }
    port_ = acceptor_.local_endpoint().port();
  }


  void Listener::Start()
  {
    boost::asio::co_spawn(strand_, [self = shared_from_this()]() -> boost::asio::awaitable<void>
    {
      co_await self->AcceptLoop();
    }, LogFailure(context_.logger));
  }


  void Listener::Close()
  {
    boost::asio::post(strand_, [self = shared_from_this()]
    {
      self->closed_ = true;
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->backoff_.cancel();
    });
  }


  boost::asio::awaitable<void> Listener::AcceptLoop()
  {
    while (!closed_)
    {
      bool backOff = false;
      try
      {
        // Connections are spread over the event loops; each loop has one thread, so
        // a session never runs concurrently with itself and needs no lock.
        auto [error, socket] = co_await acceptor_.async_accept(nextLoop_(),
                                                               boost::asio::as_tuple(boost::asio::use_awaitable));
        if (closed_)
        {
          break;
        }
        if (error)
        {
          context_.logger.Warning("Cors gateway: cannot accept a connection on port " + std::to_string(port_) +
                                  ": " + error.message());
          backOff = IsResourceExhaustion(error);
        }
        else
        {
          Launch(std::move(socket));
        }
      }
      catch (const std::exception& exception)
      {
        // Out of memory or descriptors while setting a connection up: that one
        // connection is lost, never the listener (an exception leaving this loop
        // would end accepting for good).
        context_.logger.Warning("Cors gateway: cannot accept a connection on port " + std::to_string(port_) +
                                ": " + exception.what());
        backOff = true;
      }
      if (backOff)
      {
        backoff_.expires_after(ACCEPT_BACKOFF);
        co_await backoff_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      }
    }
  }


  void Listener::Launch(boost::asio::ip::tcp::socket socket)
  {
    const boost::asio::any_io_executor executor = socket.get_executor();
    boost::system::error_code ignored;
    // (An unknown address, when the client is already gone, counts as one client.)
    const boost::asio::ip::address client = socket.remote_endpoint(ignored).address();

    // A trusted proxy's connections count for the clients they carry, once the
    // session knows them; until then, against MaxConnections only.
    const bool fromTrustedProxy = context_.configuration->gateway.trustedProxies.Contains(client);
    const std::optional<boost::asio::ip::address> countedClient =
      fromTrustedProxy ? std::nullopt : std::optional<boost::asio::ip::address>(client);

    ConnectionRegistry::Limit reached = ConnectionRegistry::Limit::None;
    if (auto session = context_.registry.TryJoin(ConnectionRegistry::Kind::Session, countedClient, &reached))
    {
      Spawn(executor, std::make_shared<Session>(context_, std::move(socket), fromTrustedProxy), std::move(*session),
            context_.logger);
    }
    else if (auto refusal = context_.registry.TryJoin(ConnectionRegistry::Kind::Refusal, countedClient))
    {
      Spawn(executor, std::make_shared<ConnectionRefusal>(context_, std::move(socket), reached),
            std::move(*refusal), context_.logger);
    }
    // Otherwise flooded past twice MaxConnections (or one client past twice its
    // own limit), or stopping: the socket just closes.
  }
}
