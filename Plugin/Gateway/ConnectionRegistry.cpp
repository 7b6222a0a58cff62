// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConnectionRegistry.h"

#include "../Common/ClientAddress.h"

#include <vector>

namespace OrthancCors
{
  ConnectionRegistry::Membership::Membership(Membership&& other) noexcept :
    registry_(other.registry_),
    id_(other.id_)
  {
    other.registry_ = nullptr;
  }


  ConnectionRegistry::Membership::~Membership()
  {
    if (registry_ != nullptr)
    {
      registry_->Leave(id_);
    }
  }


  ConnectionRegistry::ConnectionRegistry(std::size_t maxConnections, std::size_t maxConnectionsPerClient) :
    maxConnections_(maxConnections),
    maxConnectionsPerClient_(maxConnectionsPerClient)
  {
  }


  bool ConnectionRegistry::Membership::Attach(std::weak_ptr<IClosable> connection)
  {
    return registry_ != nullptr && registry_->Attach(id_, std::move(connection));
  }


  ConnectionRegistry::Limit ConnectionRegistry::Membership::MoveTo(const boost::asio::ip::address& client)
  {
    return registry_ == nullptr ? Limit::Closed : registry_->MoveTo(id_, client);
  }


  std::optional<ConnectionRegistry::Membership> ConnectionRegistry::TryJoin(
    Kind kind, const std::optional<boost::asio::ip::address>& client, Limit* reached)
  {
    const std::optional<boost::asio::ip::address> key =
      client ? std::optional<boost::asio::ip::address>(GetClientKey(*client)) : std::nullopt;
    Limit limit = Limit::None;

    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_)
    {
      limit = Limit::Closed;
    }
    else if (total_.Of(kind) >= maxConnections_)
    {
      limit = Limit::MaxConnections;
    }
    else if (key && CountOf(*key, kind) >= maxConnectionsPerClient_)
    {
      limit = Limit::MaxConnectionsPerClient;
    }

    if (reached != nullptr)
    {
      *reached = limit;
    }
    if (limit != Limit::None)
    {
      return std::nullopt;
    }

    if (key)
    {
      CountFor(*key, kind);
    }
    ++total_.Of(kind);
    const uint64_t id = nextId_++;
    members_.emplace(id, Member{std::weak_ptr<IClosable>(), kind, key});
    return Membership(*this, id);
  }


  ConnectionRegistry::Limit ConnectionRegistry::MoveTo(uint64_t id, const boost::asio::ip::address& client)
  {
    const boost::asio::ip::address key = GetClientKey(client);
    std::lock_guard<std::mutex> lock(mutex_);
    auto member = members_.find(id);
    if (member == members_.end())
    {
      return Limit::Closed;
    }
    Member& moved = member->second;
    if (moved.client == key)
    {
      return Limit::None;
    }
    if (CountOf(key, moved.kind) >= maxConnectionsPerClient_)
    {
      return Limit::MaxConnectionsPerClient;
    }
    if (moved.client)
    {
      UncountFor(*moved.client, moved.kind);
    }
    CountFor(key, moved.kind);
    moved.client = key;
    return Limit::None;
  }


  std::size_t ConnectionRegistry::CountOf(const boost::asio::ip::address& key, Kind kind) const
  {
    auto known = clients_.find(key);
    return known == clients_.end() ? 0 : known->second.Of(kind);
  }


  void ConnectionRegistry::CountFor(const boost::asio::ip::address& key, Kind kind)
  {
    ++clients_[key].Of(kind);
  }


  void ConnectionRegistry::UncountFor(const boost::asio::ip::address& key, Kind kind)
  {
    auto client = clients_.find(key);
    if (client != clients_.end())
    {
      --client->second.Of(kind);
      if (client->second.IsEmpty())
      {
        clients_.erase(client);   // memory follows the live clients, not every address ever seen
      }
    }
  }


  std::size_t ConnectionRegistry::CountSessions() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_.sessions;
  }


  std::size_t ConnectionRegistry::CountSessionsOf(const boost::asio::ip::address& client) const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return CountOf(GetClientKey(client), Kind::Session);
  }


  void ConnectionRegistry::CloseAll()
  {
    std::vector<std::shared_ptr<IClosable>> open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      for (const auto& [id, member] : members_)
      {
        if (auto connection = member.connection.lock())
        {
          open.push_back(std::move(connection));
        }
      }
    }
    // Outside the lock: Close() only posts, but a connection released here may
    // leave the registry from its destructor.
    for (const auto& connection : open)
    {
      connection->Close();
    }
  }


  bool ConnectionRegistry::Attach(uint64_t id, std::weak_ptr<IClosable> connection)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto member = members_.find(id);
    if (closed_ || member == members_.end())
    {
      return false;
    }
    member->second.connection = std::move(connection);
    return true;
  }


  void ConnectionRegistry::Leave(uint64_t id)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto member = members_.find(id);
    if (member != members_.end())
    {
      const Kind kind = member->second.kind;
      --total_.Of(kind);
      if (member->second.client)
      {
        UncountFor(*member->second.client, kind);
      }
      members_.erase(member);
    }
  }
}
