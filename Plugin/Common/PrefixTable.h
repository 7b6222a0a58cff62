// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "UriPrefix.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // Entries keyed by a UriPrefix, found by the longest prefix that matches a path:
  // the CORS routes, the folders, the paths relayed to Orthanc. Immutable once
  // built, so pointers returned by Find stay valid as long as the table.
  template <typename T>
  class PrefixTable
  {
  public:
    PrefixTable() = default;

    // `prefixOf(entry)` gives the prefix text of an entry. Entries are kept sorted
    // by decreasing prefix length (stable), so that the first match is the longest;
    // of two prefixes that only differ by a final "/", the one with it comes first.
    template <typename PrefixOf>
    PrefixTable(std::vector<T> entries, PrefixOf prefixOf)
    {
      std::stable_sort(entries.begin(), entries.end(), [&](const T& a, const T& b)
      {
        return std::string_view(prefixOf(a)).size() > std::string_view(prefixOf(b)).size();
      });

      prefixes_.reserve(entries.size());
      for (const T& entry : entries)
      {
        prefixes_.emplace_back(std::string(prefixOf(entry)));
      }
      entries_ = std::move(entries);
    }

    // The entry with the longest prefix matching `path`, or nullptr.
    const T* Find(std::string_view path) const
    {
      for (size_t i = 0; i < entries_.size(); i++)
      {
        if (prefixes_[i].Matches(path))
        {
          return &entries_[i];
        }
      }
      return nullptr;
    }

    // Longest prefix first.
    const std::vector<T>& GetEntries() const { return entries_; }

  private:
    std::vector<T> entries_;
    std::vector<UriPrefix> prefixes_;   // prefixes_[i] is the prefix of entries_[i]
  };
}
