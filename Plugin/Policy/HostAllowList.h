// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // The defence against DNS rebinding: a page on rebind.evil.example whose name
  // the attacker re-points at the server is same-origin with it as far as the
  // browser and Origin go, so only the Host field tells that the request was
  // meant for another name. A restricted list lets a request through only when
  // its Host names this machine (IsLoopbackHost) or a listed host; requests
  // without Host (HTTP/1.0 clients, never a browser) are not judged.
  class HostAllowList
  {
  public:
    // Unrestricted: every Host is accepted.
    HostAllowList() = default;

    // Restricted to loopback names and addresses plus `hosts`: lower-case host
    // names ("pacs.hospital.example"), "*.domain" (any subdomain of domain, not
    // domain itself) or IP literals ("192.0.2.7", "[2001:db8::7]"). "*" among
    // them lifts the restriction. Entries are expected valid (IsValidHostEntry).
    static HostAllowList Restricted(std::vector<std::string> hosts);

    bool IsRestricted() const { return restricted_; }
    const std::vector<std::string>& GetListedHosts() const { return hosts_; }

    // Why a request with these header fields is refused; std::nullopt when it is
    // accepted.
    std::optional<std::string> Check(const HttpFieldViews& fields) const;

    bool AllowsHost(std::string_view host) const;

  private:
    bool restricted_ = false;
    std::vector<std::string> hosts_;
  };

  // An AllowedHosts entry: "*", a host name (letters, digits, '-', '_', dots
  // between non-empty labels, at most 253 characters), "*." + a host name, or an
  // IP literal; lower-case, no scheme, no port.
  bool IsValidHostEntry(std::string_view entry);
}
