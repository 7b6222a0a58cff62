// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace OrthancCors
{
  // Something Stop() must be able to end: a client connection and its transfer.
  class IClosable
  {
  public:
    virtual ~IClosable() = default;

    // Thread-safe; returns at once. The connection closes on its own event loop.
    virtual void Close() = 0;
  };

  // The live connections of one gateway: enforces Cors.Gateway.MaxConnections and
  // MaxConnectionsPerClient, and lets Stop() close every one of them.
  // Thread-safe; no global state.
  class ConnectionRegistry
  {
  public:
    enum class Kind
    {
      Session,   // counted against MaxConnections and MaxConnectionsPerClient
      Refusal    // a connection being told "503", bounded by the same two limits
                 // (apart from sessions): one client's refusals cannot crowd out
                 // the refusals owed to the others
    };

    // Which limit refused a TryJoin.
    enum class Limit
    {
      None,
      MaxConnections,
      MaxConnectionsPerClient,
      Closed      // CloseAll() was called
    };

    // Membership of one connection; leaving the registry when destroyed.
    class Membership
    {
    public:
      Membership(Membership&& other) noexcept;
      Membership& operator=(Membership&&) = delete;
      Membership(const Membership&) = delete;
      ~Membership();

      // Names the connection that CloseAll() must close. False when CloseAll()
      // came first: the caller drops the connection.
      bool Attach(std::weak_ptr<IClosable> connection);

      // Counts the connection for `client` from now on (a trusted proxy's
      // connection, once the client it carries is known). Limit::None when done
      // (or when it counts for that client already); MaxConnectionsPerClient when
      // that client has its limit of connections of this kind: it stays counted as before.
      Limit MoveTo(const boost::asio::ip::address& client);

    private:
      friend class ConnectionRegistry;
      Membership(ConnectionRegistry& registry, uint64_t id) : registry_(&registry), id_(id) {}

      ConnectionRegistry* registry_;
      uint64_t id_;
    };

    // A client is known by GetClientKey: its IPv4 address (IPv4-mapped IPv6 ones
    // included), or the /64 prefix of its IPv6 address.
    ConnectionRegistry(std::size_t maxConnections, std::size_t maxConnectionsPerClient);

    // A place for one more connection of `client`, checked before the connection
    // object is built; std::nullopt (and `reached`, when given, says why) when
    // MaxConnections members of that kind are live, or MaxConnectionsPerClient of
    // that kind from that client, or once CloseAll() has been called. No client:
    // a connection from a trusted proxy, counted against MaxConnections only
    // until Membership::MoveTo names the client it carries.
    std::optional<Membership> TryJoin(Kind kind, const std::optional<boost::asio::ip::address>& client,
                                      Limit* reached = nullptr);

    std::size_t CountSessions() const;
    std::size_t CountSessionsOf(const boost::asio::ip::address& client) const;

    // Refuses every later TryJoin and closes every member.
    void CloseAll();

  private:
    struct Member
    {
      std::weak_ptr<IClosable> connection;
      Kind kind;
      std::optional<boost::asio::ip::address> client;   // its key (GetClientKey)
    };

    struct Counts
    {
      std::size_t sessions = 0;
      std::size_t refusals = 0;

      std::size_t& Of(Kind kind) { return kind == Kind::Session ? sessions : refusals; }
      std::size_t Of(Kind kind) const { return kind == Kind::Session ? sessions : refusals; }
      bool IsEmpty() const { return sessions == 0 && refusals == 0; }
    };

    bool Attach(uint64_t id, std::weak_ptr<IClosable> connection);
    Limit MoveTo(uint64_t id, const boost::asio::ip::address& client);
    void Leave(uint64_t id);

    // (Under the lock.) A client key's members of `kind`; counting one more, or one less.
    std::size_t CountOf(const boost::asio::ip::address& key, Kind kind) const;
    void CountFor(const boost::asio::ip::address& key, Kind kind);
    void UncountFor(const boost::asio::ip::address& key, Kind kind);

    const std::size_t maxConnections_;
    const std::size_t maxConnectionsPerClient_;
    mutable std::mutex mutex_;
    std::map<uint64_t, Member> members_;
    Counts total_;
    std::map<boost::asio::ip::address, Counts> clients_;   // only clients with live members
    uint64_t nextId_ = 0;
    bool closed_ = false;
  };
}
