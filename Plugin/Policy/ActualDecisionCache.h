// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "CorsEvaluation.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace OrthancCors
{
  // The CORS decision of a connection's last actual (non-preflight) request,
  // given again to the next one from the same Origin field(s) to the same route:
  // EvaluateActualRequest depends on nothing else (the policy is immutable), and
  // a viewer's connection carries one origin's requests, hundreds of them to
  // open a study. The Origin values are compared byte for byte: another origin,
  // another spelling of it or a second Origin field is evaluated afresh. One per
  // connection, so no lock.
  class ActualDecisionCache
  {
  public:
    // Origin fields longer than this (a browser's are a few dozen bytes) are not
    // kept: a client could otherwise make every connection hold its header limit.
    static constexpr std::size_t MAX_KEY_BYTES = 2048;

    // The decision for `request`, kept or evaluated. Shared, not copied: the
    // caller may hold it as long as it likes, whatever the next call decides.
    std::shared_ptr<const CorsDecision> Decide(const Policy& policy, const CorsRequest& request);

    // Whether the last Decide() gave the kept decision (for the tests).
    bool LastWasKept() const { return lastWasKept_; }

  private:
    const RoutePolicy* route_ = nullptr;   // nullptr: nothing kept
    std::vector<std::string> origins_;
    std::shared_ptr<const CorsDecision> decision_;
    bool lastWasKept_ = false;
  };
}
