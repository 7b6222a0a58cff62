// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PreflightAnswerCache.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    bool SameValues(const std::vector<std::string>& kept, const CorsFieldViews::Values& asked)
    {
      return std::equal(kept.begin(), kept.end(), asked.begin(), asked.end());
    }
  }


  PreflightAnswerCache::PreflightAnswerCache(std::size_t capacity) :
    capacity_(capacity)
  {
    entries_.reserve(capacity);
  }


  bool PreflightAnswerCache::Matches(const Entry& entry, const RoutePolicy& route, const CorsFieldViews& request)
  {
    return entry.route == &route &&
      SameValues(entry.origins, request.origins) &&
      SameValues(entry.requestMethods, request.requestMethods) &&
      SameValues(entry.requestHeaders, request.requestHeaders) &&
      SameValues(entry.requestPrivateNetwork, request.requestPrivateNetwork);
  }


  const std::string* PreflightAnswerCache::Find(const RoutePolicy& route, const CorsFieldViews& request) const
  {
    for (const Entry& entry : entries_)
    {
      if (Matches(entry, route, request))
      {
        return &entry.answer;
      }
    }
    return nullptr;
  }


  void PreflightAnswerCache::Store(const RoutePolicy& route, const CorsRequest& request, const CorsDecision& decision,
                                   std::string answer)
  {
    if (capacity_ == 0 || decision.outcome != CorsDecision::Outcome::Allowed || decision.route != &route)
    {
      return;
    }
    std::size_t keyBytes = 0;
    for (const std::vector<std::string>* values : { &request.origins, &request.requestMethods,
                                                    &request.requestHeaders, &request.requestPrivateNetwork })
    {
      for (const std::string& value : *values)
      {
        keyBytes += value.size();
      }
    }
    if (keyBytes > MAX_KEY_BYTES)
    {
      return;
    }
    Entry entry{&route, request.origins, request.requestMethods, request.requestHeaders,
                request.requestPrivateNetwork, std::move(answer)};
    if (entries_.size() < capacity_)
    {
      entries_.push_back(std::move(entry));
      return;
    }
    entries_[next_] = std::move(entry);
    next_ = (next_ + 1) % capacity_;
  }
}
