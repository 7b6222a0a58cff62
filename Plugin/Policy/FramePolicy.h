// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"
#include "OriginPattern.h"

#include <string>
#include <vector>

namespace OrthancCors
{
  // Which pages may show a folder's pages in a frame (clickjacking defence): the
  // folder's own origin always ('self'), plus the listed origins. Sent as CSP
  // `frame-ancestors`, which browsers check against every ancestor of the frame.
  class FramePolicy
  {
  public:
    FramePolicy() = default;   // same origin only

    // Throws std::invalid_argument with the reason when an entry cannot be written
    // as a CSP source expression: "regex:" (CSP has no regular expressions),
    // "null" (an opaque origin is matched by no source), an IPv6 address (CSP's
    // host grammar has none); or is no page's origin: a scheme other than http(s).
    static OriginPattern ParseAncestor(const std::string& entry);

    explicit FramePolicy(std::vector<OriginPattern> ancestors);

    const std::vector<OriginPattern>& GetAncestors() const { return ancestors_; }
    bool IsSameOriginOnly() const { return ancestors_.empty(); }

    // "frame-ancestors 'self' https://portal.example https://*.hospital.example".
    const std::string& GetDirective() const { return directive_; }

    // As Chromium matches a CSP source expression against an ancestor's origin
    // (CSP 3, "Does url match expression"): "http://host" also matches
    // "https://host" on the same port or both default; "*" matches http(s) only;
    // an IPv4 address matches itself (CSP 3 matches domains only; Chromium and
    // Firefox accept addresses). 'self' is left out: the folder's own origin
    // depends on how it is reached.
    bool AllowsListedAncestor(const Origin& ancestor) const;

  private:
    std::vector<OriginPattern> ancestors_;
    std::string directive_ = "frame-ancestors 'self'";
  };

  // Adds the frame policy to a response's headers without losing a policy the
  // response already has: the directive goes into an existing
  // Content-Security-Policy that has no frame-ancestors, or into a field of its
  // own (browsers enforce every policy, so an existing frame-ancestors keeps
  // applying). X-Frame-Options: SAMEORIGIN for browsers that predate
  // frame-ancestors, when the policy is the same origin only (the header cannot
  // list origins; browsers that know frame-ancestors ignore it).
  void AddFramePolicyHeaders(HttpHeaders& headers, const FramePolicy& policy);

  // Whether one policy of a Content-Security-Policy field has the directive
  // (names are case-insensitive; policies are comma-separated).
  bool HasCspDirective(std::string_view policy, std::string_view directive);
}
