// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderAccessCache.h"

namespace OrthancCors
{
  FolderAccessCache::FolderAccessCache(std::chrono::steady_clock::duration lifetime,
                                       std::size_t capacity,
                                       Clock clock) :
    lifetime_(lifetime),
    capacity_(capacity),
    clock_(std::move(clock))
  {
  }


  bool FolderAccessCache::IsCacheable(int status)
  {
    return (status >= 200 && status < 300) || status == 401 || status == 403;
  }


  std::optional<FolderAccessVerdict> FolderAccessCache::Find(const std::string& credentials, const std::string& prefix)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto entry = entries_.find(Key(credentials, prefix));
    if (entry == entries_.end())
    {
      return std::nullopt;
    }
    if (clock_() >= entry->second.expiry)
    {
      Erase(entry);
      return std::nullopt;
    }
    return entry->second.verdict;
  }


  void FolderAccessCache::Store(const std::string& credentials, const std::string& prefix,
                                const FolderAccessVerdict& verdict)
  {
    if (!IsCacheable(verdict.status) || capacity_ == 0)
    {
      return;
    }

    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = clock_();
    // Entries all live the same time: the list in insertion order is also in expiry order.
    while (!age_.empty() && now >= entries_.find(age_.front())->second.expiry)
    {
      Erase(entries_.find(age_.front()));
    }

    Key key(credentials, prefix);
    const auto previous = entries_.find(key);
    if (previous != entries_.end())
    {
      Erase(previous);
    }
    while (entries_.size() >= capacity_)
    {
      Erase(entries_.find(age_.front()));
    }

    age_.push_back(key);
    entries_.emplace(std::move(key), Entry{verdict, now + lifetime_, std::prev(age_.end())});
  }


  std::size_t FolderAccessCache::CountEntries() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }


  void FolderAccessCache::Erase(std::map<Key, Entry>::iterator entry)
  {
    age_.erase(entry->second.age);
    entries_.erase(entry);
  }
}
