#pragma once

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
  // lets Stop() close every one of them. Thread-safe; no global state.
  class ConnectionRegistry
  {
  public:
    enum class Kind
    {
      Session,   // counted against MaxConnections
      Refusal    // a connection being told "503", bounded by MaxConnections too
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

    private:
      friend class ConnectionRegistry;
      Membership(ConnectionRegistry& registry, uint64_t id) : registry_(&registry), id_(id) {}

      ConnectionRegistry* registry_;
      uint64_t id_;
    };

    explicit ConnectionRegistry(std::size_t maxConnections);

    // A place for one more connection, checked before the connection object is
    // built; std::nullopt when MaxConnections members of that kind are live, or
    // once CloseAll() has been called.
    std::optional<Membership> TryJoin(Kind kind);

    std::size_t CountSessions() const;

    // Refuses every later TryJoin and closes every member.
    void CloseAll();

  private:
    struct Member
    {
      std::weak_ptr<IClosable> connection;
      Kind kind;
    };

    bool Attach(uint64_t id, std::weak_ptr<IClosable> connection);
    void Leave(uint64_t id);

    const std::size_t maxConnections_;
    mutable std::mutex mutex_;
    std::map<uint64_t, Member> members_;
    std::size_t sessions_ = 0;
    std::size_t refusals_ = 0;
    uint64_t nextId_ = 0;
    bool closed_ = false;
  };
}
