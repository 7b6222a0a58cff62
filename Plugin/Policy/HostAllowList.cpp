// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HostAllowList.h"

#include "HostHeader.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    constexpr std::string_view ANY_HOST = "*";
    constexpr std::string_view SUBDOMAIN_PREFIX = "*.";

    bool IsHostName(std::string_view name)
    {
      if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.' ||
          name.find("..") != std::string_view::npos)
      {
        return false;
      }
      return std::all_of(name.begin(), name.end(), [](char c)
      {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      });
    }

    bool EntryMatches(std::string_view entry, std::string_view host)
    {
      if (entry.substr(0, SUBDOMAIN_PREFIX.size()) == SUBDOMAIN_PREFIX)
      {
        const std::string_view domain = entry.substr(1);   // ".domain"
        return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain;
      }
      return host == entry;
    }
  }


  HostAllowList HostAllowList::Restricted(std::vector<std::string> hosts)
  {
    HostAllowList list;
    list.restricted_ = std::find(hosts.begin(), hosts.end(), ANY_HOST) == hosts.end();
    list.hosts_ = std::move(hosts);
    return list;
  }


  bool HostAllowList::AllowsHost(std::string_view host) const
  {
    if (!restricted_ || IsLoopbackHost(host))
    {
      return true;
    }
    if (!host.empty() && host.back() == '.')
    {
      host.remove_suffix(1);   // the same name, written as absolute
    }
    return std::any_of(hosts_.begin(), hosts_.end(), [&](const std::string& entry) { return EntryMatches(entry, host); });
  }


  std::optional<std::string> HostAllowList::Check(const HttpFieldViews& fields) const
  {
    if (!restricted_)
    {
      return std::nullopt;
    }
    const FieldLookup host = LookUpField(fields, "host");
    if (host.count == 0)
    {
      return std::nullopt;
    }
    if (host.count > 1)
    {
      return "several Host header fields";
    }
    const std::optional<HostAndPort> parsed = ParseHostAndPort(host.first);
    if (!parsed)
    {
      return "the Host header is not host[:port]";
    }
    if (AllowsHost(parsed->host))
    {
      return std::nullopt;
    }
    return "Host " + parsed->host + " is neither a loopback name or address nor in Cors.AllowedHosts "
      "(a page whose DNS name was re-pointed at this server, DNS rebinding, or a name to add to AllowedHosts)";
  }


  bool IsValidHostEntry(std::string_view entry)
  {
    if (entry == ANY_HOST)
    {
      return true;
    }
    if (entry.substr(0, SUBDOMAIN_PREFIX.size()) == SUBDOMAIN_PREFIX)
    {
      const std::string_view domain = entry.substr(SUBDOMAIN_PREFIX.size());
      return IsHostName(domain) && !IsIpLiteral(domain);
    }
    return IsIpLiteral(entry) || IsHostName(entry);
  }
}
