// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "CorsEvaluation.h"

#include <cstddef>
#include <string>
#include <vector>

namespace OrthancCors
{
  // The allowed preflights a connection has already answered, with their answers.
  // A browser preflights every URL apart (its preflight cache is per URL), asking the
  // same question each time: same origin, method and headers, another path under the
  // same route. The policy is immutable and EvaluatePreflight depends on nothing else
  // than the route and the fields compared here, byte for byte: an answer is never
  // given to a request that differs in any of them (another origin above all).
  // Bounded: at most `capacity` entries, the oldest replaced first. One per
  // connection, so no lock; the answer is opaque here (the serialized response head).
  class PreflightAnswerCache
  {
  public:
    explicit PreflightAnswerCache(std::size_t capacity);

    // The answer stored for this route and exactly these fields, or nullptr.
    const std::string* Find(const RoutePolicy& route, const CorsFieldViews& request) const;

    // Only allowed preflights are stored: a refusal is logged with its reason, and a
    // stream of refused preflights must not push the browser's answers out. Nor are
    // questions longer than MAX_KEY_BYTES (a browser's are a few hundred bytes): a
    // client could otherwise make every connection hold its header limit four times.
    static constexpr std::size_t MAX_KEY_BYTES = 2048;
    void Store(const RoutePolicy& route, const CorsRequest& request, const CorsDecision& decision,
               std::string answer);

    std::size_t GetSize() const { return entries_.size(); }

  private:
    struct Entry
    {
      const RoutePolicy* route;
      std::vector<std::string> origins;
      std::vector<std::string> requestMethods;
      std::vector<std::string> requestHeaders;
      std::vector<std::string> requestPrivateNetwork;
      std::string answer;
    };

    static bool Matches(const Entry& entry, const RoutePolicy& route, const CorsFieldViews& request);

    std::size_t capacity_;
    std::size_t next_ = 0;   // the entry replaced when full
    std::vector<Entry> entries_;
  };
}
