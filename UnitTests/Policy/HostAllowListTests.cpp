// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Policy/HostAllowList.h"
#include "Policy/HostHeader.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

TEST(HostHeader, LoopbackNamesAndAddresses)
{
  for (const char* host : { "localhost", "localhost.", "127.0.0.1", "127.1.2.3",
                            "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]" })
  {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : { "viewer.localhost", "localhost.evil.example", "evillocalhost", "127.0.0.1.evil.example", "128.0.0.1",
                            "127.1", "0x7f.0.0.1", "0177.0.0.1", "[::2]", "[::ffff:10.0.0.1]", "10.0.0.1", "" })
  {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(HostAllowList, UnrestrictedListAcceptsEveryHost)
{
  const HostAllowList list;
  EXPECT_FALSE(list.IsRestricted());
  EXPECT_FALSE(list.Check({ { "Host", "rebind.evil.example" } }).has_value());
}

TEST(HostAllowList, DnsRebindingHostIsRefused)
{
  const HostAllowList list = HostAllowList::Restricted({});
  const auto refusal = list.Check({ { "Host", "rebind.evil.example:8042" } });
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(std::string::npos, refusal->find("rebind.evil.example"));
  EXPECT_NE(std::string::npos, refusal->find("AllowedHosts"));
}

TEST(HostAllowList, LoopbackHostsAreAcceptedWhenRestricted)
{
  const HostAllowList list = HostAllowList::Restricted({});
  EXPECT_FALSE(list.Check({ { "Host", "localhost:8042" } }).has_value());
  EXPECT_FALSE(list.Check({ { "Host", "127.0.0.1:8043" } }).has_value());
  EXPECT_FALSE(list.Check({ { "host", "[::1]:8043" } }).has_value());
}

TEST(HostAllowList, ListedHostsAndSubdomainsAreAccepted)
{
  const HostAllowList list = HostAllowList::Restricted({ "pacs.hospital.example", "*.viewers.example", "192.0.2.7" });
  EXPECT_FALSE(list.Check({ { "Host", "PACS.hospital.example:8043" } }).has_value());
  EXPECT_FALSE(list.Check({ { "Host", "pacs.hospital.example." } }).has_value());
  EXPECT_FALSE(list.Check({ { "Host", "a.viewers.example" } }).has_value());
  EXPECT_FALSE(list.Check({ { "Host", "192.0.2.7:8042" } }).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "viewers.example" } }).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "pacs.hospital.example.evil.example" } }).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "evilpacs.hospital.example" } }).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "192.0.2.8" } }).has_value());
}

TEST(HostAllowList, WildcardEntryLiftsTheRestriction)
{
  EXPECT_FALSE(HostAllowList::Restricted({ "*" }).IsRestricted());
}

TEST(HostAllowList, RequestsWithoutHostAreNotJudgedButSeveralHostsAreRefused)
{
  const HostAllowList list = HostAllowList::Restricted({});
  EXPECT_FALSE(list.Check({}).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "localhost" }, { "Host", "evil.example" } }).has_value());
  EXPECT_TRUE(list.Check({ { "Host", "localhost:99999" } }).has_value());
}

TEST(HostAllowList, EntryValidation)
{
  for (const char* entry : { "*", "pacs.example", "pacs", "*.example.org", "192.0.2.7", "[2001:db8::7]", "a_b.example" })
  {
    EXPECT_TRUE(IsValidHostEntry(entry)) << entry;
  }
  for (const char* entry : { "", "https://pacs.example", "pacs.example:8042", "*.", "a..b", ".example",
                             "**.example", "*.192.0.2.7", "pacs/x", "PACS" })
  {
    EXPECT_FALSE(IsValidHostEntry(entry)) << entry;
  }
}
