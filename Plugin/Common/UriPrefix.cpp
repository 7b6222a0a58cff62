// SPDX-License-Identifier: AGPL-3.0-or-later

#include "UriPrefix.h"

namespace OrthancCors
{
  UriPrefix::UriPrefix(std::string text) :
    text_(std::move(text)),
    bareSize_(!text_.empty() && text_.back() == '/' ? text_.size() - 1 : text_.size())
  {
  }


  bool UriPrefix::Matches(std::string_view path) const
  {
    if (text_.empty() || text_.front() != '/')
    {
      return false;
    }
    const std::string_view bare = GetBare();
    return path.starts_with(bare) && (path.size() == bare.size() || path[bare.size()] == '/');
  }


  bool UriPrefix::Contains(const UriPrefix& inner) const
  {
    // The shortest path `inner` matches is its bare form ("/" for the root).
    return !inner.text_.empty() && Matches(inner.GetBare().empty() ? std::string_view("/") : inner.GetBare());
  }


  std::string WithTrailingSlash(std::string_view prefix)
  {
    std::string result(prefix);
    if (result.empty() || result.back() != '/')
    {
      result += '/';
    }
    return result;
  }
}
