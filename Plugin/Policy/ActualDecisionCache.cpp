// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ActualDecisionCache.h"

namespace OrthancCors
{
  std::shared_ptr<const CorsDecision> ActualDecisionCache::Decide(const Policy& policy, const CorsRequest& request)
  {
    const RoutePolicy* route = policy.FindRoute(request.path);
    lastWasKept_ = route != nullptr && route == route_ && request.origins == origins_;
    if (lastWasKept_)
    {
      return decision_;
    }

    // A path under no route is answered without CORS headers, its reason naming
    // the path: evaluated every time, never kept.
    decision_ = std::make_shared<const CorsDecision>(route == nullptr ? EvaluateActualRequest(policy, request) :
                                                     EvaluateActualRequest(policy, *route, request));
    std::size_t keyBytes = 0;
    for (const std::string& origin : request.origins)
    {
      keyBytes += origin.size();
    }
    if (keyBytes > MAX_KEY_BYTES)
    {
      route_ = nullptr;
      origins_.clear();
      return decision_;
    }
    route_ = route;
    origins_ = request.origins;
    return decision_;
  }
}
