#include "ConnectionRegistry.h"

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


  ConnectionRegistry::ConnectionRegistry(std::size_t maxConnections) :
    maxConnections_(maxConnections)
  {
  }


  bool ConnectionRegistry::Membership::Attach(std::weak_ptr<IClosable> connection)
  {
    return registry_ != nullptr && registry_->Attach(id_, std::move(connection));
  }


  std::optional<ConnectionRegistry::Membership> ConnectionRegistry::TryJoin(Kind kind)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t& count = (kind == Kind::Session) ? sessions_ : refusals_;
    if (closed_ || count >= maxConnections_)
    {
      return std::nullopt;
    }
    ++count;
    const uint64_t id = nextId_++;
    members_.emplace(id, Member{std::weak_ptr<IClosable>(), kind});
    return Membership(*this, id);
  }


  std::size_t ConnectionRegistry::CountSessions() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return sessions_;
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
      std::size_t& count = (member->second.kind == Kind::Session) ? sessions_ : refusals_;
      --count;
      members_.erase(member);
    }
  }
}
