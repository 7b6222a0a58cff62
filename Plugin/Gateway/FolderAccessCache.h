// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace OrthancCors
{
  // What Orthanc answered when the gateway asked whether a client may see a folder.
  struct FolderAccessVerdict
  {
    int status = 0;                // Orthanc's status: 2xx, 401 or 403 (others are never cached)
    std::string wwwAuthenticate;   // Orthanc's WWW-Authenticate with a 401, to be relayed
  };

  // The verdicts of recent access probes, so that a viewer's many files cost one
  // probe per client credentials and folder, not one per file. An entry is found
  // only with the same credentials digest and folder prefix (no client ever gets
  // the verdict of other credentials), lives `lifetime`, and the oldest entries go
  // first beyond `capacity`. Thread-safe: shared by every connection of a gateway.
  class FolderAccessCache
  {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    static constexpr std::chrono::seconds DEFAULT_LIFETIME{10};
    static constexpr std::size_t DEFAULT_CAPACITY = 1024;

    explicit FolderAccessCache(std::chrono::steady_clock::duration lifetime = DEFAULT_LIFETIME,
                               std::size_t capacity = DEFAULT_CAPACITY,
                               Clock clock = &std::chrono::steady_clock::now);

    FolderAccessCache(const FolderAccessCache&) = delete;
    FolderAccessCache& operator=(const FolderAccessCache&) = delete;

    // `credentials`: a digest of what the probe carried (never the credentials themselves).
    std::optional<FolderAccessVerdict> Find(const std::string& credentials, const std::string& prefix);

    // Keeps 2xx, 401 and 403 verdicts; ignores the others (an unreachable or
    // failing Orthanc is asked again on the next request).
    void Store(const std::string& credentials, const std::string& prefix, const FolderAccessVerdict& verdict);

    std::size_t CountEntries() const;

    static bool IsCacheable(int status);

  private:
    using Key = std::pair<std::string, std::string>;   // credentials digest, folder prefix
    using Age = std::list<Key>;                          // oldest first

    struct Entry
    {
      FolderAccessVerdict verdict;
      std::chrono::steady_clock::time_point expiry;
      Age::iterator age;
    };

    void Erase(std::map<Key, Entry>::iterator entry);

    const std::chrono::steady_clock::duration lifetime_;
    const std::size_t capacity_;
    const Clock clock_;

    mutable std::mutex mutex_;
    std::map<Key, Entry> entries_;
    Age age_;
  };
}
